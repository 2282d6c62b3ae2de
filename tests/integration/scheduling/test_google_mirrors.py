"""Google mirrors on PostgreSQL: stored as the domain decides, found by every window they touch, read-only."""

from dataclasses import replace
from datetime import timedelta
from uuid import UUID

import pytest
from cryptography.fernet import Fernet
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.google.token_cipher import TokenCipher
from adapters.postgres.unit_of_work import PostgresUnitOfWork
from application.scheduling.cancel_event import cancel_event
from application.scheduling.dto import CancelEvent, UpdateCalendar, UpdateEvent
from application.scheduling.list_events import list_events
from application.scheduling.update_calendar import update_calendar
from application.scheduling.update_event import update_event
from domain.accounts.user import User
from domain.errors import PermissionDenied
from domain.google_sync.mirroring import MirroredPage, mirror_calendar, mirror_page
from domain.google_sync.model import MirroredCalendar, RemoteCalendar, RemoteEvent
from domain.scheduling.calendar import CalendarChanges, CalendarRole
from domain.scheduling.event import EventChanges
from tests.integration.scheduling.office import PostgresOffice
from tests.unit.scheduling.factories import MONDAY, NOW

WEEK = timedelta(days=7)
LEAVE = RemoteEvent(
    id="leave", cancelled=False, title="Parental leave", starts_at=MONDAY, ends_at=MONDAY + timedelta(days=60)
)
STANDUP = RemoteEvent(
    id="standup",
    cancelled=False,
    title="Standup",
    starts_at=MONDAY + timedelta(hours=9),
    ends_at=MONDAY + timedelta(hours=9, minutes=15),
)


@pytest.fixture
def google_uow(sessions: async_sessionmaker[AsyncSession]) -> PostgresUnitOfWork:
    return PostgresUnitOfWork(sessions, cipher=TokenCipher(Fernet.generate_key().decode()))


async def mirrored(google_uow: PostgresUnitOfWork, person: User) -> MirroredCalendar:
    async with google_uow as uow:
        owner = await uow.google.account_holder(person.id)
        assert owner is not None
        calendar, mirror = mirror_calendar(owner, RemoteCalendar(id="work", name="Work", time_zone="UTC"), now=NOW)
        stored = await uow.google.add_mirror(calendar, mirror)
        await uow.commit()
    return stored


async def apply(google_uow: PostgresUnitOfWork, mirror: MirroredCalendar, *events: RemoteEvent) -> MirroredPage:
    async with google_uow as uow:
        known = await uow.google.mirrored_events(mirror, [event.id for event in events])
        page = mirror_page(mirror, known, events, now=NOW)
        await uow.google.apply_events(mirror, page)
        await uow.commit()
    return page


async def titles_in_week(office: PostgresOffice, person: User, week: int, calendar_id: UUID | None = None) -> list[str]:
    start = MONDAY + week * WEEK
    found = await list_events(
        actor_id=person.id, start=start, end=start + WEEK, uow=office.uow, calendar_id=calendar_id
    )
    return [event.title for event in found]


async def test_a_mirrored_event_longer_than_a_month_is_found_in_every_week_it_touches(
    office: PostgresOffice, google_uow: PostgresUnitOfWork
) -> None:
    ada = await office.person()
    mirror = await mirrored(google_uow, ada)
    await apply(google_uow, mirror, LEAVE, STANDUP)
    assert LEAVE.ends_at is not None
    assert LEAVE.starts_at is not None
    assert LEAVE.ends_at - LEAVE.starts_at > timedelta(days=31)

    assert await titles_in_week(office, ada, 0) == ["Parental leave", "Standup"]
    for week in (4, 5, 8):  # past EVENT_MAX_LENGTH, and the last week, which the leave ends in
        assert await titles_in_week(office, ada, week) == ["Parental leave"], week
        assert await titles_in_week(office, ada, week, calendar_id=mirror.calendar_id) == ["Parental leave"], week
    assert await titles_in_week(office, ada, 9) == []


async def test_applying_a_page_again_changes_nothing_and_a_changed_event_is_refreshed(
    office: PostgresOffice, google_uow: PostgresUnitOfWork
) -> None:
    ada = await office.person()
    mirror = await mirrored(google_uow, ada)
    first = await apply(google_uow, mirror, LEAVE, STANDUP)
    stored = await office.dump()

    again = await apply(google_uow, mirror, LEAVE, STANDUP)

    assert (len(first.added), again.added, again.refreshed, again.removed) == (2, {}, [], [])
    assert await office.dump() == stored

    moved = RemoteEvent(
        id="standup",
        cancelled=False,
        title="Standup",
        starts_at=MONDAY + timedelta(hours=10),
        ends_at=MONDAY + timedelta(hours=10, minutes=15),
    )
    refreshed = await apply(google_uow, mirror, moved, RemoteEvent(id="leave", cancelled=True))

    assert [event.id for event in refreshed.refreshed] == [first.added["standup"].id]
    rows = await office.rows("SELECT id, starts_at, version FROM events")
    assert [(row.id, row.starts_at, row.version) for row in rows] == [
        (first.added["standup"].id, MONDAY + timedelta(hours=10), 2)
    ]


async def test_a_mirrored_calendar_is_read_only_for_everyone_its_owner_included(
    office: PostgresOffice, google_uow: PostgresUnitOfWork
) -> None:
    ada = await office.person()
    mirror = await mirrored(google_uow, ada)
    page = await apply(google_uow, mirror, STANDUP)
    standup = page.added["standup"]

    async with office.uow as uow:
        calendar = await uow.calendars.get(mirror.calendar_id)
    assert calendar is not None
    assert (calendar.read_only, calendar.role_of(ada.id)) == (True, CalendarRole.OWNER)
    with pytest.raises(PermissionDenied):
        await update_event(
            UpdateEvent(actor_id=ada.id, event_id=standup.id, changes=EventChanges(title="Mine")),
            uow=office.uow,
            clock=office.clock,
        )
    with pytest.raises(PermissionDenied):
        await cancel_event(CancelEvent(actor_id=ada.id, event_id=standup.id), uow=office.uow, clock=office.clock)
    with pytest.raises(PermissionDenied):
        await update_calendar(
            UpdateCalendar(actor_id=ada.id, calendar_id=mirror.calendar_id, changes=CalendarChanges(name="Mine")),
            uow=office.uow,
            clock=office.clock,
        )
    assert await titles_in_week(office, ada, 0) == ["Standup"]


async def test_mirroring_records_its_facts_in_the_outbox_like_any_other_change(
    office: PostgresOffice, google_uow: PostgresUnitOfWork
) -> None:
    ada = await office.person()
    before = len(await office.outbox())
    mirror = await mirrored(google_uow, ada)
    await apply(google_uow, mirror, LEAVE, STANDUP)
    await apply(google_uow, mirror, replace(STANDUP, title="Daily standup"))
    facts = [row.name for row in await office.outbox()][before:]
    assert facts == ["calendar_created", "event_created", "event_created", "event_updated"]
