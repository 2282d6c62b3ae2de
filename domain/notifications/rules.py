"""Who is told what: the notifications a domain event or a due reminder gives rise to.

- ParticipantInvited: the invitee gets `event_invited` (not if they were taken off again, or the
  event was cancelled, before anyone could tell them).
- EventUpdated: a change of time, repetition, room, title or location gets `event_updated` to the organizer
  and every participant except whoever made it; other changes (description, reminders) tell nobody.
- EventCancelled: `event_cancelled` to the organizer and participants, except whoever cancelled.
- ParticipantRemoved: `event_cancelled` to the person taken off the guest list (not when they left
  themselves, nor once they are invited again): for them the event is called off.
- ParticipantResponded: `participant_response` to the organizer (not when they answer themselves).
- OccurrenceRoomDeclined: `room_declined` to the organizer (the room of an occurrence the series'
  horizon reached was taken; the occurrence is kept without it).
- A due reminder: `event_reminder` to the person it belongs to.
- A Google sync job: `job_failed` to its owner when Google refuses the grant, or when the job gives up.

A series is spoken of once: a change to all its occurrences (or to those from a split on) gives
one notification per person, naming how often it repeats and the first date it reaches ("Ada
changed the time of the weekly Stand-up: now starts at 09:30 (UTC), from Thu 3 Dec"); a change to
one occurrence names that occurrence's date ("... of Stand-up on Mon 22 Mar: now on ...").

News is told about the event as it stands when it is told: once an event is cancelled (or gone),
only its cancellation is news, so an invitation, change or answer still on its way is dropped.

Every draft's dedupe key is derived from the fact it tells (with the occurrence's recurrence id
when it is about one), so telling it twice stores it once.
Times are shown on the reader's own wall clock, named by their time zone.
"""

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from domain.accounts.user import User
from domain.domain_events import DomainEvent
from domain.jobs.job import Job, SourceStatus
from domain.notifications.notification import NotificationDraft, NotificationType
from domain.notifications.reminders import Reminder
from domain.notifications.series import about_whole_series, first_affected, occurrence_named, series_name
from domain.notifications.wording import clock_time, day_of, listing, moment, span
from domain.scheduling.domain_events import (
    EventCancelled,
    EventUpdated,
    OccurrenceRoomDeclined,
    ParticipantInvited,
    ParticipantRemoved,
    ParticipantResponded,
)
from domain.scheduling.event import Event
from domain.scheduling.occurrence import Occurrence
from domain.scheduling.participant import ParticipantStatus
from domain.scheduling.room import Room

SOMEONE = "Someone"
"""How an actor whose account is gone is named."""

# The changes worth telling people about, in the order a message names them.
_NOTEWORTHY = {
    "starts_at": "time",
    "ends_at": "time",
    "all_day": "time",
    "recurrence": "repetition",
    "room_id": "room",
    "title": "title",
    "location": "location",
}
_ORDER = ("time", "repetition", "room", "title", "location")

_ANSWERS = {
    ParticipantStatus.ACCEPTED: ("Accepted", "accepted your invitation to"),
    ParticipantStatus.DECLINED: ("Declined", "declined your invitation to"),
    ParticipantStatus.TENTATIVE: ("Tentative", "tentatively accepted your invitation to"),
}


@dataclass(frozen=True, kw_only=True)
class Circumstances:
    """What the rules need besides the domain event: the people involved and the event as it is now."""

    people: Mapping[UUID, User] = field(default_factory=dict)
    event: Event | None = None
    room: Room | None = None

    def name_of(self, user_id: UUID) -> str:
        """The person's name, or SOMEONE if their account is gone."""
        person = self.people.get(user_id)
        return SOMEONE if person is None else person.name


def concerned_event(event: DomainEvent) -> UUID | None:
    """The id of the event a notifiable domain event is about; None if it notifies nobody."""
    if isinstance(
        event,
        ParticipantInvited
        | ParticipantRemoved
        | EventUpdated
        | EventCancelled
        | ParticipantResponded
        | OccurrenceRoomDeclined,
    ):
        return event.event_id
    return None


def concerned_room(event: DomainEvent, current: Event | None) -> UUID | None:
    """The room the notifications about `event` name: the occurrence's when it is about one, else the event's."""
    if isinstance(event, OccurrenceRoomDeclined):
        return event.room_id  # the room it no longer holds
    if current is None:
        return None
    occurrence = None
    if isinstance(event, EventUpdated | EventCancelled | ParticipantResponded):
        occurrence = occurrence_named(current, event.recurrence_id)
    return current.room_id if occurrence is None else occurrence.room_id


def people_involved(event: DomainEvent) -> set[UUID]:
    """Everyone whose name or time zone the notifications about `event` need: its audience and its actor."""
    involved = set(event.affected_user_ids)
    if isinstance(event, ParticipantInvited | ParticipantRemoved | EventUpdated | EventCancelled):
        involved.add(event.by_user_id)
    elif isinstance(event, ParticipantResponded):
        involved.add(event.user_id)
    return involved


def notifications_about(event: DomainEvent, circumstances: Circumstances) -> list[NotificationDraft]:
    """The notifications `event` gives rise to, one per person told; none for events nobody is told about."""
    match event:
        case ParticipantInvited():
            drafts = _invited(event, circumstances)
        case EventUpdated():
            drafts = _updated(event, circumstances)
        case EventCancelled():
            drafts = _cancelled(event, circumstances)
        case ParticipantRemoved():
            drafts = _removed(event, circumstances)
        case ParticipantResponded():
            drafts = _responded(event, circumstances)
        case OccurrenceRoomDeclined():
            drafts = _room_declined(event, circumstances)
        case _:
            drafts = []
    return drafts


def reminder_notification(
    reminder: Reminder, occurrence: Event | Occurrence, recipient: User, *, room: Room | None, now: datetime
) -> NotificationDraft:
    """The `event_reminder` for a reminder of an occurrence (or single event) being sent `now` (possibly late).

    The dedupe key names the occurrence (its recurrence id) and its start, so each occurrence's
    reminder is stored once, and one moved to a new time is told again.
    """
    when = moment(occurrence.starts_at, _zone_for(occurrence, recipient), all_day=occurrence.all_day)
    where = _where(occurrence, room)
    if now < occurrence.starts_at:
        minutes_left = math.ceil((occurrence.starts_at - now).total_seconds() / 60)
        message = f"{occurrence.title} starts in {span(minutes_left)}, on {when}{where}"
    else:
        message = f"{occurrence.title} started on {when}{where}"
    which = "" if reminder.recurrence_id is None else f"{_stamp(reminder.recurrence_id)}:"
    return NotificationDraft(
        user_id=recipient.id,
        type=NotificationType.EVENT_REMINDER,
        title=f"Reminder: {occurrence.title}",
        message=message,
        event_id=occurrence.id,
        dedupe_key=(
            f"event_reminder:{occurrence.id}:{which}{recipient.id}:{reminder.minutes}:{_stamp(occurrence.starts_at)}"
        ),
        scheduled_for=reminder.due_at,
    )


def google_grant_revoked(job: Job) -> NotificationDraft:
    """The `job_failed` telling a job's owner that Google refused planner's access to their calendar."""
    return NotificationDraft(
        user_id=job.owner_id,
        type=NotificationType.JOB_FAILED,
        title="Google Calendar disconnected",
        message="Google refused planner's access to your calendar: connect Google Calendar again.",
        event_id=None,
        dedupe_key=f"google_grant_revoked:{job.id}",
    )


def google_write_refused(event: Event, reason: str) -> NotificationDraft:
    """The `job_failed` telling an organizer that Google refused the copy of their event (once per version)."""
    return NotificationDraft(
        user_id=event.organizer_id,
        type=NotificationType.JOB_FAILED,
        title="Not written to Google Calendar",
        message=f"Google refused “{event.title}”: {reason}. It stays in planner; planner tries again.",
        event_id=event.id,
        dedupe_key=f"google_write_refused:{event.id}:{event.version}",
    )


def google_sync_gave_up(job: Job) -> NotificationDraft:
    """The `job_failed` telling a job's owner which calendars a sync could not load and gave up on."""
    missing = ", ".join(source.label for source in job.sources if source.status is not SourceStatus.DONE)
    return NotificationDraft(
        user_id=job.owner_id,
        type=NotificationType.JOB_FAILED,
        title="Google Calendar sync failed",
        message=f"planner could not load {missing or 'some calendars'} from Google for 3 hours and gave up",
        event_id=None,
        dedupe_key=f"job_failed:{job.id}",
    )


def google_calendar_removed(user_id: UUID, name: str, google_calendar_id: str) -> NotificationDraft:
    """Told when a calendar left the person's Google calendar list: its read-only mirror is gone from planner."""
    return NotificationDraft(
        user_id=user_id,
        type=NotificationType.JOB_FAILED,
        title="Google calendar removed",
        message=f"{name} is no longer in your Google calendar list, so planner no longer shows it.",
        event_id=None,
        dedupe_key=f"google_calendar_removed:{user_id}:{google_calendar_id}",
    )


def _invited(event: ParticipantInvited, circumstances: Circumstances) -> list[NotificationDraft]:
    current = circumstances.event
    if current is None or current.is_cancelled or event.user_id not in current.participant_ids:
        return []
    actor = circumstances.name_of(event.by_user_id)
    where = _where(current, circumstances.room)
    first = first_affected(current, event.occurred_at) if current.recurrence is not None else None

    def message(reader: User) -> str:
        if first is not None:
            zone = _zone_for(current, reader)
            starts = "all day" if current.all_day else f"starts at {clock_time(first.starts_at, zone)}"
            what = f"{series_name(current, current.title)}: {starts}{where}, from {day_of(first.starts_at, zone)}"
        else:
            what = f"{current.title} on {_when(current, reader)}{where}"
        return f"{actor} invited you to {what}"

    return _to_readers(
        event,
        circumstances,
        type=NotificationType.EVENT_INVITED,
        title=f"Invitation: {current.title}",
        message=message,
        dedupe_key=lambda reader: f"event_invited:{event.event_id}:{reader.id}:{_stamp(event.occurred_at)}",
    )


def _updated(event: EventUpdated, circumstances: Circumstances) -> list[NotificationDraft]:
    current = circumstances.event
    changed = {_NOTEWORTHY[name] for name in event.changed_fields if name in _NOTEWORTHY}
    if current is None or current.is_cancelled or not changed:
        return []
    what = listing([label for label in _ORDER if label in changed])
    actor = circumstances.name_of(event.by_user_id)
    where = _where(occurrence_named(current, event.recurrence_id) or current, circumstances.room)
    if not where and "room" in changed:
        where = ", with no room booked"
    which = "" if event.recurrence_id is None else f"{_stamp(event.recurrence_id)}:"
    first = first_affected(current, event.occurred_at) if about_whole_series(current, event.recurrence_id) else None

    def message(reader: User) -> str:
        zone = _zone_for(current, reader)
        if first is not None:
            # A change to the whole series (or to it from a split on): told once, from the first date it reaches.
            starts = "all day" if current.all_day else f"starts at {clock_time(first.starts_at, zone)}"
            return (
                f"{actor} changed the {what} of {series_name(current, event.title)}: "
                f"now {starts}{where}, from {day_of(first.starts_at, zone)}"
            )
        when = moment(event.starts_at, zone, all_day=current.all_day)
        if event.recurrence_id is not None:
            on = day_of(event.recurrence_id, current.timezone if current.all_day else zone)
            return f"{actor} changed the {what} of {event.title} on {on}: now on {when}{where}"
        return f"{actor} changed the {what} of {event.title}: now on {when}{where}"

    return _to_readers(
        event,
        circumstances,
        type=NotificationType.EVENT_UPDATED,
        title=f"Updated: {event.title}",
        message=message,
        dedupe_key=lambda reader: f"event_updated:{event.event_id}:{which}{event.version}:{reader.id}",
    )


def _cancelled(event: EventCancelled, circumstances: Circumstances) -> list[NotificationDraft]:
    actor = circumstances.name_of(event.by_user_id)
    current = circumstances.event
    all_day = current is not None and current.all_day
    which = "" if event.recurrence_id is None else f"{_stamp(event.recurrence_id)}:"
    first = None
    if current is not None and about_whole_series(current, event.recurrence_id):
        first = first_affected(current, event.occurred_at)

    def message(reader: User) -> str:
        zone = current.timezone if all_day and current else reader.timezone
        if current is not None and first is not None:
            return f"{actor} cancelled {series_name(current, event.title)}, from {day_of(first.starts_at, zone)}"
        return f"{actor} cancelled {event.title} on {moment(event.starts_at, zone, all_day=all_day)}"

    return _to_readers(
        event,
        circumstances,
        type=NotificationType.EVENT_CANCELLED,
        title=f"Cancelled: {event.title}",
        message=message,
        dedupe_key=lambda reader: f"event_cancelled:{event.event_id}:{which}{reader.id}",
        recurrence_id=event.recurrence_id,
    )


def _removed(event: ParticipantRemoved, circumstances: Circumstances) -> list[NotificationDraft]:
    current = circumstances.event
    if current is None or current.is_cancelled or event.user_id in current.participant_ids:
        return []  # called off for everyone (that news is told), or invited again meanwhile
    actor = circumstances.name_of(event.by_user_id)
    what = series_name(current, event.title) if current.recurrence is not None else None
    return _to_readers(
        event,
        circumstances,
        type=NotificationType.EVENT_CANCELLED,
        title=f"Cancelled: {event.title}",
        message=lambda reader: f"{actor} took you off {what or f'{event.title} on {_when(current, reader)}'}",
        dedupe_key=lambda reader: f"participant_removed:{event.event_id}:{reader.id}:{_stamp(event.occurred_at)}",
    )


def _responded(event: ParticipantResponded, circumstances: Circumstances) -> list[NotificationDraft]:
    current = circumstances.event
    if current is None or current.is_cancelled or event.status not in _ANSWERS:
        return []
    headline, verb = _ANSWERS[event.status]
    responder = circumstances.name_of(event.user_id)
    which = "" if event.recurrence_id is None else f"{_stamp(event.recurrence_id)}:"
    occurrence = occurrence_named(current, event.recurrence_id)

    def message(reader: User) -> str:
        if occurrence is not None:
            return f"{responder} {verb} {event.title} on {_when(occurrence, reader)}"
        if current.recurrence is not None:
            return f"{responder} {verb} {series_name(current, event.title)}"
        return f"{responder} {verb} {event.title} on {_when(current, reader)}"

    return _to_readers(
        event,
        circumstances,
        type=NotificationType.PARTICIPANT_RESPONSE,
        title=f"{headline}: {event.title}",
        message=message,
        dedupe_key=lambda reader: (
            f"participant_response:{event.event_id}:{which}{event.user_id}:{_stamp(event.occurred_at)}:{reader.id}"
        ),
    )


def _room_declined(event: OccurrenceRoomDeclined, circumstances: Circumstances) -> list[NotificationDraft]:
    current = circumstances.event
    if current is None or current.is_cancelled or occurrence_named(current, event.recurrence_id) is None:
        return []
    room = circumstances.room.name if circumstances.room is not None else "The room"
    dedupe_key = (
        f"room_declined:{event.event_id}:{_stamp(event.recurrence_id)}:{event.room_id}:{_stamp(event.occurred_at)}"
    )
    return _to_readers(
        event,
        circumstances,
        type=NotificationType.ROOM_DECLINED,
        title=f"Room not booked: {event.title}",
        message=lambda reader: (
            f"{room} is already booked for {event.title} on {_when_of(event.starts_at, current, reader)}: "
            "that occurrence keeps its time without a room"
        ),
        dedupe_key=lambda _reader: dedupe_key,
    )


def _when_of(at: datetime, event: Event, reader: User) -> str:
    return moment(at, _zone_for(event, reader), all_day=event.all_day)


_EventNews = (
    ParticipantInvited
    | EventUpdated
    | EventCancelled
    | ParticipantRemoved
    | ParticipantResponded
    | OccurrenceRoomDeclined
)


def _to_readers(
    event: _EventNews,
    circumstances: Circumstances,
    *,
    type: NotificationType,
    title: str,
    message: Callable[[User], str],
    dedupe_key: Callable[[User], str],
    recurrence_id: datetime | None = None,
) -> list[NotificationDraft]:
    """One draft of this news for each reader, worded for them (their clock) and keyed for them."""
    return [
        NotificationDraft(
            user_id=reader.id,
            type=type,
            title=title,
            message=message(reader),
            event_id=event.event_id,
            dedupe_key=dedupe_key(reader),
            recurrence_id=recurrence_id,
        )
        for reader in _readers(event, circumstances)
    ]


def _readers(event: DomainEvent, circumstances: Circumstances) -> list[User]:
    """The audience of `event` whose accounts still exist, in the event's order."""
    return [circumstances.people[user_id] for user_id in event.affected_user_ids if user_id in circumstances.people]


def _when(event: Event | Occurrence, reader: User) -> str:
    return moment(event.starts_at, _zone_for(event, reader), all_day=event.all_day)


def _zone_for(event: Event | Occurrence, reader: User) -> str:
    # An all-day event is a date in its own zone; anything else is shown on the reader's clock.
    return event.timezone if event.all_day else reader.timezone


def _where(event: Event | Occurrence, room: Room | None) -> str:
    if room is not None and event.room_id == room.id:
        return f" in {room.name}"
    if event.location:
        return f" at {event.location}"
    return ""


def _stamp(at: datetime) -> str:
    return at.isoformat()
