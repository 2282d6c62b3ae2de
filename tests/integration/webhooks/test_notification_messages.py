"""notification.created follows every notification stored: news of a change, a reminder, a Google sync failure."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from adapters.postgres.unit_of_work import PostgresUnitOfWork
from application.notifications.dto import ScheduleReminders, SendDueReminders
from application.notifications.schedule_reminders import schedule_reminders
from application.notifications.send_due_reminders import send_due_reminders
from domain.jobs.job import Job, JobKind
from domain.notifications.rules import google_grant_revoked
from domain.webhooks.subscription import WebhookSubscription
from tests.integration.webhooks.conftest import Webhooks


async def told(hooks: Webhooks, subscription: WebhookSubscription) -> list[dict[str, Any]]:
    """The data of the notification.created messages planned for the subscription, by notification type."""
    rows = await hooks.office.rows(
        "SELECT payload FROM webhook_deliveries WHERE subscription_id = :id AND event_type = 'notification.created'",
        id=subscription.id,
    )
    return sorted((json.loads(row.payload)["data"] for row in rows), key=lambda data: data["type"])


async def test_a_due_reminder_is_told_as_notification_created(hooks: Webhooks) -> None:
    alice = await hooks.office.person()
    subscription = await hooks.subscribe(alice, "http://127.0.0.1:9/n", ["notification.created"])
    starts = hooks.clock.now() + timedelta(hours=1)
    event = await hooks.office.event(alice, starts_at=starts, ends_at=starts + timedelta(hours=1), reminders=[10])
    await schedule_reminders(
        ScheduleReminders(event_id=event.id, as_of=hooks.clock.now()), uow=hooks.office.unit_of_work()
    )
    hooks.clock.advance(timedelta(minutes=50))

    run = await send_due_reminders(
        SendDueReminders(), uow=PostgresUnitOfWork(hooks.office.sessions), publisher=hooks.publisher, clock=hooks.clock
    )

    assert run.sent == 1
    [reminder] = await told(hooks, subscription)
    assert reminder["type"] == "event_reminder"
    assert reminder["user_id"] == str(alice.id)
    assert reminder["event_id"] == str(event.id)
    assert hooks.queue.take_now(), "the delivery is queued for sending"


async def test_a_google_sync_failure_told_to_its_owner_is_told_as_notification_created(hooks: Webhooks) -> None:
    alice, bob = await hooks.office.person(), await hooks.office.person()
    mine = await hooks.subscribe(alice, "http://127.0.0.1:9/alice", ["notification.created"])
    theirs = await hooks.subscribe(bob, "http://127.0.0.1:9/bob", ["notification.created"])
    job = Job.create(kind=JobKind.GOOGLE_FULL_SYNC, owner_id=alice.id, now=hooks.clock.now())

    await hooks.tell_owner(google_grant_revoked(job))

    [failure] = await told(hooks, mine)
    assert (failure["type"], failure["user_id"]) == ("job_failed", str(alice.id))
    assert await told(hooks, theirs) == []  # someone else's notification is not in Bob's scope


async def test_news_of_a_change_is_told_as_notification_created_once(hooks: Webhooks) -> None:
    alice, bob = await hooks.office.person(), await hooks.office.person()
    subscription = await hooks.subscribe(bob, "http://127.0.0.1:9/bob", ["notification.created"])
    await hooks.office.event(alice, participants=[bob.email])
    await hooks.act_on_outbox()
    await hooks.act_on_outbox()

    [invitation] = await told(hooks, subscription)
    assert (invitation["type"], invitation["user_id"]) == ("event_invited", str(bob.id))
