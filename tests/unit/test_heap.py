"""A served process freezes what start-up built and collects its youngest generation less often.

Checked in a process of its own: freezing the test process would keep every app the suite builds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from entrypoints.bootstrap.heap import YOUNG_THRESHOLD

_SERVED = """
import gc, json
from entrypoints.serve import served_app
before = gc.get_freeze_count()
app = served_app()
print(json.dumps({"before": before, "frozen": gc.get_freeze_count(), "young": gc.get_threshold()[0]}))
"""


def test_the_app_uvicorn_serves_is_built_on_a_settled_heap() -> None:
    env = {
        **os.environ,
        "SECRET_KEY": "s" * 64,
        "DATABASE_URL": "postgresql://planner@127.0.0.1:1/planner",  # built, never connected to
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "APP_ENV": "development",
    }
    done = subprocess.run(
        [sys.executable, "-c", _SERVED], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["before"] == 0
    # Start-up's objects (modules, routes, schemas, mappers) are in the permanent generation: far more than a few.
    assert seen["frozen"] > 50_000
    assert seen["young"] == YOUNG_THRESHOLD
