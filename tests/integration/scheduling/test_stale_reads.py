"""Whose cached reads a commit makes stale, on the real PostgreSQL and Redis."""

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest
from redis.asyncio import Redis
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from adapters.postgres.cache_invalidation import ForgetStaleReads
from adapters.postgres.unit_of_work import PostgresUnitOfWork
from adapters.redis.cache import RedisCache, create_cache_client, default_cache_url, generation_key
from application.cache import ROOMS, CalendarReads
from application.scheduling.create_calendar import create_calendar
from application.scheduling.create_event import create_event
from application.scheduling.dto import CreateCalendar, CreateEvent, ShareCalendar
from application.scheduling.extend_horizons import ExtendSeriesHorizons, extend_series_horizons
from application.scheduling.share_calendar import share_calendar
from domain.accounts.user import User
from domain.scheduling.calendar import CalendarRole
from domain.scheduling.event import NewEvent
from domain.scheduling.recurrence import Recurrence
from entrypoints.settings import Settings
from tests.integration.scheduling.office import PostgresOffice
from tests.unit.scheduling.factories import at


@pytest.fixture
async def cache(settings: Settings) -> AsyncIterator[RedisCache]:
    cache = RedisCache(create_cache_client(default_cache_url(settings.redis.url or "")))
    yield cache
    await cache.close()


@pytest.fixture
async def cache_redis(settings: Settings) -> AsyncIterator[Redis]:
    client = create_cache_client(default_cache_url(settings.redis.url or ""))
    yield client
    await client.aclose()


async def generations(redis: Redis, people: list[User]) -> dict[UUID, bytes | None]:
    return {person.id: await redis.get(generation_key(person.id)) for person in people}


class Statements:
    """The SQL statements an engine runs while it is being watched."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.seen: list[str] = []
        self._engine = engine

    def __enter__(self) -> "Statements":
        event.listen(self._engine.sync_engine, "before_cursor_execute", self._note)
        return self

    def __exit__(self, *_: object) -> None:
        event.remove(self._engine.sync_engine, "before_cursor_execute", self._note)

    def _note(self, _connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        self.seen.append(statement)


@pytest.mark.parametrize("organizer_role", ["owner", "editor"])
async def test_a_new_event_makes_stale_the_reads_of_its_organizer_invitees_and_calendar_members_only(
    office: PostgresOffice, engine: AsyncEngine, cache: RedisCache, cache_redis: Redis, organizer_role: str
) -> None:
    owner, editor, viewer = await office.person(), await office.person(), await office.person()
    invitee, outsider = await office.person(), await office.person()
    team = await create_calendar(CreateCalendar(actor_id=owner.id, name="Team"), uow=office.uow, clock=office.clock)
    for member, role in ((editor, CalendarRole.EDITOR), (viewer, CalendarRole.VIEWER)):
        share = ShareCalendar(actor_id=owner.id, calendar_id=team.id, email=member.email, role=role)
        await share_calendar(share, uow=office.uow, clock=office.clock)
    organizer = owner if organizer_role == "owner" else editor
    everyone = [owner, editor, viewer, invitee, outsider]
    before = await generations(cache_redis, everyone)

    uow = PostgresUnitOfWork(office.sessions, stale_reads=ForgetStaleReads(CalendarReads(cache, ttl_seconds=60)))
    command = CreateEvent(
        actor_id=organizer.id,
        event=NewEvent(title="Planning", starts_at=at(10), ends_at=at(11)),
        calendar_id=team.id,
        participants=[invitee.email],
    )
    with Statements(engine) as statements:
        await create_event(command, uow=uow, clock=office.clock)
    after = await generations(cache_redis, everyone)

    changed = {person.id for person in everyone if after[person.id] != before[person.id]}
    assert changed == {owner.id, editor.id, viewer.id, invitee.id}
    # The calendar and its members were read by the use case: nobody had to be looked up again.
    assert not [sql for sql in statements.seen if "UNION" in sql.upper()], statements.seen


async def test_a_saved_change_to_a_person_makes_their_cached_reads_stale(
    office: PostgresOffice, cache: RedisCache, cache_redis: Redis
) -> None:
    """Their email, zone and working hours are cached with their reads (find a time): any change of them bumps."""
    ada, bob = await office.person(), await office.person()
    before = await generations(cache_redis, [ada, bob])

    uow = PostgresUnitOfWork(office.sessions, stale_reads=ForgetStaleReads(CalendarReads(cache, ttl_seconds=60)))
    async with uow:
        user = await uow.users.get(ada.id)
        assert user is not None
        await uow.users.save(user)
        await uow.commit()

    after = await generations(cache_redis, [ada, bob])
    assert after[ada.id] != before[ada.id]
    assert after[bob.id] == before[bob.id]


async def test_rooms_cached_bookings_are_made_stale_by_writes_that_book_rooms_only(
    sessions: async_sessionmaker[AsyncSession], cache: RedisCache, cache_redis: Redis
) -> None:
    """ROOMS' generation moves with a booking and with a series growing into the future with its room."""
    reads = CalendarReads(cache, ttl_seconds=60)
    horizon = timedelta(days=3)

    class Office(PostgresOffice):
        def unit_of_work(self) -> PostgresUnitOfWork:
            return PostgresUnitOfWork(self.sessions, stale_reads=ForgetStaleReads(reads), horizon=horizon)

    office = Office(sessions)
    ada = await office.person()
    everest = await office.room()

    async def rooms_generation() -> bytes | None:
        return await cache_redis.get(generation_key(ROOMS))

    before = await rooms_generation()
    await office.event(ada, title="No room", reminders=[])
    assert await rooms_generation() == before

    await office.event(ada, title="Stand-up", room_id=everest.id, recurrence=Recurrence.of("FREQ=DAILY"), reminders=[])
    booked = await rooms_generation()
    assert booked != before

    office.clock.advance(timedelta(days=2))
    run = await extend_series_horizons(
        ExtendSeriesHorizons(horizon=horizon), uow=office.unit_of_work(), clock=office.clock
    )
    assert run.rooms_declined == 0
    assert await rooms_generation() != booked
