"""The window query: what I see of my calendars and my invitations, in two statements whatever the count."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from application.scheduling.cancel_event import cancel_event
from application.scheduling.create_calendar import create_calendar
from application.scheduling.dto import CancelEvent, CreateCalendar, Respond, ShareCalendar
from application.scheduling.list_events import list_events, list_events_capped
from application.scheduling.respond import respond
from application.scheduling.share_calendar import share_calendar
from domain.scheduling.calendar import CalendarRole
from domain.scheduling.participant import ParticipantStatus
from domain.scheduling.time_range import TimeRange
from tests.integration.scheduling.office import PostgresOffice
from tests.unit.scheduling.factories import at


@contextmanager
def statements_run(engine: AsyncEngine) -> Iterator[list[str]]:
    """Collect the SQL statements sent to the database inside the block."""
    sent: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", note)


async def test_window_shows_my_calendars_and_my_invitations_sorted_and_nothing_else(office: PostgresOffice) -> None:
    ada, bob, cyd = await office.person(), await office.person(), await office.person()
    team = await create_calendar(CreateCalendar(actor_id=ada.id, name="Team"), uow=office.uow, clock=office.clock)
    await share_calendar(
        ShareCalendar(actor_id=ada.id, calendar_id=team.id, email=bob.email, role=CalendarRole.VIEWER),
        uow=office.uow,
        clock=office.clock,
    )
    team_meeting = await office.event(ada, calendar_id=team.id, title="Team", starts_at=at(11), ends_at=at(12))
    invitation = await office.event(cyd, title="Invite", starts_at=at(9), ends_at=at(10), participants=[bob.email])
    earlier_overlap = await office.event(bob, title="Mine", starts_at=at(7), ends_at=at(9))
    await office.event(bob, title="Ends as the window starts", starts_at=at(6), ends_at=at(8))
    await office.event(ada, title="Ada's own", starts_at=at(10), ends_at=at(11))
    await office.event(cyd, title="Cyd's own", starts_at=at(10), ends_at=at(11))
    await office.event(bob, title="Next week", starts_at=at(10, day=8), ends_at=at(11, day=8))
    await office.event(bob, title="Starts as the window ends", starts_at=at(18), ends_at=at(19))
    called_off = await office.event(bob, title="Called off", starts_at=at(12), ends_at=at(13))
    await cancel_event(CancelEvent(actor_id=bob.id, event_id=called_off.id), uow=office.uow, clock=office.clock)

    seen = await list_events(actor_id=bob.id, start=at(8), end=at(18), uow=office.uow)

    assert [e.id for e in seen] == [earlier_overlap.id, invitation.id, team_meeting.id]
    [guest] = seen[1].participants
    assert (guest.user_id, guest.email, guest.name, guest.status) == (
        bob.id,
        bob.email,
        bob.name,
        ParticipantStatus.NEEDS_ACTION,
    )
    only_team = await list_events(actor_id=bob.id, start=at(8), end=at(18), calendar_id=team.id, uow=office.uow)
    assert [e.id for e in only_team] == [team_meeting.id]
    assert await list_events(actor_id=cyd.id, start=at(11), end=at(18), uow=office.uow) == []


async def test_an_invitee_who_declined_still_sees_the_event_with_their_answer(office: PostgresOffice) -> None:
    ada, bob = await office.person(), await office.person()
    event = await office.event(ada, participants=[ada.email, bob.email])
    await respond(
        Respond(actor_id=bob.id, event_id=event.id, status=ParticipantStatus.DECLINED),
        uow=office.uow,
        clock=office.clock,
    )

    [seen] = await list_events(actor_id=bob.id, start=at(0), end=at(23), uow=office.uow)

    assert [(p.user_id, p.status) for p in seen.participants] == [
        (ada.id, ParticipantStatus.ACCEPTED),
        (bob.id, ParticipantStatus.DECLINED),
    ]


async def test_window_query_takes_two_statements_however_many_events(
    office: PostgresOffice, engine: AsyncEngine
) -> None:
    ada, bob, cyd = await office.person(), await office.person(), await office.person()
    for hour in range(8, 18):
        await office.event(ada, starts_at=at(hour), ends_at=at(hour + 1), participants=[bob.email, cyd.email])
    window = TimeRange(at(0), at(23))

    async with office.uow as uow:
        with statements_run(engine) as sent:
            events = await uow.events.list_visible_in_window(bob.id, window)

    assert len(events) == 10
    assert all(len(e.participants) == 2 for e in events)
    assert len(sent) == 2, sent


async def test_a_window_past_its_cap_answers_the_first_events_and_counts_the_rest(office: PostgresOffice) -> None:
    ada, bob = await office.person(), await office.person()
    for hour in range(8, 18):
        await office.event(ada, starts_at=at(hour), ends_at=at(hour + 1), participants=[bob.email])
    listing = await list_events_capped(actor_id=bob.id, start=at(0), end=at(23), uow=office.uow, limit=4)
    assert [e.starts_at for e in listing.events] == [at(hour) for hour in range(8, 12)]
    assert listing.more == 6
