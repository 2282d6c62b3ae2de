"""The daily cron extends series' occurrences as time goes by; a room taken by then is declined, never double-booked."""

from datetime import timedelta
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.postgres.outbox.codec import decode_event
from adapters.postgres.unit_of_work import PostgresUnitOfWork
from application.notifications.notify_about import notify_about
from application.scheduling.dto import Respond
from application.scheduling.extend_horizons import ExtendSeriesHorizons, extend_series_horizons
from application.scheduling.respond import respond
from domain.notifications.notification import NotificationType
from domain.scheduling.event import Event
from domain.scheduling.participant import ParticipantStatus
from domain.scheduling.recurrence import Recurrence
from tests.fakes.notifications import RecordingPublisher
from tests.integration.scheduling.office import PostgresOffice
from tests.unit.scheduling.factories import at

HORIZON = timedelta(days=3)


class ShortHorizonOffice(PostgresOffice):
    """A planner whose series store three days of occurrences."""

    def unit_of_work(self) -> PostgresUnitOfWork:
        return PostgresUnitOfWork(self.sessions, horizon=HORIZON)


async def _series(office: PostgresOffice, event_id: UUID) -> Event:
    uow = office.unit_of_work()
    async with uow:
        event = await uow.events.get(event_id)
    assert event is not None
    return event


async def _occurrences(office: PostgresOffice, event_id: object) -> list[tuple[object, object]]:
    rows = await office.rows(
        "SELECT starts_at, room_id FROM event_occurrences WHERE event_id = :id ORDER BY starts_at", id=event_id
    )
    return [(row.starts_at, row.room_id) for row in rows]


async def test_an_occurrence_whose_room_was_taken_before_the_horizon_reached_it_is_kept_without_it(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    office = ShortHorizonOffice(sessions)
    ada, bob = await office.person(), await office.person()
    everest = await office.room()
    stand_up = await office.event(
        ada, title="Stand-up", room_id=everest.id, recurrence=Recurrence.of("FREQ=DAILY"), reminders=[]
    )
    # Stored up to Thursday 07:00: Friday's stand-up does not hold the room yet, so Bob can take it.
    assert [starts for starts, _ in await _occurrences(office, stand_up.id)] == [at(10, day=d) for d in range(3)]
    interview = await office.event(
        bob, title="Interview", room_id=everest.id, starts_at=at(10, 30, day=4), ends_at=at(11, day=4)
    )
    office.clock.advance(timedelta(days=2))  # Wednesday 07:00: the horizon reaches Saturday 07:00
    outbox_before = len(await office.outbox())

    run = await extend_series_horizons(
        ExtendSeriesHorizons(horizon=HORIZON), uow=office.unit_of_work(), clock=office.clock
    )
    again = await extend_series_horizons(
        ExtendSeriesHorizons(horizon=HORIZON), uow=office.unit_of_work(), clock=office.clock
    )

    assert (run.rooms_declined, again.rooms_declined) == (1, 0)
    assert await _occurrences(office, stand_up.id) == [
        *((at(10, day=d), everest.id) for d in range(4)),
        (at(10, day=4), None),
    ]
    assert await _occurrences(office, interview.id) == [(at(10, 30, day=4), everest.id)]
    series = await _series(office, stand_up.id)
    assert series.occurrence(at(10, day=4)).room_id is None
    assert series.occurrence(at(10, day=3)).room_id == everest.id

    (declined,) = [row for row in (await office.outbox())[outbox_before:] if row.name == "occurrence_room_declined"]
    told = await notify_about(
        decode_event(declined.name, declined.payload), uow=office.unit_of_work(), publisher=RecordingPublisher()
    )
    assert [(n.user_id, n.type) for n in told] == [(ada.id, NotificationType.ROOM_DECLINED)]
    assert everest.name in told[0].message


async def test_extending_an_endless_series_with_a_free_room_books_it_further_and_leaves_finished_series_alone(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    office = ShortHorizonOffice(sessions)
    ada = await office.person()
    everest = await office.room()
    stand_up = await office.event(ada, room_id=everest.id, recurrence=Recurrence.of("FREQ=DAILY"), reminders=[])
    short = await office.event(ada, starts_at=at(12), ends_at=at(13), recurrence=Recurrence.of("FREQ=DAILY;COUNT=2"))
    office.clock.advance(timedelta(days=5))

    run = await extend_series_horizons(
        ExtendSeriesHorizons(horizon=HORIZON), uow=office.unit_of_work(), clock=office.clock
    )

    assert run.rooms_declined == 0
    assert [starts for starts, _ in await _occurrences(office, stand_up.id)] == [at(10, day=d) for d in range(8)]
    assert {room for _, room in await _occurrences(office, stand_up.id)} == {everest.id}
    assert [starts for starts, _ in await _occurrences(office, short.id)] == [at(12), at(12, day=1)]
    assert (
        await _series(office, stand_up.id)
    ).version == stand_up.version  # nothing declined: the series itself did not change


async def test_an_answer_to_an_endless_series_is_not_refused_for_a_room_taken_past_its_horizon(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    office = ShortHorizonOffice(sessions)
    ada, bob, carol = await office.person(), await office.person(), await office.person()
    everest = await office.room()
    stand_up = await office.event(
        ada, participants=[bob.email], room_id=everest.id, recurrence=Recurrence.of("FREQ=DAILY"), reminders=[]
    )
    await office.event(carol, room_id=everest.id, starts_at=at(10, day=4), ends_at=at(11, day=4))
    office.clock.advance(timedelta(days=2))  # the horizon now reaches Friday, whose room Carol holds

    await respond(
        Respond(actor_id=bob.id, event_id=stand_up.id, status=ParticipantStatus.ACCEPTED),
        uow=office.unit_of_work(),
        clock=office.clock,
    )

    # Only the cron moves the horizon on (and declines Friday's room); an answer leaves the rows alone.
    assert [starts for starts, _ in await _occurrences(office, stand_up.id)] == [at(10, day=d) for d in range(3)]
