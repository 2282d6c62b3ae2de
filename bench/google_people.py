"""What the Google benchmarks share: a person registered through the use case, and connected to the fake Google."""

from __future__ import annotations

import time
from uuid import UUID

from adapters.passwords import Argon2PasswordHasher
from application.accounts.dto import RegisterUser
from application.accounts.register_user import register_user
from application.google_sync.begin_connection import BeginConnection, begin_connection
from application.google_sync.complete_connection import CompleteConnection, complete_connection
from domain.clock import SystemClock
from domain.jobs.job import Job
from entrypoints.bootstrap import Container
from tests.fakes.google import FakeGoogle


async def bench_person(services: Container) -> UUID:
    """A new person, with a name no earlier run on the same database took."""
    person = await register_user(
        RegisterUser(email=f"bench-{time.time_ns()}@example.com", password="bench password 123", name="Bench"),
        uow=services.unit_of_work(),
        hasher=Argon2PasswordHasher(),
        clock=SystemClock(),
    )
    return person.id


async def connect_google(services: Container, fake: FakeGoogle, user_id: UUID, *, write_access: bool = False) -> Job:
    """Consent at the fake Google and complete the connection, as the callback does: the full sync's job."""
    google = services.google
    url = await begin_connection(
        BeginConnection(actor_id=user_id, write_access=write_access),
        oauth=google.oauth,
        clock=services.clock,
        secret=google.secret,
        pending=google.pending,
    )
    state = url.split("state=", 1)[1].split("&", 1)[0]
    return await complete_connection(
        CompleteConnection(actor_id=user_id, code=fake.consent(url), state=state),
        uow=services.unit_of_work(),
        oauth=google.oauth,
        clock=services.clock,
        secret=google.secret,
        queue=google.queue,
        pending=google.pending,
    )
