"""News told by email: the emails waiting to be sent, the fact that one was queued, and what a mailer sends.

An email is queued in the same transaction as the notification it repeats, under the dedupe key of
that notification (prefixed), so telling the same news twice queues one email. Queuing records
EmailQueued, which travels through the outbox to the worker that sends it; a sent email is marked
sent in the transaction that also holds its row lock, so two workers never send it at once.

Sending is at least once: a worker killed after the SMTP server took the message but before its
commit leaves the email unsent in the database, and it is sent again with the same Message-ID
(mail clients and Gmail show one message per Message-ID). Nothing queued is lost.
"""

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Protocol
from uuid import UUID

from domain.domain_events import Aggregate, DomainEvent
from domain.notifications.notification import NotificationDraft, NotificationType

EMAIL_DEDUPE_PREFIX = "email:"


class CalendarMethod(enum.StrEnum):
    """The iTIP method (RFC 5546) of an email's calendar part (iMIP, RFC 6047)."""

    REQUEST = "REQUEST"
    CANCEL = "CANCEL"


_CALENDAR_KINDS = frozenset(
    {NotificationType.EVENT_INVITED, NotificationType.EVENT_UPDATED, NotificationType.EVENT_CANCELLED}
)


def calendar_method(kind: NotificationType, *, event_cancelled: bool) -> CalendarMethod | None:
    """The method of the calendar part an email of this kind carries; None when it carries none.

    An invitation or a change is a REQUEST of the event as it stands (its SEQUENCE is higher after
    each change, so clients replace what they have); the whole event called off is a CANCEL. One
    occurrence called off is a REQUEST too: the series now has an EXDATE for it.
    """
    if kind not in _CALENDAR_KINDS:
        return None
    return CalendarMethod.CANCEL if event_cancelled else CalendarMethod.REQUEST


@dataclass(frozen=True, kw_only=True)
class EmailQueued(DomainEvent):
    """An email was queued for sending."""

    name: ClassVar[str] = "email_queued"

    email_id: UUID


@dataclass(frozen=True, kw_only=True)
class EmailDraft:
    """An email about to be queued: a notification's news for a person who wants it by email."""

    user_id: UUID
    address: str
    recipient_name: str
    kind: NotificationType
    event_id: UUID | None
    subject: str
    message: str
    dedupe_key: str
    recurrence_id: datetime | None = None
    """The occurrence it is about, when it is about one occurrence of a series."""

    @classmethod
    def of(cls, draft: NotificationDraft, *, address: str, recipient_name: str) -> "EmailDraft":
        """The email repeating a notification draft, deduplicated with it."""
        return cls(
            user_id=draft.user_id,
            address=address,
            recipient_name=recipient_name,
            kind=draft.type,
            event_id=draft.event_id,
            subject=draft.title,
            message=draft.message,
            dedupe_key=EMAIL_DEDUPE_PREFIX + draft.dedupe_key,
            recurrence_id=draft.recurrence_id,
        )


@dataclass(kw_only=True, eq=False)
class OutgoingEmail(Aggregate):
    """A queued email; `sent_at` is set once the SMTP server took it."""

    id: UUID
    user_id: UUID
    address: str
    recipient_name: str
    kind: NotificationType
    event_id: UUID | None
    subject: str
    message: str
    dedupe_key: str
    created_at: datetime
    sent_at: datetime | None = None
    dropped_at: datetime | None = None
    recurrence_id: datetime | None = None

    @property
    def settled(self) -> bool:
        """Sent, or dropped: nothing is left to do."""
        return self.sent_at is not None or self.dropped_at is not None

    @classmethod
    def queue(cls, draft: EmailDraft, *, email_id: UUID, now: datetime) -> "OutgoingEmail":
        """A new email from the draft; records EmailQueued so a worker sends it."""
        email = cls(
            id=email_id,
            user_id=draft.user_id,
            address=draft.address,
            recipient_name=draft.recipient_name,
            kind=draft.kind,
            event_id=draft.event_id,
            subject=draft.subject,
            message=draft.message,
            dedupe_key=draft.dedupe_key,
            created_at=now,
            recurrence_id=draft.recurrence_id,
        )
        email.record(EmailQueued(occurred_at=now, email_id=email_id))
        return email

    @property
    def message_id(self) -> str:
        """The left part of its Message-ID: the same on every attempt, so a resent copy is known as one."""
        return f"{self.id}.planner"


@dataclass(frozen=True, kw_only=True)
class Letter:
    """What a mailer sends: one recipient, a text body, and maybe an iCalendar part (iMIP)."""

    message_id: str
    to_address: str
    to_name: str
    subject: str
    text: str
    link: str | None = None
    """Where the event is in the web client, shown under the text."""
    calendar: bytes | None = None
    method: CalendarMethod | None = None


class EmailBeingSent(Exception):
    """Another worker holds the email (it is sending it now); try again later."""


class OutgoingEmailRepository(Protocol):
    """The emails queued for sending, one per dedupe key."""

    async def queue(self, draft: EmailDraft) -> OutgoingEmail | None:
        """Queue the draft (the unit of work then stores its EmailQueued); None if its dedupe key was queued before."""
        ...

    async def claim(self, email_id: UUID) -> OutgoingEmail | None:
        """The email, locked until the transaction ends; None if there is none; EmailBeingSent if another holds it."""
        ...

    async def mark_sent(self, email_id: UUID, at: datetime) -> None:
        """Note that the SMTP server took the email."""
        ...

    async def mark_dropped(self, email_id: UUID, at: datetime) -> None:
        """Note that the email will not be sent (its news is stale: the event was called off or is gone)."""
        ...


class Mailer(Protocol):
    """Sends a letter; raises (any exception) if the mail server did not take it, so the task retries."""

    async def send(self, letter: Letter) -> None: ...
