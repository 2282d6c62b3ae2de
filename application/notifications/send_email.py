"""Send one queued email: its text, and for news about an event an iCalendar part (iMIP) with Accept/Decline."""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from uuid import UUID

import structlog

from application.scheduling.calendar_files import file_event_of
from application.unit_of_work import UnitOfWork
from domain.clock import Clock
from domain.notifications.email import CalendarMethod, Letter, Mailer, OutgoingEmail, calendar_method
from domain.notifications.notification import NotificationType
from domain.scheduling.calendar_file import CalendarFilePerson, CalendarFileWriter, EventTimes
from domain.scheduling.event import Event
from domain.scheduling.participant import ParticipantStatus

log = structlog.get_logger(__name__)

_PARTSTAT = {
    ParticipantStatus.NEEDS_ACTION: "NEEDS-ACTION",
    ParticipantStatus.ACCEPTED: "ACCEPTED",
    ParticipantStatus.DECLINED: "DECLINED",
    ParticipantStatus.TENTATIVE: "TENTATIVE",
}


@dataclass(frozen=True)
class MailPorts:
    """What sending email needs: the mail server, the iCalendar writer, the clock, and links to the web client."""

    mailer: Mailer
    writer: CalendarFileWriter
    clock: Clock
    event_link: Callable[[UUID], str]


class EmailOutcome(StrEnum):
    SENT = "sent"
    SENT_BEFORE = "sent_before"
    DROPPED = "dropped"
    GONE = "gone"


async def send_email(email_id: UUID, *, uow: UnitOfWork, mail: MailPorts) -> EmailOutcome:
    """Send the email unless it was sent (or dropped) before; mark it sent in the transaction holding its lock.

    The lock keeps a second worker from sending it meanwhile (it gets EmailBeingSent and retries).
    News gone stale by the time it is sent (an invitation to an event since called off) is dropped.
    A failure of the mail server propagates, so the task is retried with backoff.
    """
    async with uow:
        email = await uow.emails.claim(email_id)
        if email is None:
            return EmailOutcome.GONE
        if email.settled:
            return EmailOutcome.SENT_BEFORE
        letter = await _letter(uow, email, mail)
        if letter is None:
            await uow.emails.mark_dropped(email.id, mail.clock.now())
            await uow.commit()
            log.info("email.dropped", email_id=str(email.id), kind=email.kind.value)
            return EmailOutcome.DROPPED
        # Marked sent first, in the transaction holding the row lock: once the server has taken the
        # letter only the COMMIT is left, the one moment a crash sends it again (same Message-ID). A
        # refused or failed send raises, and leaving the block rolls the mark back.
        await uow.emails.mark_sent(email.id, mail.clock.now())
        await mail.mailer.send(letter)
        await uow.commit()
    log.info("email.sent", email_id=str(email.id), kind=email.kind.value, method=letter.method)
    return EmailOutcome.SENT


async def _letter(uow: UnitOfWork, email: OutgoingEmail, mail: MailPorts) -> Letter | None:
    event = None if email.event_id is None else await uow.events.get(email.event_id)
    if email.event_id is not None and event is None:
        return None
    if event is not None and event.is_cancelled and email.kind is not NotificationType.EVENT_CANCELLED:
        return None  # once an event is called off, only its cancellation is news
    letter = Letter(
        message_id=email.message_id,
        to_address=email.address,
        to_name=email.recipient_name,
        subject=email.subject,
        text=email.message,
        link=None if event is None else mail.event_link(event.id),
    )
    if event is None:
        return letter
    taken_off = email.user_id != event.organizer_id and email.user_id not in event.participant_ids
    cancelled_occurrence = (
        email.kind is NotificationType.EVENT_CANCELLED
        and email.recurrence_id is not None
        and event.recurrence is not None
        and not event.is_cancelled
    )
    if taken_off and email.kind in (NotificationType.EVENT_INVITED, NotificationType.EVENT_UPDATED):
        return None  # no longer on the guest list: only the news that they were taken off is
    method = calendar_method(email.kind, event_cancelled=event.is_cancelled or taken_off)
    if method is None:
        return letter
    file_event = replace(file_event_of(event), organizer=await _organizer(uow, event), attendees=_attendees(event))
    if taken_off and method is CalendarMethod.CANCEL:
        # Taken off the guest list: the event is called off for them alone (RFC 5546 3.2.5), with them as attendee.
        removed = CalendarFilePerson(email=email.address, name=email.recipient_name, answer="DECLINED")
        file_event = replace(file_event, cancelled=True, attendees=(removed,))
    elif cancelled_occurrence:
        # One occurrence called off: a CANCEL of that instance (its RECURRENCE-ID), as Google and Outlook send.
        method = CalendarMethod.CANCEL
        file_event = replace(
            file_event,
            cancelled=True,
            recurrence_id=email.recurrence_id,
            times=_occurrence_times(event, email.recurrence_id),
            overrides=(),
        )
    return replace(letter, calendar=mail.writer.write([file_event], method=method.value), method=method)


def _occurrence_times(event: Event, recurrence_id: datetime | None) -> EventTimes:
    """Where the occurrence with this recurrence id fell: its original start, as long as the series' events."""
    assert recurrence_id is not None
    if event.all_day and event.start_date is not None and event.end_date is not None:
        first = recurrence_id.date()
        return EventTimes.dates(first, first + (event.end_date - event.start_date))
    return EventTimes.timed(recurrence_id, recurrence_id + event.time_range.duration)


async def _organizer(uow: UnitOfWork, event: Event) -> CalendarFilePerson | None:
    organizer = await uow.users.get(event.organizer_id)
    return None if organizer is None else CalendarFilePerson(email=organizer.email, name=organizer.name)


def _attendees(event: Event) -> tuple[CalendarFilePerson, ...]:
    return tuple(
        CalendarFilePerson(email=p.email, name=p.name, answer=_PARTSTAT[p.status])
        for p in event.participants
        if p.user_id != event.organizer_id
    )
