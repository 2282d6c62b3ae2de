"""Which reactions follow which domain event: the one map the worker's outbox task consults.

A committed domain event reaches a worker as an outbox message; `act_on_outbox_message` runs the
reactions REACTIONS lists for its type, then marks it processed. Every reaction is idempotent, so
a job killed half-way and run again finishes the work exactly once.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import time
from typing import Protocol

import structlog

from application.google_sync.write_event_to_google import WriteQueue
from application.notifications.dto import ScheduleReminders
from application.notifications.notify_about import notify_about
from application.notifications.schedule_reminders import schedule_reminders
from application.notifications.send_email import EmailOutcome, MailPorts, send_email
from application.unit_of_work import UnitOfWork
from application.webhooks.plan_deliveries import plan_webhook_deliveries
from domain.domain_events import DomainEvent
from domain.json_value import JsonObject
from domain.notifications.email import EmailQueued
from domain.notifications.ports import NotificationPublisher
from domain.notifications.reminders import ALL_DAY_REMINDER_TIME, event_with_changed_reminders
from domain.scheduling.domain_events import (
    EventCancelled,
    EventCreated,
    EventUpdated,
    OccurrenceRoomDeclined,
    ParticipantInvited,
    ParticipantRemoved,
    ParticipantResponded,
)
from domain.webhooks.ports import WebhookQueue, WebhookStore

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class WebhookPlanning:
    """Where webhook deliveries are stored, and the queue that sends them."""

    store: WebhookStore
    queue: WebhookQueue


@dataclass(frozen=True)
class ReactionPorts:
    """What the reactions need: a new unit of work per reaction, the live publisher, the all-day reminder time."""

    unit_of_work: Callable[[], UnitOfWork]
    publisher: NotificationPublisher
    all_day_reminder_time: time = ALL_DAY_REMINDER_TIME
    mail: MailPorts | None = None
    """How email is sent; None when email is off (no SMTP_URL): nothing is queued or sent by email."""
    webhooks: WebhookPlanning | None = None
    """None where webhooks are not wired (unit tests of other reactions)."""
    google_writes: WriteQueue | None = None
    """Where writes of people's own events to Google are queued; None: not written (Google not configured)."""


Reaction = Callable[[DomainEvent, ReactionPorts], Awaitable[dict[str, int]]]
"""Acts on a domain event; answers counts of what it did (by name) for the job's result."""


async def tell_people(event: DomainEvent, ports: ReactionPorts) -> dict[str, int]:
    """Store and publish the notifications the event gives rise to (domain/notifications/rules.py says which)."""
    # The publisher (application/webhooks/plan_deliveries.PublishingToWebhooks in the worker) also plans
    # the notification.created deliveries of the notifications stored now.
    notified = await notify_about(
        event, uow=ports.unit_of_work(), publisher=ports.publisher, email=ports.mail is not None
    )
    return {"notified": len(notified)}


async def deliver_webhooks(event: DomainEvent, ports: ReactionPorts) -> dict[str, int]:
    """Plan a signed delivery to every webhook subscription that wants to hear of the event, and queue them."""
    if ports.webhooks is None:
        return {"webhooks_planned": 0}
    planned = await plan_webhook_deliveries(
        event, uow=ports.unit_of_work(), store=ports.webhooks.store, queue=ports.webhooks.queue
    )
    return {"webhooks_planned": planned}


async def email_person(event: DomainEvent, ports: ReactionPorts) -> dict[str, int]:
    """Send the email whose queuing this is (at least once; see domain/notifications/email.py)."""
    if not isinstance(event, EmailQueued):
        return {"emailed": 0}
    if ports.mail is None:
        log.warning("email.left_unsent", email_id=str(event.email_id), reason="email is off (no SMTP_URL)")
        return {"emailed": 0}
    outcome = await send_email(event.email_id, uow=ports.unit_of_work(), mail=ports.mail)
    return {"emailed": int(outcome is EmailOutcome.SENT)}


async def replan_reminders(event: DomainEvent, ports: ReactionPorts) -> dict[str, int]:
    """Make the reminders of the event it touches match that event as it stands now."""
    event_id = event_with_changed_reminders(event)
    if event_id is None:
        return {"reminders_changed": 0}
    changes = await schedule_reminders(
        ScheduleReminders(event_id=event_id, as_of=event.occurred_at),
        uow=ports.unit_of_work(),
        all_day_time=ports.all_day_reminder_time,
    )
    return {"reminders_changed": len(changes.upserts) + len(changes.removals)}


async def write_to_google(event: DomainEvent, ports: ReactionPorts) -> dict[str, int]:
    """Queue writing the event to its organizer's Google calendar, when they write their events back."""
    event_id = getattr(event, "event_id", None)
    if ports.google_writes is None or event_id is None:
        return {"google_writes": 0}
    async with ports.unit_of_work() as uow:
        organizer_id = await uow.google.writes_back(event_id)
    if organizer_id is None:
        return {"google_writes": 0}
    await ports.google_writes.write_event(organizer_id, event_id)
    return {"google_writes": 1}


REACTIONS: dict[type[DomainEvent], tuple[Reaction, ...]] = {
    EventCreated: (replan_reminders, deliver_webhooks, write_to_google),
    EventUpdated: (tell_people, replan_reminders, deliver_webhooks, write_to_google),
    EventCancelled: (tell_people, replan_reminders, deliver_webhooks, write_to_google),
    # The guest list is written to Google too, for organizers who write their participants as Google guests.
    ParticipantInvited: (tell_people, replan_reminders, write_to_google),
    ParticipantRemoved: (tell_people, replan_reminders, write_to_google),
    ParticipantResponded: (tell_people, replan_reminders, deliver_webhooks),
    OccurrenceRoomDeclined: (tell_people,),
    EmailQueued: (email_person,),
}
"""Domain event type -> what follows it, in order; an event type not listed needs nothing done."""


class StoredEvent(Protocol):
    """An outbox message: a committed domain event."""

    @property
    def event(self) -> DomainEvent: ...


class Outbox(Protocol):
    """The committed domain events waiting to be acted on."""

    async def unprocessed_message(self, outbox_id: int) -> StoredEvent | None:
        """The message, or None if there is none or it was processed already."""
        ...

    async def mark_processed(self, outbox_id: int) -> None:
        """Note that its reactions are done."""
        ...


async def act_on_outbox_message(
    outbox_id: int,
    *,
    outbox: Outbox,
    unit_of_work: Callable[[], UnitOfWork],
    publisher: NotificationPublisher,
    all_day_reminder_time: time = ALL_DAY_REMINDER_TIME,
    mail: MailPorts | None = None,
    webhooks: WebhookPlanning | None = None,
    google_writes: WriteQueue | None = None,
) -> JsonObject:
    """Run the reactions to the message's domain event, then mark it processed; answers what was done."""
    message = await outbox.unprocessed_message(outbox_id)
    if message is None:
        return {"outbox_id": outbox_id, "status": "already_processed"}
    event = message.event
    ports = ReactionPorts(
        unit_of_work=unit_of_work,
        publisher=publisher,
        all_day_reminder_time=all_day_reminder_time,
        webhooks=webhooks,
        mail=mail,
        google_writes=google_writes,
    )
    done = {"notified": 0, "reminders_changed": 0}
    for reaction in REACTIONS.get(type(event), ()):
        done |= await reaction(event, ports)
    await outbox.mark_processed(outbox_id)
    log.info("outbox.processed", outbox_id=outbox_id, domain_event=event.name, notified=done["notified"])
    return {"outbox_id": outbox_id, "status": "processed", "event": event.name, **done}
