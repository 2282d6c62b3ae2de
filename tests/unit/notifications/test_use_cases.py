"""The notification use cases over in-memory ports: told once, reminded once, at the right time."""

from datetime import timedelta
from uuid import UUID

import pytest

from application.notifications.create_notification import create_notification
from application.notifications.dto import SendDueReminders
from application.notifications.notify_about import notify_about
from application.notifications.publishing import publish_unpublished
from application.notifications.send_due_reminders import send_due_reminders
from application.scheduling.cancel_event import cancel_event
from application.scheduling.dto import CancelEvent, Respond, UpdateEvent
from application.scheduling.respond import respond
from application.scheduling.update_event import update_event
from domain.notifications.notification import NotificationDraft, NotificationType
from domain.scheduling.event import EventChanges
from domain.scheduling.participant import ParticipantStatus
from tests.unit.notifications.office import DeliveryOffice
from tests.unit.scheduling.factories import at


@pytest.fixture
def office() -> DeliveryOffice:
    """A planner in memory, with a worker at hand; the clock says Monday 7:00 UTC."""
    return DeliveryOffice()


async def test_an_invitee_is_told_once_even_when_the_event_is_told_twice(office: DeliveryOffice) -> None:
    ada, bob = await office.person(name="Ada"), await office.person(name="Bob")
    await office.event(ada, participants=[bob.email])

    told = await office.work()
    for event in office.database.committed_events:
        assert await notify_about(event, uow=office.uow, publisher=office.publisher) == []

    assert [(n.user_id, n.type, n.seq) for n in told] == [(bob.id, NotificationType.EVENT_INVITED, 1)]
    assert [(n.id, count) for n, count in office.publisher.created] == [(told[0].id, 1)]
    assert office.database.notifications_of(bob.id) == told


async def test_a_publisher_that_fails_loses_nothing_that_was_stored(office: DeliveryOffice) -> None:
    ada, bob = await office.person(), await office.person()
    office.publisher.broken = True
    await office.event(ada, participants=[bob.email])

    await office.work()

    assert [n.type for n in office.database.notifications_of(bob.id)] == [NotificationType.EVENT_INVITED]


async def test_every_rule_reaches_the_right_people(office: DeliveryOffice) -> None:
    ada, bob, carol = await office.person(name="Ada"), await office.person(name="Bob"), await office.person()
    planning = await office.event(ada, participants=[bob.email, carol.email])
    await office.work()
    await respond(
        Respond(actor_id=bob.id, event_id=planning.id, status=ParticipantStatus.ACCEPTED),
        uow=office.uow,
        clock=office.clock,
    )
    await office.work()
    await update_event(
        UpdateEvent(actor_id=ada.id, event_id=planning.id, changes=EventChanges(starts_at=at(11), ends_at=at(12))),
        uow=office.uow,
        clock=office.clock,
    )
    await office.work()
    await cancel_event(CancelEvent(actor_id=ada.id, event_id=planning.id), uow=office.uow, clock=office.clock)
    await office.work()

    assert _types(office, ada.id) == ["participant_response"]
    assert _types(office, bob.id) == ["event_invited", "event_updated", "event_cancelled"]
    assert _types(office, carol.id) == ["event_invited", "event_updated", "event_cancelled"]


async def test_once_an_event_is_cancelled_only_the_cancellation_is_news(office: DeliveryOffice) -> None:
    ada, bob = await office.person(), await office.person()
    planning = await office.event(ada, participants=[bob.email])
    await respond(
        Respond(actor_id=bob.id, event_id=planning.id, status=ParticipantStatus.ACCEPTED),
        uow=office.uow,
        clock=office.clock,
    )
    await update_event(
        UpdateEvent(actor_id=ada.id, event_id=planning.id, changes=EventChanges(title="Retro")),
        uow=office.uow,
        clock=office.clock,
    )
    await cancel_event(CancelEvent(actor_id=ada.id, event_id=planning.id), uow=office.uow, clock=office.clock)

    await office.work()  # the worker catches up only now

    assert _types(office, ada.id) == []
    assert _types(office, bob.id) == ["event_cancelled"]


def _types(office: DeliveryOffice, user_id: UUID) -> list[str]:
    return [n.type.value for n in office.database.notifications_of(user_id)]


async def test_reminders_come_at_each_offset_once(office: DeliveryOffice) -> None:
    ada, bob = await office.person(), await office.person()
    await office.event(ada, participants=[bob.email], reminders=[15, 60])
    await office.work()

    office.clock.advance(timedelta(hours=1, minutes=59))  # 8:59
    assert (await office.send_reminders()).sent == 0
    office.clock.advance(timedelta(minutes=1))  # 9:00
    assert (await office.send_reminders()).sent == 2
    assert (await office.send_reminders()).sent == 0
    office.clock.advance(timedelta(minutes=45))  # 9:45
    assert (await office.send_reminders()).sent == 2

    for person in (ada, bob):
        reminders = office.database.notifications_of(person.id)
        assert [n.type for n in reminders][-2:] == [NotificationType.EVENT_REMINDER] * 2
    bobs = office.database.notifications_of(bob.id)
    assert bobs[-1].message == "Planning starts in 15 minutes, on Mon 23 Nov 10:00 (UTC)"
    assert [count for n, count in office.publisher.created if n.user_id == bob.id] == [1, 2, 3]


async def test_a_declined_participant_gets_no_reminder(office: DeliveryOffice) -> None:
    ada, bob = await office.person(), await office.person()
    planning = await office.event(ada, participants=[bob.email])
    await respond(
        Respond(actor_id=bob.id, event_id=planning.id, status=ParticipantStatus.DECLINED),
        uow=office.uow,
        clock=office.clock,
    )
    await office.work()

    office.clock.advance(timedelta(hours=2, minutes=45))  # 9:45
    run = await office.send_reminders()

    assert run.sent == 1
    assert NotificationType.EVENT_REMINDER not in {n.type for n in office.database.notifications_of(bob.id)}
    assert NotificationType.EVENT_REMINDER in {n.type for n in office.database.notifications_of(ada.id)}


async def test_a_reminder_moves_when_the_event_moves(office: DeliveryOffice) -> None:
    ada = await office.person()
    planning = await office.event(ada)
    await office.work()
    await update_event(
        UpdateEvent(actor_id=ada.id, event_id=planning.id, changes=EventChanges(starts_at=at(12), ends_at=at(13))),
        uow=office.uow,
        clock=office.clock,
    )
    await office.work()

    office.clock.advance(timedelta(hours=2, minutes=45))  # 9:45, the old time
    assert (await office.send_reminders()).sent == 0
    office.clock.advance(timedelta(hours=2))  # 11:45
    assert (await office.send_reminders()).sent == 1


async def test_a_due_reminder_follows_a_move_that_was_not_planned_in_yet(office: DeliveryOffice) -> None:
    ada = await office.person()
    planning = await office.event(ada)
    await office.work()
    await update_event(
        UpdateEvent(actor_id=ada.id, event_id=planning.id, changes=EventChanges(starts_at=at(12), ends_at=at(13))),
        uow=office.uow,
        clock=office.clock,
    )

    office.clock.advance(timedelta(hours=2, minutes=45))  # 9:45: the move is still in the outbox
    run = await office.send_reminders()

    assert (run.sent, run.postponed) == (0, 1)
    office.clock.advance(timedelta(hours=2))
    assert (await office.send_reminders()).sent == 1


async def test_an_overdue_reminder_is_sent_late_unless_the_event_is_over(office: DeliveryOffice) -> None:
    ada = await office.person()
    await office.event(ada, title="Standup", starts_at=at(10), ends_at=at(11))
    await office.event(ada, title="Breakfast", starts_at=at(8), ends_at=at(9))
    await office.work()

    office.clock.advance(timedelta(hours=3, minutes=30))  # 10:30: nothing ran since 7:00
    run = await office.send_reminders()

    assert (run.sent, run.dropped) == (1, 1)
    (late,) = [n for n in office.database.notifications_of(ada.id) if n.type is NotificationType.EVENT_REMINDER]
    assert late.message == "Standup started on Mon 23 Nov 10:00 (UTC)"


async def test_a_cancelled_event_reminds_nobody(office: DeliveryOffice) -> None:
    ada, bob = await office.person(), await office.person()
    planning = await office.event(ada, participants=[bob.email])
    await office.work()
    await cancel_event(CancelEvent(actor_id=ada.id, event_id=planning.id), uow=office.uow, clock=office.clock)
    await office.work()

    assert office.database.delivery.reminders == {}
    office.clock.advance(timedelta(hours=3))
    assert (await office.send_reminders()).sent == 0


async def test_a_notification_created_directly_is_stored_once(office: DeliveryOffice) -> None:
    ada = await office.person()
    draft = NotificationDraft(
        user_id=ada.id,
        type=NotificationType.JOB_FAILED,
        title="Import failed",
        message="The import of 3 calendars failed",
        event_id=None,
        dedupe_key="job_failed:42",
    )

    first = await create_notification(draft, uow=office.uow, publisher=office.publisher)
    again = await create_notification(draft, uow=office.uow, publisher=office.publisher)

    assert first is not None
    assert again is None
    assert [n for n, _ in office.publisher.created] == [first]


async def test_a_run_whose_first_batch_is_full_asks_once_for_others_to_share_the_burst(office: DeliveryOffice) -> None:
    ada, bob, carol = await office.person(), await office.person(), await office.person()
    await office.event(ada, participants=[bob.email, carol.email], reminders=[15, 30, 60])
    await office.work()
    office.clock.advance(timedelta(hours=2, minutes=50))  # 9:50 for an event at 10:00: all nine due
    asked: list[int] = []

    async def share_out() -> None:
        asked.append(1)

    run = await send_due_reminders(
        SendDueReminders(batch_size=2),
        uow=office.uow,
        publisher=office.publisher,
        clock=office.clock,
        on_backlog=share_out,
    )
    quiet = await send_due_reminders(
        SendDueReminders(batch_size=2),
        uow=office.uow,
        publisher=office.publisher,
        clock=office.clock,
        on_backlog=share_out,
    )

    assert (run.sent, quiet.sent, len(asked)) == (9, 0, 1)


async def test_notifications_a_failed_publish_left_behind_go_out_with_the_next_sweep(office: DeliveryOffice) -> None:
    ada, bob = await office.person(), await office.person()
    office.publisher.broken = True
    await office.event(ada, participants=[bob.email])
    await office.work()
    assert office.publisher.created == []

    office.publisher.broken = False
    swept = await publish_unpublished(uow=office.uow, publisher=office.publisher, grace=timedelta(0))
    again = await publish_unpublished(uow=office.uow, publisher=office.publisher, grace=timedelta(0))

    assert (swept, again) == (1, 0)
    assert [(n.user_id, n.type, count) for n, count in office.publisher.created] == [
        (bob.id, NotificationType.EVENT_INVITED, 1)
    ]
