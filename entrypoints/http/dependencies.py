"""What handlers are given: the caller, a unit of work, the clock, the password hasher.

API handlers take one dependency, `ctx` (a RequestContext): Litestar resolves two or more
dependencies of a handler in an anyio task group, one task each, which cost a cached week view
a quarter of its CPU for providers that only hand out objects. The web pages take the single ones
(their `viewer` reads the database anyway).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from litestar import Litestar, Request
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotAuthorizedException
from litestar.params import SkipValidation

from application.cache import CalendarReads
from application.unit_of_work import UnitOfWork
from domain.accounts.ports import PasswordHasher
from domain.clock import Clock
from domain.notifications.ports import NotificationPublisher
from entrypoints.bootstrap import Container
from entrypoints.http.auth import AuthenticatedUser

_CONTAINER = "container"
"""The one key of the app's state: everything else is a typed attribute of the container."""


def app_state(container: Container) -> State:
    """The web app's state: the composition root's container, nothing else."""
    return State({_CONTAINER: container})


def container_of(app: Litestar) -> Container:
    """The container the app was built with (create_app puts it in the app's state)."""
    container: Container = app.state[_CONTAINER]
    return container


class RequestContext:
    """One request's view of the container: who calls, and a unit of work made on first use."""

    def __init__(self, container: Container, user: object) -> None:
        self._container = container
        self._user = user
        # The ports most handlers pass on to their use case, at hand without going through the container.
        self.clock: Clock = container.clock
        self.hasher: PasswordHasher = container.hasher
        self.publisher: NotificationPublisher = container.publisher
        self.reads: CalendarReads = container.reads

    @property
    def container(self) -> Container:
        """Every dependency the composition root built (for handlers that need more than the ones below)."""
        return self._container

    @property
    def actor(self) -> AuthenticatedUser:
        """The signed-in caller; 401 for a request without one."""
        if not isinstance(self._user, AuthenticatedUser):
            raise NotAuthorizedException("Sign in first")
        return self._user

    @cached_property
    def uow(self) -> UnitOfWork:
        """This request's unit of work (one per request, like every `uow` dependency)."""
        return self._container.unit_of_work()


def dependencies(container: Container) -> dict[str, Provide]:
    def provide_uow() -> UnitOfWork:
        return container.unit_of_work()

    def provide_clock() -> Clock:
        return container.clock

    def provide_hasher() -> PasswordHasher:
        return container.hasher

    def provide_publisher() -> NotificationPublisher:
        return container.publisher

    def provide_actor(request: Request[Any, Any, Any]) -> AuthenticatedUser:
        return RequestContext(container, request.scope.get("user")).actor

    def provide_context(request: Request[Any, Any, Any]) -> RequestContext:
        return RequestContext(container, request.scope.get("user"))

    return {
        "uow": Provide(provide_uow, sync_to_thread=False),
        "clock": Provide(provide_clock, sync_to_thread=False),
        "hasher": Provide(provide_hasher, sync_to_thread=False),
        "publisher": Provide(provide_publisher, sync_to_thread=False),
        "actor": Provide(provide_actor, sync_to_thread=False),
        "ctx": Provide(provide_context, sync_to_thread=False),
    }


# Handler parameter types: named dependencies, not validated (their types are ports, not data).
UoW = NamedDependency[SkipValidation[UnitOfWork]]
ClockDep = NamedDependency[SkipValidation[Clock]]
Hasher = NamedDependency[SkipValidation[PasswordHasher]]
Actor = NamedDependency[SkipValidation[AuthenticatedUser]]
Publisher = NamedDependency[SkipValidation[NotificationPublisher]]
Ctx = NamedDependency[SkipValidation[RequestContext]]
