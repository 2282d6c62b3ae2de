"""What handlers are given: the caller, a unit of work, the clock, the password hasher."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotAuthorizedException
from litestar.params import SkipValidation

from application.cache import CalendarReads
from application.unit_of_work import UnitOfWork
from domain.clock import Clock
from domain.notifications.ports import NotificationPublisher
from domain.scheduling.ports import PasswordHasher
from entrypoints.http.auth import AuthenticatedUser


@dataclass(frozen=True)
class Services:
    """The adapters the composition root chose for the ports the use cases need."""

    unit_of_work: Callable[[], UnitOfWork]
    clock: Clock
    hasher: PasswordHasher
    publisher: NotificationPublisher
    reads: CalendarReads


def dependencies(services: Services) -> dict[str, Provide]:
    def provide_uow() -> UnitOfWork:
        return services.unit_of_work()

    def provide_clock() -> Clock:
        return services.clock

    def provide_hasher() -> PasswordHasher:
        return services.hasher

    def provide_publisher() -> NotificationPublisher:
        return services.publisher

    def provide_reads() -> CalendarReads:
        return services.reads

    def provide_actor(request: Request[Any, Any, Any]) -> AuthenticatedUser:
        user = request.scope.get("user")
        if not isinstance(user, AuthenticatedUser):
            raise NotAuthorizedException("Sign in first")
        return user

    return {
        "uow": Provide(provide_uow, sync_to_thread=False),
        "clock": Provide(provide_clock, sync_to_thread=False),
        "hasher": Provide(provide_hasher, sync_to_thread=False),
        "publisher": Provide(provide_publisher, sync_to_thread=False),
        "actor": Provide(provide_actor, sync_to_thread=False),
        "reads": Provide(provide_reads, sync_to_thread=False),
    }


# Handler parameter types: named dependencies, not validated (their types are ports, not data).
UoW = NamedDependency[SkipValidation[UnitOfWork]]
ClockDep = NamedDependency[SkipValidation[Clock]]
Hasher = NamedDependency[SkipValidation[PasswordHasher]]
Actor = NamedDependency[SkipValidation[AuthenticatedUser]]
Publisher = NamedDependency[SkipValidation[NotificationPublisher]]
Reads = NamedDependency[SkipValidation[CalendarReads]]
