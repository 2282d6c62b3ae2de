"""A series' reminders on PostgreSQL: one row per occurrence within reach, claimed once, rolled forward by the cron."""

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.postgres.unit_of_work import PostgresUnitOfWork
from application.notifications.dto import PlanUpcomingReminders, ScheduleReminders, SendDueReminders
from application.notifications.schedule_reminders import plan_upcoming_reminders, schedule_reminders
from application.notifications.send_due_reminders import send_due_reminders
from application.scheduling.dto import CancelOccurrence, Respond
from application.scheduling.occurrences import cancel_occurrence
from application.scheduling.respond import respond
from domain.notifications.reminders import REMINDER_LOOKAHEAD
from domain.scheduling.participant import ParticipantStatus
from domain.scheduling.recurrence import Recurrence
from tests.fakes.notifications import RecordingPublisher
from tests.integration.scheduling.office import PostgresOffice
from tests.unit.scheduling.factories import at


async def _reminded(office: PostgresOffice) -> set[tuple[object, object]]:
    rows = await office.rows("SELECT user_id, recurrence_id FROM reminders")
    return {(row.user_id, row.recurrence_id) for row in rows}


async def test_a_daily_series_has_reminder_rows_for_the_coming_days_only(office: PostgresOffice) -> None:
    ada, bob = await office.person(), await office.person()
    stand_up = await office.event(
        ada, participants=[bob.email], reminders=[15], recurrence=Recurrence.of("FREQ=DAILY"), title="Stand-up"
    )

    await schedule_reminders(ScheduleReminders(event_id=stand_up.id, as_of=office.clock.now()), uow=office.uow)

    assert await _reminded(office) == {(person.id, day) for person in (ada, bob) for day in (at(10), at(10, day=1))}


async def test_the_cron_rolls_the_window_forward_and_a_declined_or_cancelled_occurrence_gets_none(
    office: PostgresOffice,
) -> None:
    ada, bob = await office.person(), await office.person()
    stand_up = await office.event(
        ada, participants=[bob.email], reminders=[15], recurrence=Recurrence.of("FREQ=DAILY"), title="Stand-up"
    )
    await schedule_reminders(ScheduleReminders(event_id=stand_up.id, as_of=office.clock.now()), uow=office.uow)
    await respond(
        Respond(actor_id=bob.id, event_id=stand_up.id, status=ParticipantStatus.DECLINED, recurrence_id=at(10, day=3)),
        uow=office.uow,
        clock=office.clock,
    )
    await cancel_occurrence(
        CancelOccurrence(actor_id=ada.id, event_id=stand_up.id, recurrence_id=at(10, day=4)),
        uow=office.uow,
        clock=office.clock,
    )
    office.clock.advance(at(12, day=2) - office.clock.now())

    changed = await plan_upcoming_reminders(PlanUpcomingReminders(as_of=office.clock.now()), uow=office.uow)
    again = await plan_upcoming_reminders(PlanUpcomingReminders(as_of=office.clock.now()), uow=office.uow)

    assert changed > 0
    assert again == 0
    # Reach: 12:00 on day 2, plus 15 minutes and two days. Days 0 to 2 are over; Bob declined day 3;
    # day 4 was cancelled; day 5 is beyond reach.
    assert await _reminded(office) == {(ada.id, at(10, day=3))}


async def test_each_occurrences_reminder_is_claimed_by_one_worker_and_sent_once(
    office: PostgresOffice, sessions: async_sessionmaker[AsyncSession]
) -> None:
    ada = await office.person()
    stand_up = await office.event(ada, reminders=[15], recurrence=Recurrence.of("FREQ=DAILY"), title="Stand-up")
    await schedule_reminders(ScheduleReminders(event_id=stand_up.id, as_of=office.clock.now()), uow=office.uow)
    first, second = PostgresUnitOfWork(sessions), PostgresUnitOfWork(sessions)
    async with first, second:
        claimed_first = await first.reminders.claim_due(at(10, day=1), limit=1)
        claimed_second = await second.reminders.claim_due(at(10, day=1), limit=10)
    assert [r.recurrence_id for r in claimed_first] == [at(10)]
    assert [r.recurrence_id for r in claimed_second] == [at(10, day=1)]

    publisher = RecordingPublisher()
    sent = []
    for day in (0, 1):
        office.clock.advance(at(9, 45, day=day) - office.clock.now())
        sent.append(
            await send_due_reminders(
                SendDueReminders(), uow=PostgresUnitOfWork(sessions), publisher=publisher, clock=office.clock
            )
        )
        sent.append(
            await send_due_reminders(
                SendDueReminders(), uow=PostgresUnitOfWork(sessions), publisher=publisher, clock=office.clock
            )
        )

    assert [run.sent for run in sent] == [1, 0, 1, 0]
    notifications = await office.rows("SELECT scheduled_for, dedupe_key FROM notifications ORDER BY scheduled_for")
    assert [row.scheduled_for for row in notifications] == [at(9, 45), at(9, 45, day=1)]
    assert len({row.dedupe_key for row in notifications}) == 2


async def test_the_cron_plans_only_series_with_an_occurrence_come_within_their_own_reach_and_not_yet_planned(
    office: PostgresOffice,
) -> None:
    ada = await office.person()
    daily = await office.event(ada, reminders=[15], recurrence=Recurrence.of("FREQ=DAILY"), title="Stand-up")
    # Weekly from Saturday 10:00, reminded a day before: beyond reach (Monday 07:00 + 1 day + 2 days).
    weekly = await office.event(
        ada,
        starts_at=at(10, day=5),
        ends_at=at(11, day=5),
        reminders=[1440],
        recurrence=Recurrence.of("FREQ=WEEKLY"),
        title="Review",
    )
    lookahead = REMINDER_LOOKAHEAD

    async def needing() -> list[UUID]:
        async with office.uow:
            return await office.uow.reminders.series_needing_reminders(office.clock.now(), lookahead)

    assert await needing() == [daily.id]
    await plan_upcoming_reminders(PlanUpcomingReminders(as_of=office.clock.now()), uow=office.uow)
    assert await needing() == []

    # Wednesday noon: Saturday's review (reminded Friday 10:00) and Friday's stand-up come within reach.
    office.clock.advance(at(12, day=2) - office.clock.now())
    assert sorted(await needing(), key=str) == sorted([daily.id, weekly.id], key=str)
    await plan_upcoming_reminders(PlanUpcomingReminders(as_of=office.clock.now()), uow=office.uow)
    assert await needing() == []
    assert (weekly.id, at(10, day=5)) in {
        (row.event_id, row.recurrence_id) for row in await office.rows("SELECT event_id, recurrence_id FROM reminders")
    }


async def test_removing_reminders_takes_exactly_those_of_single_events_and_of_occurrences(
    office: PostgresOffice,
) -> None:
    ada = await office.person()
    single = await office.event(ada, reminders=[5, 15])
    daily = await office.event(ada, reminders=[15], recurrence=Recurrence.of("FREQ=DAILY"), title="Stand-up")
    for event_id in (single.id, daily.id):
        await schedule_reminders(ScheduleReminders(event_id=event_id, as_of=office.clock.now()), uow=office.uow)
    async with office.uow:
        five_minutes = [r for r in await office.uow.reminders.for_event(single.id) if r.minutes == 5]
        tomorrows = [r for r in await office.uow.reminders.for_event(daily.id) if r.recurrence_id == at(10, day=1)]
        await office.uow.reminders.remove_all([*five_minutes, *tomorrows])
        await office.uow.commit()

    left = await office.rows("SELECT event_id, recurrence_id, minutes FROM reminders")
    assert {(row.event_id, row.recurrence_id, row.minutes) for row in left} == {
        (single.id, None, 15),
        (daily.id, at(10), 15),
    }
