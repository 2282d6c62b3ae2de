"""ORM models (advanced-alchemy); mapped to and from domain entities by the repositories.

Ids are the domain's UUIDv7s, so no id column has a default: a row without one fails loudly.
Times are timestamptz holding UTC. Roles and statuses are text with CHECK constraints, which
are easier to extend in a migration than PostgreSQL enum types.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from advanced_alchemy.base import DefaultBase, orm_registry
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Identity,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.accounts import user
from domain.accounts.api_token import MAX_NAME_LENGTH as MAX_TOKEN_NAME_LENGTH
from domain.accounts.email import MAX_EMAIL_LENGTH
from domain.notifications.notification import NotificationType
from domain.scheduling import calendar, event, room
from domain.scheduling.timezone import MAX_TIMEZONE_LENGTH

metadata = orm_registry.metadata

ROOM_BOOKING_CONSTRAINT = "ex_events_room_slot"
"""The exclusion constraint that keeps a room from being booked twice for overlapping slots.

Its refusal is read in repositories/refused_writes.py::room_double_booking.
"""
EMAIL_CONSTRAINT = "uq_users_email"
"""The unique constraint on users' (lower-cased) emails."""
EVENT_ROOM_FOREIGN_KEY = "fk_events_room_id_rooms"
"""The foreign key from an event to the room it books."""
SLOT_RANGE = "tstzrange(starts_at, ends_at, '[)')"
"""An event's slot as PostgreSQL sees it: half-open, so back-to-back bookings do not overlap."""


class UserRow(DefaultBase):
    """A registered user."""

    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("email"),
        CheckConstraint("email = lower(email)", name="email_lower_case"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(MAX_EMAIL_LENGTH))
    name: Mapped[str] = mapped_column(String(user.MAX_NAME_LENGTH))
    password_hash: Mapped[str] = mapped_column(Text)
    timezone: Mapped[str] = mapped_column(String(MAX_TIMEZONE_LENGTH))
    is_admin: Mapped[bool]
    created_at: Mapped[datetime]


class CalendarRow(DefaultBase):
    """A calendar; its members are CalendarMemberRows."""

    __tablename__ = "calendars"
    __table_args__ = (
        # Everyone has exactly one personal calendar, and this is how it is found.
        Index("ix_calendars_personal_owner", "owner_id", unique=True, postgresql_where=text("is_personal")),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(calendar.MAX_NAME_LENGTH))
    color: Mapped[str] = mapped_column(String(7))
    description: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[UUID] = mapped_column(ForeignKey("users.id"))
    is_personal: Mapped[bool]
    read_only: Mapped[bool]
    created_at: Mapped[datetime]


class CalendarMemberRow(DefaultBase):
    """A user's role on a calendar."""

    __tablename__ = "calendar_members"
    __table_args__ = (
        CheckConstraint("role IN ('owner', 'editor', 'viewer')", name="role"),
        Index("ix_calendar_members_user_id", "user_id"),
    )

    calendar_id: Mapped[UUID] = mapped_column(ForeignKey("calendars.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))


class RoomRow(DefaultBase):
    """A bookable meeting room."""

    __tablename__ = "rooms"
    __table_args__ = (CheckConstraint("capacity >= 1", name="capacity_positive"),)

    id: Mapped[UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(room.MAX_NAME_LENGTH))
    capacity: Mapped[int]
    location: Mapped[str] = mapped_column(String(room.MAX_LOCATION_LENGTH))
    created_at: Mapped[datetime]


class EventRow(DefaultBase):
    """An event; its participants are EventParticipantRows, its reminders an array of minutes."""

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("status IN ('confirmed', 'cancelled')", name="status"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("transparency IN ('busy', 'free')", name="transparency"),
        # Range overlap (`&&`) finds every event a window touches, however long it lasts; the same
        # index serves `calendar_id =` alone (the calendars' ON DELETE CASCADE).
        Index("ix_events_calendar_span", "calendar_id", text(SLOT_RANGE), postgresql_using="gist"),
        Index("ix_events_room_starts_at", "room_id", "starts_at"),
        # Free/busy: the events a person organizes in a calendar that is not theirs.
        Index("ix_events_organizer_id", "organizer_id"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    calendar_id: Mapped[UUID] = mapped_column(ForeignKey("calendars.id", ondelete="CASCADE"))
    organizer_id: Mapped[UUID] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(event.MAX_TITLE_LENGTH))
    description: Mapped[str] = mapped_column(Text)
    location: Mapped[str] = mapped_column(String(event.MAX_LOCATION_LENGTH))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    all_day: Mapped[bool]
    timezone: Mapped[str] = mapped_column(String(MAX_TIMEZONE_LENGTH))
    room_id: Mapped[UUID | None] = mapped_column(ForeignKey("rooms.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16))
    version: Mapped[int]
    reminders: Mapped[list[int]] = mapped_column(ARRAY(Integer))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    recurrence: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    """A series' rule, EXDATEs and RDATEs; NULL for a single event."""
    overrides: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    """What single occurrences of a series change (each keyed by its recurrence id)."""
    transparency: Mapped[str] = mapped_column(String(8), server_default=text("'busy'"))
    """RFC 5545 TRANSP: whether the event takes its people's time ('busy') or not ('free')."""


class EventOccurrenceRow(DefaultBase):
    """One occurrence of an event: a single event's one, a series' up to the horizon; what windows read.

    The room exclusion constraint lives here, so no occurrence of anything double-books a room.
    A single event's recurrence id is its start. All-day occurrences also hold their dates.
    """

    __tablename__ = "event_occurrences"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        ExcludeConstraint(
            ("room_id", "="),
            (text(SLOT_RANGE), "&&"),
            name=ROOM_BOOKING_CONSTRAINT,
            using="gist",
            where=text("room_id IS NOT NULL"),
        ),
        Index("ix_event_occurrences_calendar_span", "calendar_id", text(SLOT_RANGE), postgresql_using="gist"),
        Index("ix_event_occurrences_room_starts_at", "room_id", "starts_at"),
        Index("ix_event_occurrences_event_span", "event_id", text(SLOT_RANGE), postgresql_using="gist"),
    )

    event_id: Mapped[UUID] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    recurrence_id: Mapped[datetime] = mapped_column(primary_key=True)
    calendar_id: Mapped[UUID]
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    room_id: Mapped[UUID | None] = mapped_column(ForeignKey("rooms.id", ondelete="SET NULL"))


class WorkingHoursRow(DefaultBase):
    """A person's working week, as they set it: {"mon": [["09:00", "17:00"]], ...} in their zone."""

    __tablename__ = "working_hours"

    user_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    timezone: Mapped[str] = mapped_column(String(MAX_TIMEZONE_LENGTH))
    days: Mapped[dict[str, Any]] = mapped_column(JSONB)
    updated_at: Mapped[datetime]


class OutOfOfficeRow(DefaultBase):
    """A range of time a person is away."""

    __tablename__ = "out_of_office"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_out_of_office_user_id_starts_at", "user_id", "starts_at"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    user_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class EventParticipantRow(DefaultBase):
    """An invitee of an event; `position` keeps the invitation order."""

    __tablename__ = "event_participants"
    __table_args__ = (
        CheckConstraint("status IN ('needs_action', 'accepted', 'declined', 'tentative')", name="status"),
        Index("ix_event_participants_user_id", "user_id"),
    )

    # The primary key is the unique (event_id, user_id) index the window query loads participants by.
    event_id: Mapped[UUID] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(SmallInteger)


class OutboxRow(DefaultBase):
    """A domain event committed with the change that caused it, waiting to be handed to the queue."""

    __tablename__ = "outbox"
    __table_args__ = (
        # The sweeper looks only for what was never handed over; that set stays small.
        Index("ix_outbox_pending", "created_at", postgresql_where=text("enqueued_at IS NULL")),
        # ... and for what was handed over long ago but never processed (a job Redis lost).
        Index("ix_outbox_unprocessed", "enqueued_at", postgresql_where=text("processed_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    occurred_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    enqueued_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(server_default=text("0"))
    """How many times the message was handed to the queue."""
    processed_at: Mapped[datetime | None]
    """When a worker finished acting on the message (notifications stored, reminders planned)."""


NOTIFICATION_TYPES = ", ".join(f"'{kind.value}'" for kind in NotificationType)


class NotificationRow(DefaultBase):
    """One thing one person is told; `seq` numbers a user's notifications in commit order."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("dedupe_key"),
        UniqueConstraint("user_id", "seq"),
        CheckConstraint(f"type IN ({NOTIFICATION_TYPES})", name="type"),
        Index("ix_notifications_user_id_is_read", "user_id", "is_read"),
        Index("ix_notifications_scheduled_for", "scheduled_for", postgresql_where=text("scheduled_for IS NOT NULL")),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    user_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(BigInteger)
    type: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)
    # No foreign key: a notification outlives the event it was about (a deleted calendar's events).
    event_id: Mapped[UUID | None]
    is_read: Mapped[bool]
    created_at: Mapped[datetime]
    scheduled_for: Mapped[datetime | None]
    dedupe_key: Mapped[str] = mapped_column(Text)


class NotificationCounterRow(DefaultBase):
    """A user's last notification `seq`; its row lock queues up that user's notifications in commit order."""

    __tablename__ = "notification_counters"

    user_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger)


class UnpublishedNotificationRow(DefaultBase):
    """The notifications one transaction stored, not yet published live; deleted once published.

    Written in the notifications' own transaction (one row for a batch of hundreds), so a worker that
    dies between its commit and its Redis publish leaves the row behind, and the sweeper publishes them
    (at least once: a stream skips a `seq` it has already sent). No foreign key: a notification gone
    since (its reader's account deleted) is simply not published.
    """

    __tablename__ = "unpublished_notifications"
    __table_args__ = (Index("ix_unpublished_notifications_committed_at", "committed_at"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    notification_ids: Mapped[list[UUID]] = mapped_column(ARRAY(Uuid()))
    committed_at: Mapped[datetime] = mapped_column(server_default=func.now())


class ReminderRow(DefaultBase):
    """A person's reminder of an event (one occurrence of a series), `minutes` before it; `sent_at` once sent."""

    __tablename__ = "reminders"
    __table_args__ = (
        # The minute-by-minute sender reads only what is still to be sent, in batches of whole events
        # (a batch then reads few events).
        Index("ix_reminders_due", "due_at", "event_id", postgresql_where=text("sent_at IS NULL")),
        # One reminder per occurrence, person and offset; a single event's have no recurrence id.
        Index(
            "uq_reminders_occurrence",
            "event_id",
            "recurrence_id",
            "user_id",
            "minutes",
            unique=True,
            postgresql_nulls_not_distinct=True,
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    event_id: Mapped[UUID] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    recurrence_id: Mapped[datetime | None]
    user_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    minutes: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


JOB_STATUSES = "'queued', 'active', 'complete', 'partial', 'failed'"


class JobRow(DefaultBase):
    """A background job; `sources` holds each source's state, `result` its summary."""

    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint(f"status IN ({JOB_STATUSES})", name="status"),
        Index("ix_jobs_owner_id", "owner_id"),
        # The retry cron reads only partial jobs.
        Index("ix_jobs_partial", "updated_at", postgresql_where=text("status = 'partial'")),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    owner_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    progress: Mapped[int] = mapped_column(SmallInteger)
    sources: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    result: Mapped[dict[str, Any]] = mapped_column(JSONB)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int]
    first_failed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]


class GoogleAccountRow(DefaultBase):
    """A person's Google grant; the tokens are Fernet ciphertexts, never plain."""

    __tablename__ = "google_accounts"
    __table_args__ = (CheckConstraint("status IN ('connected', 'broken')", name="status"),)

    user_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    encrypted_tokens: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    broken_reason: Mapped[str | None] = mapped_column(Text)
    connected_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    write_back_calendar_id: Mapped[str | None] = mapped_column(Text)
    """The Google calendar the person's own planner events are written to; None: write-back is off."""
    can_write: Mapped[bool] = mapped_column(server_default=text("false"))
    """Whether the grant includes writing events (asked for only when the person turns write-back on)."""
    send_attendees: Mapped[bool] = mapped_column(server_default=text("false"))
    """Whether write-back writes the participants of the person's events as Google guests (Google emails them)."""
    calendars_checked_at: Mapped[datetime | None]
    """When the person's calendar list was last read for calendars added or removed in Google."""


class GoogleCalendarRow(DefaultBase):
    """A Google calendar of a person and the read-only planner calendar mirroring it."""

    __tablename__ = "google_calendars"
    __table_args__ = (
        UniqueConstraint("user_id", "google_calendar_id"),
        Index("ix_google_calendars_last_attempt_at", "last_attempt_at"),
    )

    calendar_id: Mapped[UUID] = mapped_column(ForeignKey("calendars.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    google_calendar_id: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    time_zone: Mapped[str] = mapped_column(String(MAX_TIMEZONE_LENGTH))
    sync_token: Mapped[str | None] = mapped_column(Text)
    last_synced_at: Mapped[datetime | None]
    watch_refused: Mapped[str | None] = mapped_column(Text)
    """Why Google will not push this calendar's changes (it is polled instead); None while it is watched."""
    watch_refusals: Mapped[int] = mapped_column(server_default=text("0"))
    """How many times in a row Google refused to watch it."""
    watch_retry_at: Mapped[datetime | None]
    """When planner asks Google to watch it again (a refused calendar may become watchable)."""
    last_attempt_at: Mapped[datetime | None]
    last_outcome: Mapped[str | None] = mapped_column(String(16))
    last_error: Mapped[str | None] = mapped_column(Text)


class GoogleChannelRow(DefaultBase):
    """A Google push channel on one calendar of a person."""

    __tablename__ = "google_channels"
    __table_args__ = (
        Index("ix_google_channels_user_id", "user_id"),
        Index("ix_google_channels_expires_at", "expires_at"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    google_calendar_id: Mapped[str] = mapped_column(Text)
    token_digest: Mapped[str] = mapped_column(String(64))
    """HMAC-SHA256 of the channel's token (domain.google_sync.model.channel_token_digest), never the token."""
    resource_id: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime]
    last_message_number: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]


class GoogleEventLinkRow(DefaultBase):
    """Which planner event mirrors which Google event; kept for writing planner's events back later."""

    __tablename__ = "google_event_links"
    __table_args__ = (UniqueConstraint("calendar_id", "google_event_id"),)

    event_id: Mapped[UUID] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    calendar_id: Mapped[UUID] = mapped_column(ForeignKey("google_calendars.calendar_id", ondelete="CASCADE"))
    google_event_id: Mapped[str] = mapped_column(Text)
    attendees: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    """The Google event's guests and their answers, for display (Google invites them, not planner)."""


class GoogleWrittenEventRow(DefaultBase):
    """A planner event written to its organizer's Google calendar, and the state of its last write."""

    __tablename__ = "google_written_events"
    __table_args__ = (
        CheckConstraint("state IN ('pending', 'written', 'refused', 'deleted')", name="state"),
        UniqueConstraint("user_id", "google_calendar_id", "google_event_id"),
        Index(
            "ix_google_written_events_pending", "updated_at", postgresql_where=text("state IN ('pending', 'refused')")
        ),
    )

    event_id: Mapped[UUID] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    google_calendar_id: Mapped[str] = mapped_column(Text)
    google_event_id: Mapped[str | None] = mapped_column(Text)
    written_version: Mapped[int | None]
    """The planner version last written; a change of the event with this version needs no write."""
    google_updated: Mapped[datetime | None]
    """Google's `updated` of the last write (or of the Google edit last taken in): its echo is not newer."""
    state: Mapped[str] = mapped_column(String(16))
    last_error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(server_default=text("0"))
    updated_at: Mapped[datetime]


class SessionRow(DefaultBase):
    """A signed-in session; a token is good only while its row is here and unexpired."""

    __tablename__ = "sessions"
    __table_args__ = (Index("ix_sessions_user_id", "user_id"),)

    id: Mapped[UUID] = mapped_column(primary_key=True)
    user_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class InvitationRow(DefaultBase):
    """A single-use sign-up link for one email; only the SHA-256 of its token is kept."""

    __tablename__ = "invitations"
    __table_args__ = (UniqueConstraint("token_digest"),)

    id: Mapped[UUID] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(MAX_EMAIL_LENGTH))
    token_digest: Mapped[str] = mapped_column(String(64))
    invited_by: Mapped[UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class ApiTokenRow(DefaultBase):
    """A person's API token; only the SHA-256 of its secret is kept. Revoking deletes the row."""

    __tablename__ = "api_tokens"
    __table_args__ = (UniqueConstraint("token_digest"), Index("ix_api_tokens_user_id", "user_id"))

    id: Mapped[UUID] = mapped_column(primary_key=True)
    user_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(MAX_TOKEN_NAME_LENGTH))
    scopes: Mapped[list[str]] = mapped_column(ARRAY(String(32)))
    token_digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    last_used_from: Mapped[str | None] = mapped_column(String(45))


class CalendarFeedRow(DefaultBase):
    """A calendar's subscription feed; only the SHA-256 of its secret token is kept."""

    __tablename__ = "calendar_feeds"
    __table_args__ = (UniqueConstraint("token_digest"),)

    calendar_id: Mapped[UUID] = mapped_column(ForeignKey("calendars.id", ondelete="CASCADE"), primary_key=True)
    token_digest: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]


class NotificationPreferenceRow(DefaultBase):
    """The channels (in_app, email) one person chose for one kind of news; kinds never chosen have no row."""

    __tablename__ = "notification_preferences"
    __table_args__ = (CheckConstraint(f"kind IN ({NOTIFICATION_TYPES})", name="kind"),)

    user_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    channels: Mapped[list[str]] = mapped_column(ARRAY(String(16)))


class OutgoingEmailRow(DefaultBase):
    """An email queued for sending, once per dedupe key; sent (or dropped as stale) by a worker."""

    __tablename__ = "outgoing_emails"
    __table_args__ = (
        UniqueConstraint("dedupe_key"),
        CheckConstraint(f"kind IN ({NOTIFICATION_TYPES})", name="kind"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    user_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    address: Mapped[str] = mapped_column(String(MAX_EMAIL_LENGTH))
    recipient_name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32))
    # No foreign key: like a notification, the email outlives the event it is about.
    event_id: Mapped[UUID | None]
    subject: Mapped[str] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)
    dedupe_key: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    dropped_at: Mapped[datetime | None]
    # The occurrence it is about (its original start), when it is about one occurrence of a series.
    recurrence_id: Mapped[datetime | None]


WEBHOOK_SCOPES = "'my_events', 'calendar', 'everything'"
WEBHOOK_DELIVERY_STATUSES = "'pending', 'delivered', 'failed'"


class WebhookSubscriptionRow(DefaultBase):
    """A receiver's URL, the event types it wants and its scope; `secret` signs its deliveries."""

    __tablename__ = "webhook_subscriptions"
    __table_args__ = (
        CheckConstraint(f"scope IN ({WEBHOOK_SCOPES})", name="scope"),
        CheckConstraint("(scope = 'calendar') = (calendar_id IS NOT NULL)", name="calendar_scope"),
        Index("ix_webhook_subscriptions_owner_id", "owner_id"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    owner_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(Text)
    event_types: Mapped[list[str]] = mapped_column(ARRAY(Text))
    scope: Mapped[str] = mapped_column(String(16))
    calendar_id: Mapped[UUID | None] = mapped_column(ForeignKey("calendars.id", ondelete="CASCADE"))
    secret: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    failing_since: Mapped[datetime | None]
    disabled_at: Mapped[datetime | None]


class WebhookDeliveryRow(DefaultBase):
    """One message to one subscription (once per fact: `source_key`), tried until delivered or given up."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("subscription_id", "source_key"),
        CheckConstraint(f"status IN ({WEBHOOK_DELIVERY_STATUSES})", name="status"),
        Index("ix_webhook_deliveries_due", "next_attempt_at", postgresql_where=text("status = 'pending'")),
        Index("ix_webhook_deliveries_subscription_id_created_at", "subscription_id", "created_at"),
        Index("ix_webhook_deliveries_created_at", "created_at"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    subscription_id: Mapped[UUID] = mapped_column(ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"))
    source_key: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(Text)
    event_type: Mapped[str] = mapped_column(String(32))
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(SmallInteger)
    next_attempt_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class WebhookAttemptRow(DefaultBase):
    """One line of the delivery log: what one attempt got back."""

    __tablename__ = "webhook_attempts"
    __table_args__ = (Index("ix_webhook_attempts_delivery_id", "delivery_id"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    delivery_id: Mapped[UUID] = mapped_column(ForeignKey("webhook_deliveries.id", ondelete="CASCADE"))
    attempt: Mapped[int] = mapped_column(SmallInteger)
    attempted_at: Mapped[datetime]
    status_code: Mapped[int | None] = mapped_column(SmallInteger)
    latency_ms: Mapped[int] = mapped_column(Integer)
    excerpt: Mapped[str] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
