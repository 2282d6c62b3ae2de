"""Reminders on PostgreSQL: planned from the event, claimed by one worker at a time, sent once."""

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.postgres.unit_of_work import PostgresUnitOfWork
from application.notifications.dto import ScheduleReminders, SendDueReminders
from application.notifications.schedule_reminders import schedule_reminders
from application.notifications.send_due_reminders import send_due_reminders
from application.scheduling.dto import Respond
from application.scheduling.respond import respond
from domain.scheduling.participant import ParticipantStatus
from tests.fakes.notifications import RecordingPublisher
from tests.integration.scheduling.office import PostgresOffice
from tests.unit.scheduling.factories import at


async def test_reminders_are_planned_for_the_organizer_and_everyone_who_has_not_declined(
    office: PostgresOffice,
) -> None:
    ada, bob, carol = await office.person(), await office.person(), await office.person()
    planning = await office.event(ada, participants=[bob.email, carol.email], reminders=[10, 30])
    await respond(
        Respond(actor_id=carol.id, event_id=planning.id, status=ParticipantStatus.DECLINED),
        uow=office.uow,
        clock=office.clock,
    )

    await schedule_reminders(ScheduleReminders(event_id=planning.id, as_of=office.clock.now()), uow=office.uow)
    again = await schedule_reminders(ScheduleReminders(event_id=planning.id, as_of=office.clock.now()), uow=office.uow)

    rows = await office.rows("SELECT user_id, minutes, due_at, sent_at FROM reminders ORDER BY due_at, minutes")
    assert {(row.user_id, row.minutes, row.due_at) for row in rows} == {
        (person.id, minutes, at(10) - timedelta(minutes=minutes)) for person in (ada, bob) for minutes in (10, 30)
    }
    assert all(row.sent_at is None for row in rows)
    assert not again


async def test_a_due_reminder_claimed_by_one_worker_is_skipped_by_another(
    office: PostgresOffice, sessions: async_sessionmaker[AsyncSession]
) -> None:
    ada, bob = await office.person(), await office.person()
    planning = await office.event(ada, participants=[bob.email], reminders=[5, 10, 15])
    await schedule_reminders(ScheduleReminders(event_id=planning.id, as_of=office.clock.now()), uow=office.uow)
    first, second = PostgresUnitOfWork(sessions), PostgresUnitOfWork(sessions)

    async with first, second:
        claimed_first = await first.reminders.claim_due(at(10), limit=4)
        claimed_second = await second.reminders.claim_due(at(10), limit=10)

    assert len(claimed_first) == 4
    assert len(claimed_second) == 2
    assert not {r.key for r in claimed_first} & {r.key for r in claimed_second}


async def test_due_reminders_are_stored_as_notifications_and_marked_sent_in_one_commit(
    office: PostgresOffice, sessions: async_sessionmaker[AsyncSession]
) -> None:
    ada, bob = await office.person(), await office.person()
    planning = await office.event(ada, participants=[bob.email])
    await schedule_reminders(ScheduleReminders(event_id=planning.id, as_of=office.clock.now()), uow=office.uow)
    publisher = RecordingPublisher()
    office.clock.advance(at(9, 45) - office.clock.now())

    run = await send_due_reminders(
        SendDueReminders(), uow=PostgresUnitOfWork(sessions), publisher=publisher, clock=office.clock
    )
    again = await send_due_reminders(
        SendDueReminders(), uow=PostgresUnitOfWork(sessions), publisher=publisher, clock=office.clock
    )

    assert (run.sent, again.sent) == (2, 0)
    notifications = await office.rows("SELECT user_id, type, scheduled_for FROM notifications ORDER BY user_id")
    assert {(row.user_id, row.type, row.scheduled_for) for row in notifications} == {
        (ada.id, "event_reminder", at(9, 45)),
        (bob.id, "event_reminder", at(9, 45)),
    }
    assert [row.sent_at for row in await office.rows("SELECT sent_at FROM reminders")] == [at(9, 45)] * 2
    assert sorted(str(n.user_id) for n, _ in publisher.created) == sorted([str(ada.id), str(bob.id)])
