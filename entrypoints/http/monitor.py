"""The SAQ web monitor at /saq, for administrators only."""

from __future__ import annotations

from typing import Any

from litestar import Router
from litestar.di import Provide
from litestar.static_files import create_static_files_router
from litestar_saq import SAQConfig
from litestar_saq.config import TaskQueues
from litestar_saq.controllers import build_controller

from entrypoints.guards import admins_only

MONITOR_PATH = "/saq"


def monitor_router(config: SAQConfig) -> Router:
    """The litestar-saq monitor pages and their API, behind the admin guard."""

    async def provide_queues() -> TaskQueues:
        return config.get_queues()

    return Router(
        path="/",
        route_handlers=[
            create_static_files_router(
                directories=[config.static_files],
                path=f"{MONITOR_PATH}/static",
                name="saq",
                include_in_schema=False,
            ),
            build_controller(MONITOR_PATH, [admins_only], False),
        ],
        dependencies={config.queues_dependency_key: Provide(provide_queues)},
        signature_namespace=dict[str, Any](config.signature_namespace),
        include_in_schema=False,
    )
