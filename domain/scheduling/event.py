"""Events: the aggregate people book rooms and invite colleagues with."""

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Self, TypedDict
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.accounts.user import User
from domain.changes import UNSET, UnsetType
from domain.domain_events import Aggregate
from domain.errors import EventIsCancelled, InvalidInput, NotFound, PermissionDenied, StaleVersion
from domain.google_sync.model import RemoteEvent
from domain.identity import new_id
from domain.scheduling.calendar import Calendar
from domain.scheduling.domain_events import (
    EventCancelled,
    EventCreated,
    EventUpdated,
    OccurrenceRoomDeclined,
    ParticipantInvited,
    ParticipantRemoved,
    ParticipantResponded,
    audience,
)
from domain.scheduling.occurrence import Occurrence, Override, date_recurrence_id, local_dates
from domain.scheduling.participant import ANSWERS, Invitee, Participant, ParticipantStatus
from domain.scheduling.recurrence import Recurrence, RecurrenceDate, check_first_occurrence
from domain.scheduling.reminders import DEFAULT_REMINDERS, reminder_offsets
from domain.scheduling.time_range import TimeRange
from domain.scheduling.timezone import MAX_TIMEZONE_LENGTH, time_zone
from domain.scheduling.transparency import Transparency
from domain.text import bounded_text, label

MAX_TITLE_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 10_000
MAX_LOCATION_LENGTH = 500
MAX_PARTICIPANTS = 200
MIRROR_UNTITLED = "(no title)"
MIRROR_MIN_LENGTH = timedelta(minutes=1)
"""A mirrored event without a usable end (or ending as it starts) lasts this long, so it still shows."""


class EventStatus(enum.StrEnum):
    """Whether the event still takes place."""

    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


def event_slot(starts_at: datetime, ends_at: datetime, *, all_day: bool, timezone: str) -> TimeRange:
    """Return the slot an event takes; an all-day event is widened to local midnights of its zone."""
    zone = time_zone(timezone)
    slot = TimeRange(starts_at, ends_at)
    if all_day:
        slot = slot.whole_days_in(zone)
    return TimeRange.for_event(slot.starts_at, slot.ends_at)


@dataclass(frozen=True, kw_only=True)
class NewEvent:
    """What an organizer asks for when creating an event; `timezone` None means the organizer's own zone."""

    title: str
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    description: str = ""
    location: str = ""
    all_day: bool = False
    timezone: str | None = None
    room_id: UUID | None = None
    reminders: Sequence[int] = DEFAULT_REMINDERS
    invitees: Sequence[Invitee] = ()
    recurrence: Recurrence | None = None
    start_date: date | None = None
    """An all-day event's first date (with `end_date`, exclusive), instead of `starts_at`/`ends_at`."""
    end_date: date | None = None
    transparency: Transparency | None = None
    """Whether it takes its people's time; None: busy, or free for an all-day event."""


@dataclass(frozen=True, kw_only=True)
class EventChanges:
    """What an editor changes; UNSET fields stay as they are, `invitees` replaces the guest list."""

    title: str | UnsetType = UNSET
    description: str | UnsetType = UNSET
    location: str | UnsetType = UNSET
    starts_at: datetime | UnsetType = UNSET
    ends_at: datetime | UnsetType = UNSET
    all_day: bool | UnsetType = UNSET
    timezone: str | UnsetType = UNSET
    room_id: UUID | UnsetType | None = UNSET
    reminders: Sequence[int] | UnsetType = UNSET
    invitees: Sequence[Invitee] | UnsetType = UNSET
    recurrence: Recurrence | UnsetType | None = UNSET
    start_date: date | UnsetType = UNSET
    end_date: date | UnsetType = UNSET
    transparency: Transparency | UnsetType = UNSET

    def named(self) -> tuple[str, ...]:
        """The names of the fields this change sets."""
        return tuple(name for name, value in vars(self).items() if value is not UNSET)


OCCURRENCE_FIELDS = frozenset({"title", "description", "location", "starts_at", "ends_at", "room_id"})
"""What one occurrence of a series may change on its own; the rest is the series'."""


@dataclass(kw_only=True, eq=False)
class Event(Aggregate):
    """A meeting in a calendar; `version` starts at 1 and grows with every change."""

    id: UUID
    calendar_id: UUID
    organizer_id: UUID
    title: str
    description: str = ""
    location: str = ""
    time_range: TimeRange
    all_day: bool = False
    timezone: str = "UTC"
    room_id: UUID | None = None
    status: EventStatus = EventStatus.CONFIRMED
    version: int = 1
    participants: list[Participant] = field(default_factory=list)
    reminders: tuple[int, ...] = DEFAULT_REMINDERS
    created_at: datetime
    updated_at: datetime
    recurrence: Recurrence | None = None
    overrides: dict[datetime, Override] = field(default_factory=dict)
    transparency: Transparency = Transparency.BUSY

    @classmethod
    def create(cls, new: NewEvent, *, calendar_id: UUID, organizer: User, now: datetime) -> Self:
        """Create an event and invite its invitees; the organizer, if listed, is in and has accepted."""
        _check_guest_count(new.invitees)
        timezone = organizer.timezone if new.timezone is None else new.timezone
        event = cls(
            id=new_id(now),
            calendar_id=calendar_id,
            organizer_id=organizer.id,
            title=label(new.title, field="title", max_length=MAX_TITLE_LENGTH),
            description=bounded_text(new.description, field="description", max_length=MAX_DESCRIPTION_LENGTH),
            location=bounded_text(new.location, field="location", max_length=MAX_LOCATION_LENGTH),
            time_range=_new_slot(new, timezone),
            all_day=new.all_day or new.start_date is not None,
            timezone=timezone,
            room_id=new.room_id,
            reminders=reminder_offsets(new.reminders),
            created_at=now,
            updated_at=now,
            transparency=new.transparency
            or Transparency.default_for(all_day=new.all_day or new.start_date is not None),
        )
        event.recurrence = event._checked_recurrence(new.recurrence)
        event._record_created(now)
        for invitee in new.invitees:
            event._invite(invitee, by_user_id=organizer.id, now=now)
        return event

    @classmethod
    def mirror(cls, remote: RemoteEvent, *, calendar_id: UUID, owner_id: UUID, now: datetime) -> Self:
        """Create the planner event mirroring a live remote event in the read-only `calendar_id` of `owner_id`.

        A mirror shows what the other calendar holds rather than refusing it: text is cut to planner's
        limits, and it keeps its length even beyond EVENT_MAX_LENGTH (that limit is on what planner
        books, and a months-long leave in Google must show in every week it covers). It has no
        reminders or guests: people are told by the calendar it comes from.
        """
        event = cls(
            id=new_id(now),
            calendar_id=calendar_id,
            organizer_id=owner_id,
            reminders=(),
            created_at=now,
            updated_at=now,
            transparency=Transparency.default_for(all_day=remote.all_day),
            recurrence=remote.recurrence,
            **_mirrored_fields(remote),
        )
        event._record_created(now)
        return event

    def refresh_from(self, remote: RemoteEvent, *, now: datetime) -> bool:
        """Take over a mirrored event's new state from its remote; False (and no change) when it is the same."""
        fields = _mirrored_fields(remote)
        changed = tuple(
            name
            for name, new in (
                ("title", fields["title"]),
                ("description", fields["description"]),
                ("location", fields["location"]),
                ("starts_at", fields["time_range"].starts_at),
                ("ends_at", fields["time_range"].ends_at),
                ("all_day", fields["all_day"]),
                ("timezone", fields["timezone"]),
                ("recurrence", _mirrored_recurrence(remote.recurrence, self.recurrence)),
            )
            if getattr(self, name) != new
        )
        if not changed:
            return False
        self.title, self.description, self.location = fields["title"], fields["description"], fields["location"]
        self.time_range, self.all_day, self.timezone = fields["time_range"], fields["all_day"], fields["timezone"]
        self.recurrence = _mirrored_recurrence(remote.recurrence, self.recurrence)
        self._bump(now)
        # A mirror's change comes from its remote calendar: nobody in planner is told of it.
        self._record_updated(changed, by_user_id=self.organizer_id, now=now, told=())
        return True

    def refresh_occurrence_from(self, remote: RemoteEvent, *, now: datetime) -> bool:
        """Take over one occurrence of a mirrored series from Google's exception; False when nothing changed.

        A cancelled exception skips the occurrence (an EXDATE); a live one overrides what it changes
        and brings back an occurrence skipped before. An exception at a start the rule does not make
        becomes an RDATE, so it still shows (as RFC 5545 readers do).
        """
        if self.recurrence is None or remote.recurrence_id is None:
            raise InvalidInput("recurrence_id", "only an occurrence of a series overrides it")
        key = self._recurrence_key(remote.recurrence_id)
        skipped: RecurrenceDate = key.date() if self.all_day else key
        recurrence = self.recurrence
        exdates = tuple(d for d in recurrence.exdates if d != skipped)
        overrides = dict(self.overrides)
        if remote.cancelled:
            exdates = (*exdates, skipped)
            overrides.pop(key, None)
            rdates = recurrence.rdates
        else:
            fields = _mirrored_fields(remote)
            original = self._original_range(key)
            overrides[key] = Override(
                recurrence_id=key,
                title=None if fields["title"] == self.title else fields["title"],
                description=None if fields["description"] == self.description else fields["description"],
                location=None if fields["location"] == self.location else fields["location"],
                time_range=None if fields["time_range"] == original else fields["time_range"],
            )
            produced = key in self._recurrence_ids(
                before=key + timedelta(seconds=1), recurrence=Recurrence(recurrence.rule)
            )
            rdates = recurrence.rdates if produced or skipped in recurrence.rdates else (*recurrence.rdates, skipped)
        refreshed = replace(recurrence, exdates=exdates, rdates=rdates)
        if refreshed == recurrence and overrides == self.overrides:
            return False
        self.recurrence, self.overrides = refreshed, overrides
        self._bump(now)
        self._record_updated(("occurrence",), by_user_id=self.organizer_id, now=now, told=())
        return True

    def _record_updated(
        self,
        changed: tuple[str, ...],
        *,
        by_user_id: UUID,
        now: datetime,
        told: tuple[UUID, ...] | None = None,
        occurrence: Occurrence | None = None,
        previous_room_id: UUID | UnsetType | None = UNSET,
    ) -> None:
        """Record that the event (or, with `occurrence`, one occurrence of it) changed these fields.

        `previous_room_id` is the room held before the change (UNSET: the room did not change).
        """
        shown = occurrence or self
        self.record(
            EventUpdated(
                occurred_at=now,
                affected_user_ids=self._audience(excluding=by_user_id) if told is None else told,
                event_id=self.id,
                calendar_id=self.calendar_id,
                by_user_id=by_user_id,
                title=shown.title,
                starts_at=shown.starts_at,
                ends_at=shown.ends_at,
                changed_fields=changed,
                version=self.version,
                recurrence_id=None if occurrence is None else occurrence.recurrence_id,
                room_id=shown.room_id,
                previous_room_id=shown.room_id if previous_room_id is UNSET else previous_room_id,
            )
        )

    def _record_created(self, now: datetime) -> None:
        self.record(
            EventCreated(
                occurred_at=now,
                event_id=self.id,
                calendar_id=self.calendar_id,
                organizer_id=self.organizer_id,
                title=self.title,
                starts_at=self.starts_at,
                ends_at=self.ends_at,
                room_id=self.room_id,
                reminders=self.reminders,
            )
        )

    @property
    def starts_at(self) -> datetime:
        """When the event starts (UTC)."""
        return self.time_range.starts_at

    @property
    def ends_at(self) -> datetime:
        """When the event ends (UTC)."""
        return self.time_range.ends_at

    @property
    def is_cancelled(self) -> bool:
        """Tell whether the event was called off."""
        return self.status is EventStatus.CANCELLED

    @property
    def participant_ids(self) -> tuple[UUID, ...]:
        """The invitees' user ids, in invitation order."""
        return tuple(participant.user_id for participant in self.participants)

    def participant(self, user_id: UUID) -> Participant | None:
        """Return the user's invitation, or None if they are not invited."""
        return next((p for p in self.participants if p.user_id == user_id), None)

    def visible_to(self, user_id: UUID, calendar: Calendar) -> bool:
        """Members of the event's calendar and its participants see it."""
        return calendar.can_read(user_id) or self.participant(user_id) is not None

    def editable_by(self, user_id: UUID, calendar: Calendar) -> bool:
        """The calendar's owners and editors change it, the organizer too only while still one of them.

        Calendar membership is the authority: an organizer removed from the calendar, or left there
        as a viewer, no longer does. Nobody changes an event of a read-only calendar: it mirrors
        another calendar, which alone changes it.
        """
        return not calendar.read_only and calendar.can_write(user_id)

    def ensure_visible_to(self, user_id: UUID, calendar: Calendar) -> None:
        """Refuse with NotFound anyone who may not see the event, so they cannot tell it exists."""
        if not self.visible_to(user_id, calendar):
            raise NotFound("event", self.id)

    def ensure_editable_by(self, user_id: UUID, calendar: Calendar) -> None:
        """Refuse with NotFound those who cannot see it and with PermissionDenied those who only see it."""
        self.ensure_visible_to(user_id, calendar)
        if not self.editable_by(user_id, calendar):
            raise PermissionDenied("only the organizer and the calendar's editors can change this event")

    def check_version(self, expected: int | None) -> None:
        """Refuse a change made against another version than the stored one (None: no precondition)."""
        if expected is not None and expected != self.version:
            raise StaleVersion(expected=expected, actual=self.version)

    def update(self, changes: EventChanges, *, by_user_id: UUID, now: datetime) -> tuple[str, ...]:
        """Apply an editor's changes, all or none; return the names of the event's own fields that changed."""
        self._ensure_not_cancelled()
        title = (
            self.title if changes.title is UNSET else label(changes.title, field="title", max_length=MAX_TITLE_LENGTH)
        )
        description = _unless_unset(changes.description, self.description, "description", MAX_DESCRIPTION_LENGTH)
        location = _unless_unset(changes.location, self.location, "location", MAX_LOCATION_LENGTH)
        all_day = self.all_day if changes.all_day is UNSET else changes.all_day
        timezone = self.timezone if changes.timezone is UNSET else changes.timezone
        starts_at = self.starts_at if changes.starts_at is UNSET else changes.starts_at
        ends_at = self.ends_at if changes.ends_at is UNSET else changes.ends_at
        if changes.start_date is not UNSET or changes.end_date is not UNSET:
            all_day = True
            first, end = local_dates(self.time_range, self.timezone)
            starts_at, ends_at = _date_slot(
                first if changes.start_date is UNSET else changes.start_date,
                end if changes.end_date is UNSET else changes.end_date,
                timezone,
            )
        time_range = event_slot(starts_at, ends_at, all_day=all_day, timezone=timezone)
        room_id = self.room_id if changes.room_id is UNSET else changes.room_id
        reminders = self.reminders if changes.reminders is UNSET else reminder_offsets(changes.reminders)
        if changes.invitees is not UNSET:
            _check_guest_count(changes.invitees)
        recurrence = self.recurrence if changes.recurrence is UNSET else changes.recurrence
        transparency = self.transparency if changes.transparency is UNSET else changes.transparency
        moved_by = self._start_moved_by(time_range, all_day=all_day, timezone=timezone)
        if recurrence is not None and moved_by:
            zone = time_zone(timezone)
            recurrence = _shifted(recurrence, moved_by, all_day=all_day).on_weekday_of(
                self.starts_at.astimezone(self.zone), time_range.starts_at.astimezone(zone)
            )
        if recurrence is not None:
            recurrence = _checked_series(recurrence, time_range, all_day=all_day, timezone=timezone)

        changed = tuple(
            name
            for name, old, new in (
                ("title", self.title, title),
                ("description", self.description, description),
                ("location", self.location, location),
                ("starts_at", self.starts_at, time_range.starts_at),
                ("ends_at", self.ends_at, time_range.ends_at),
                ("all_day", self.all_day, all_day),
                ("timezone", self.timezone, timezone),
                ("room_id", self.room_id, room_id),
                ("reminders", self.reminders, reminders),
                ("recurrence", self.recurrence, recurrence),
                ("transparency", self.transparency, transparency),
            )
            if old != new
        )
        previous_room_id = self.room_id
        if moved_by and self.overrides:
            self.overrides = {key + moved_by: override.moved_by(moved_by) for key, override in self.overrides.items()}
        self.title, self.description, self.location = title, description, location
        self.time_range, self.all_day, self.timezone = time_range, all_day, timezone
        self.room_id, self.reminders, self.recurrence = room_id, reminders, recurrence
        self.transparency = transparency
        guests_changed = False
        if changes.invitees is not UNSET:
            guests_changed = self._replace_guests(changes.invitees, by_user_id=by_user_id, now=now)
        if changed or guests_changed:
            self._bump(now)
        if changed:
            self._record_updated(changed, by_user_id=by_user_id, now=now, previous_room_id=previous_room_id)
        return changed

    def cancel(self, *, by_user_id: UUID, now: datetime) -> None:
        """Call the event off, which frees its room; cancelling twice changes nothing."""
        if self.is_cancelled:
            return
        self.status = EventStatus.CANCELLED
        self._bump(now)
        self._record_cancelled(by_user_id=by_user_id, now=now)

    def _record_cancelled(self, *, by_user_id: UUID, now: datetime, occurrence: Occurrence | None = None) -> None:
        """Record that the event (or, with `occurrence`, that occurrence of it) was called off."""
        shown = occurrence or self
        self.record(
            EventCancelled(
                occurred_at=now,
                affected_user_ids=self._audience(excluding=by_user_id),
                event_id=self.id,
                calendar_id=self.calendar_id,
                by_user_id=by_user_id,
                title=shown.title,
                starts_at=shown.starts_at,
                ends_at=shown.ends_at,
                recurrence_id=None if occurrence is None else occurrence.recurrence_id,
                room_id=shown.room_id,
            )
        )

    # Series: occurrences, one occurrence changed or cancelled, a series split in two.

    @property
    def zone(self) -> ZoneInfo:
        """The event's IANA zone, in which a series keeps its wall-clock time."""
        return ZoneInfo(self.timezone)

    @property
    def start_date(self) -> date | None:
        """An all-day event's first date; None for a timed one."""
        return local_dates(self.time_range, self.timezone)[0] if self.all_day else None

    @property
    def end_date(self) -> date | None:
        """The day after an all-day event's last date (exclusive); None for a timed one."""
        return local_dates(self.time_range, self.timezone)[1] if self.all_day else None

    def occurrences(self, *, before: datetime) -> list[Occurrence]:
        """The occurrences whose original start is before `before`, overrides applied; none once cancelled."""
        if self.is_cancelled:
            return []
        if self.recurrence is None:
            return [Occurrence(self, None, self.time_range)]
        return [self._occurrence_at(recurrence_id) for recurrence_id in self._recurrence_ids(before=before)]

    def occurrence(self, recurrence_id: datetime) -> Occurrence:
        """The occurrence with this recurrence id (original start); NotFound if the series has none such."""
        if self.recurrence is None or self.is_cancelled:
            raise NotFound("occurrence", recurrence_id.isoformat())
        wanted = self._recurrence_key(recurrence_id)
        if wanted not in self._recurrence_ids(before=wanted + timedelta(seconds=1)):
            raise NotFound("occurrence", recurrence_id.isoformat())
        return self._occurrence_at(wanted)

    def update_occurrence(
        self, recurrence_id: datetime, changes: EventChanges, *, by_user_id: UUID, now: datetime
    ) -> tuple[str, ...]:
        """Change one occurrence (an override keeps what it changes); return the names of what changed."""
        self._ensure_not_cancelled()
        occurrence = self.occurrence(recurrence_id)
        for name in changes.named():
            if name not in OCCURRENCE_FIELDS:
                raise InvalidInput(name, f"{name} is the series': change it for all occurrences or the following ones")
        override = self.overrides.get(occurrence.recurrence_id or recurrence_id)
        override = replace(override, responses=dict(override.responses)) if override else None
        override = override or Override(recurrence_id=self._recurrence_key(recurrence_id))
        title = _unless_unset(changes.title, occurrence.title, "title", MAX_TITLE_LENGTH)
        if changes.title is not UNSET:
            title = label(changes.title, field="title", max_length=MAX_TITLE_LENGTH)
        description = _unless_unset(changes.description, occurrence.description, "description", MAX_DESCRIPTION_LENGTH)
        location = _unless_unset(changes.location, occurrence.location, "location", MAX_LOCATION_LENGTH)
        time_range = event_slot(
            occurrence.starts_at if changes.starts_at is UNSET else changes.starts_at,
            occurrence.ends_at if changes.ends_at is UNSET else changes.ends_at,
            all_day=self.all_day,
            timezone=self.timezone,
        )
        room_id = occurrence.room_id if changes.room_id is UNSET else changes.room_id
        changed = tuple(
            name
            for name, old, new in (
                ("title", occurrence.title, title),
                ("description", occurrence.description, description),
                ("location", occurrence.location, location),
                ("starts_at", occurrence.starts_at, time_range.starts_at),
                ("ends_at", occurrence.ends_at, time_range.ends_at),
                ("room_id", occurrence.room_id, room_id),
            )
            if old != new
        )
        if not changed:
            return ()
        original = self._original_range(override.recurrence_id)
        override.title = None if title == self.title else title
        override.description = None if description == self.description else description
        override.location = None if location == self.location else location
        override.time_range = None if time_range == original else time_range
        override.room_changed, override.room_id = room_id != self.room_id, room_id
        self.overrides[override.recurrence_id] = override
        self._bump(now)
        self._record_updated(
            changed,
            by_user_id=by_user_id,
            now=now,
            occurrence=self._occurrence_at(override.recurrence_id),
            previous_room_id=occurrence.room_id,
        )
        return changed

    def cancel_occurrence(self, recurrence_id: datetime, *, by_user_id: UUID, now: datetime) -> None:
        """Call one occurrence off (an EXDATE), which frees its room; the rest of the series stays."""
        self._ensure_not_cancelled()
        occurrence = self.occurrence(recurrence_id)
        key = self._recurrence_key(recurrence_id)
        assert self.recurrence is not None
        skipped: RecurrenceDate = key.date() if self.all_day else key
        self.recurrence = replace(self.recurrence, exdates=(*self.recurrence.exdates, skipped))
        self.overrides.pop(key, None)
        self._bump(now)
        self._record_cancelled(by_user_id=by_user_id, now=now, occurrence=occurrence)

    def decline_room(self, recurrence_id: datetime, *, now: datetime) -> None:
        """Keep one occurrence without its room: the room was taken by the time the series' horizon reached it.

        An override with the room removed, told to the organizer; nothing changes if it holds no room.
        """
        occurrence = self.occurrence(recurrence_id)
        key, room_id = occurrence.recurrence_id, occurrence.room_id
        if key is None or room_id is None:
            return
        override = self.overrides.get(key) or Override(recurrence_id=key)
        self.overrides[key] = replace(override, room_changed=True, room_id=None, responses=dict(override.responses))
        self._bump(now)
        self.record(
            OccurrenceRoomDeclined(
                occurred_at=now,
                affected_user_ids=(self.organizer_id,),
                event_id=self.id,
                organizer_id=self.organizer_id,
                room_id=room_id,
                recurrence_id=key,
                title=occurrence.title,
                starts_at=occurrence.starts_at,
                ends_at=occurrence.ends_at,
            )
        )

    def split_at(self, recurrence_id: datetime, *, now: datetime) -> Self | None:
        """End the series before this occurrence and return a new series holding it and the following ones.

        None when it is the first occurrence: "this and the following" is then the whole series.
        Overrides, EXDATEs and RDATEs from the occurrence on move to the new series; COUNT is shared.
        """
        self._ensure_not_cancelled()
        following = self.recurrence_from(recurrence_id)
        key = self._recurrence_key(recurrence_id)
        assert self.recurrence is not None
        if key <= self._first_recurrence_id():
            return None
        recurrence = self.recurrence
        if self.all_day:
            until = (key.date() - timedelta(days=1)).strftime("%Y%m%d")
        else:
            until = (key - timedelta(seconds=1)).strftime("%Y%m%dT%H%M%SZ")
        cut = key.date() if self.all_day else key

        def _before(value: RecurrenceDate) -> bool:
            return value < cut  # dates with dates, datetimes with datetimes

        series = type(self)(
            id=new_id(now),
            calendar_id=self.calendar_id,
            organizer_id=self.organizer_id,
            title=self.title,
            description=self.description,
            location=self.location,
            time_range=self._original_range(key),
            all_day=self.all_day,
            timezone=self.timezone,
            room_id=self.room_id,
            participants=list(self.participants),
            reminders=self.reminders,
            created_at=now,
            updated_at=now,
            transparency=self.transparency,
            recurrence=following,
            overrides={k: o for k, o in self.overrides.items() if k >= key},
        )
        self.recurrence = replace(
            recurrence.with_parts(COUNT=None, UNTIL=until),
            exdates=tuple(d for d in recurrence.exdates if _before(d)),
            rdates=tuple(d for d in recurrence.rdates if _before(d)),
        )
        self.overrides = {k: o for k, o in self.overrides.items() if k < key}
        self._bump(now)
        series._record_created(now)
        return series

    def recurrence_from(self, recurrence_id: datetime) -> Recurrence:
        """How the series repeats from this occurrence on: what a split there leaves to the following ones.

        COUNT less the occurrences before it; the EXDATEs and RDATEs from it on. NotFound if there is
        no such occurrence.
        """
        self.occurrence(recurrence_id)
        key = self._recurrence_key(recurrence_id)
        recurrence = self.recurrence
        assert recurrence is not None
        if key <= self._first_recurrence_id():
            return recurrence
        produced_before = len(self._recurrence_ids(before=key, recurrence=Recurrence(recurrence.rule)))
        cut = key.date() if self.all_day else key

        def _from_cut(value: RecurrenceDate) -> bool:
            return value >= cut  # dates with dates, datetimes with datetimes

        return replace(
            recurrence.with_parts(
                COUNT=str(recurrence.count - produced_before) if recurrence.count is not None else None
            ),
            exdates=tuple(d for d in recurrence.exdates if _from_cut(d)),
            rdates=tuple(d for d in recurrence.rdates if _from_cut(d)),
        )

    def _checked_recurrence(self, recurrence: Recurrence | None) -> Recurrence | None:
        if recurrence is None:
            return None
        return _checked_series(recurrence, self.time_range, all_day=self.all_day, timezone=self.timezone)

    def _recurrence_key(self, recurrence_id: datetime) -> datetime:
        """The recurrence id as stored: UTC, and 00:00 UTC of its date for an all-day series."""
        if recurrence_id.tzinfo is None:
            recurrence_id = recurrence_id.replace(tzinfo=UTC)
        if self.all_day:
            return date_recurrence_id(recurrence_id.astimezone(UTC).date())
        return recurrence_id.astimezone(UTC)

    def _first_recurrence_id(self) -> datetime:
        if self.all_day:
            first = self.start_date
            assert first is not None
            return date_recurrence_id(first)
        return self.starts_at

    def _recurrence_ids(self, *, before: datetime, recurrence: Recurrence | None = None) -> list[datetime]:
        recurrence = recurrence or self.recurrence
        assert recurrence is not None
        if self.all_day:
            first = self.start_date
            assert first is not None
            last = before.astimezone(UTC).date() + (timedelta(days=1) if before.time() != time(0) else timedelta())
            return [date_recurrence_id(day) for day in recurrence.date_starts(first, before=last)]
        return recurrence.timed_starts(self.starts_at, self.zone, before=before)

    def _original_range(self, recurrence_id: datetime) -> TimeRange:
        """Where the occurrence with this recurrence id falls when nothing overrides it."""
        zone = self.zone
        if self.all_day:
            first, end = local_dates(self.time_range, self.timezone)
            day = recurrence_id.date()
            return TimeRange(
                datetime.combine(day, time(0), tzinfo=zone),
                datetime.combine(day + (end - first), time(0), tzinfo=zone),
            )
        local_start = recurrence_id.astimezone(zone)
        nominal = self.ends_at.astimezone(zone).replace(tzinfo=None) - self.starts_at.astimezone(zone).replace(
            tzinfo=None
        )
        ends_at = (local_start.replace(tzinfo=None) + nominal).replace(tzinfo=zone)
        if ends_at <= local_start:
            ends_at = local_start + self.time_range.duration
        return TimeRange(recurrence_id, ends_at)

    def _occurrence_at(self, recurrence_id: datetime) -> Occurrence:
        override = self.overrides.get(recurrence_id)
        span = override.time_range if override is not None and override.time_range is not None else None
        return Occurrence(self, recurrence_id, span or self._original_range(recurrence_id), override)

    def _start_moved_by(self, time_range: TimeRange, *, all_day: bool, timezone: str) -> timedelta:
        if self.recurrence is None or all_day != self.all_day:
            return timedelta()
        if all_day:
            old_first = self.start_date
            new_first = local_dates(time_range, timezone)[0]
            assert old_first is not None
            return timedelta(days=(new_first - old_first).days)
        return time_range.starts_at - self.starts_at

    def add_participant(self, invitee: Invitee, *, by_user_id: UUID, now: datetime) -> bool:
        """Invite someone; return False (and change nothing) if they already are invited."""
        self._ensure_not_cancelled()
        if self.participant(invitee.user_id) is not None:
            return False
        _check_guest_count([*self.participants, invitee])
        self._invite(invitee, by_user_id=by_user_id, now=now)
        self._bump(now)
        return True

    def remove_participant(self, user_id: UUID, *, by_user_id: UUID, now: datetime) -> None:
        """Take someone off the guest list."""
        self._ensure_not_cancelled()
        if self.participant(user_id) is None:
            raise NotFound("participant", user_id)
        self._uninvite(user_id, by_user_id=by_user_id, now=now)
        self._bump(now)

    def respond(
        self, user_id: UUID, status: ParticipantStatus, *, now: datetime, recurrence_id: datetime | None = None
    ) -> None:
        """Record an invitee's answer (accepted, declined or tentative), for the series or one occurrence."""
        self._ensure_not_cancelled()
        if status not in ANSWERS:
            raise InvalidInput("status", "status must be accepted, declined or tentative")
        if self.participant(user_id) is None:
            raise PermissionDenied("only invited participants can respond to this event")
        key = None
        if recurrence_id is not None:
            occurrence = self.occurrence(recurrence_id)
            key = occurrence.recurrence_id
            current = occurrence.participant(user_id)
            assert current is not None
            assert key is not None
            if current.status is status:
                return
            override = self.overrides.get(key) or Override(recurrence_id=key)
            self.overrides[key] = replace(override, responses={**override.responses, user_id: status})
        else:
            current = self.participant(user_id)
            assert current is not None
            if current.status is status:
                return
            self.participants = [replace(p, status=status) if p.user_id == user_id else p for p in self.participants]
        self._bump(now)
        self.record(
            ParticipantResponded(
                occurred_at=now,
                affected_user_ids=audience([self.organizer_id], excluding=user_id),
                event_id=self.id,
                user_id=user_id,
                organizer_id=self.organizer_id,
                status=status,
                title=self.title,
                recurrence_id=key,
            )
        )

    def _ensure_not_cancelled(self) -> None:
        if self.is_cancelled:
            raise EventIsCancelled(self.id)

    def _bump(self, now: datetime) -> None:
        self.version += 1
        self.updated_at = now

    def _audience(self, *, excluding: UUID) -> tuple[UUID, ...]:
        return audience([self.organizer_id, *self.participant_ids], excluding=excluding)

    def _invite(self, invitee: Invitee, *, by_user_id: UUID, now: datetime) -> None:
        if self.participant(invitee.user_id) is not None:
            return
        is_organizer = invitee.user_id == self.organizer_id
        status = ParticipantStatus.ACCEPTED if is_organizer else ParticipantStatus.NEEDS_ACTION
        self.participants.append(
            Participant(user_id=invitee.user_id, email=invitee.email, name=invitee.name, status=status)
        )
        if is_organizer:
            return
        self.record(
            ParticipantInvited(
                occurred_at=now,
                affected_user_ids=audience([invitee.user_id], excluding=by_user_id),
                event_id=self.id,
                user_id=invitee.user_id,
                by_user_id=by_user_id,
                title=self.title,
                starts_at=self.starts_at,
                ends_at=self.ends_at,
            )
        )

    def _uninvite(self, user_id: UUID, *, by_user_id: UUID, now: datetime) -> None:
        self.participants = [p for p in self.participants if p.user_id != user_id]
        self.record(
            ParticipantRemoved(
                occurred_at=now,
                affected_user_ids=audience([user_id], excluding=by_user_id),
                event_id=self.id,
                user_id=user_id,
                by_user_id=by_user_id,
                title=self.title,
            )
        )

    def _replace_guests(self, invitees: Iterable[Invitee], *, by_user_id: UUID, now: datetime) -> bool:
        wanted = {invitee.user_id: invitee for invitee in invitees}
        leaving = [user_id for user_id in self.participant_ids if user_id not in wanted]
        arriving = [invitee for user_id, invitee in wanted.items() if self.participant(user_id) is None]
        for user_id in leaving:
            self._uninvite(user_id, by_user_id=by_user_id, now=now)
        for invitee in arriving:
            self._invite(invitee, by_user_id=by_user_id, now=now)
        return bool(leaving or arriving)


class _MirroredFields(TypedDict):
    title: str
    description: str
    location: str
    time_range: TimeRange
    all_day: bool
    timezone: str


def _mirrored_fields(remote: RemoteEvent) -> _MirroredFields:
    if remote.cancelled or remote.starts_at is None:
        raise InvalidInput("starts_at", "only a live event with a start is mirrored")
    ends_at = remote.ends_at if remote.ends_at is not None and remote.ends_at > remote.starts_at else None
    return {
        "title": (remote.title.strip() or MIRROR_UNTITLED)[:MAX_TITLE_LENGTH],
        "description": remote.description[:MAX_DESCRIPTION_LENGTH],
        "location": remote.location[:MAX_LOCATION_LENGTH],
        "time_range": TimeRange(remote.starts_at, ends_at or remote.starts_at + MIRROR_MIN_LENGTH),
        "all_day": remote.all_day,
        "timezone": remote.timezone[:MAX_TIMEZONE_LENGTH],
    }


def _mirrored_recurrence(remote: Recurrence | None, mirrored: Recurrence | None) -> Recurrence | None:
    """A mirrored series' recurrence: Google's rule, with the occurrences its exceptions skipped or added kept."""
    if remote is None or mirrored is None:
        return remote
    return replace(
        remote,
        exdates=tuple(dict.fromkeys((*remote.exdates, *mirrored.exdates))),
        rdates=tuple(dict.fromkeys((*remote.rdates, *mirrored.rdates))),
    )


def _unless_unset(value: str | UnsetType, current: str, field: str, max_length: int) -> str:
    return current if value is UNSET else bounded_text(value, field=field, max_length=max_length)


def _check_guest_count(invitees: Sequence[object]) -> None:
    if len(invitees) > MAX_PARTICIPANTS:
        raise InvalidInput("participants", f"an event has at most {MAX_PARTICIPANTS} participants")


def _new_slot(new: NewEvent, timezone: str) -> TimeRange:
    """The slot of a new event: from its dates when all-day by date, else from its start and end."""
    if new.start_date is not None or new.end_date is not None:
        if new.start_date is None or new.end_date is None:
            raise InvalidInput("end_date", "an all-day event gives both start_date and end_date")
        starts_at, ends_at = _date_slot(new.start_date, new.end_date, timezone)
        return event_slot(starts_at, ends_at, all_day=True, timezone=timezone)
    if new.starts_at is None or new.ends_at is None:
        raise InvalidInput("starts_at", "give starts_at and ends_at, or start_date and end_date for an all-day event")
    return event_slot(new.starts_at, new.ends_at, all_day=new.all_day, timezone=timezone)


def _date_slot(first: date, end: date, timezone: str) -> tuple[datetime, datetime]:
    """The instants of an all-day span [first, end) in its zone; InvalidInput unless it ends after it starts."""
    if end <= first:
        raise InvalidInput("end_date", "end_date (exclusive) must be after start_date")
    zone = time_zone(timezone)
    return datetime.combine(first, time(0), tzinfo=zone), datetime.combine(end, time(0), tzinfo=zone)


def _shifted(recurrence: Recurrence, delta: timedelta, *, all_day: bool) -> Recurrence:
    """The recurrence of a series whose first start moved by `delta`: its EXDATEs and RDATEs move with it."""

    def moved(value: RecurrenceDate) -> RecurrenceDate:
        if all_day and not isinstance(value, datetime):
            return value + timedelta(days=delta.days)
        return value + delta

    return replace(
        recurrence,
        exdates=tuple(moved(d) for d in recurrence.exdates),
        rdates=tuple(moved(d) for d in recurrence.rdates),
    )


def _checked_series(recurrence: Recurrence, time_range: TimeRange, *, all_day: bool, timezone: str) -> Recurrence:
    """The recurrence once it is known to expand from the series' first start (dates for an all-day series)."""
    if all_day:
        as_dates = replace(
            recurrence,
            exdates=tuple(d.date() if isinstance(d, datetime) else d for d in recurrence.exdates),
            rdates=tuple(d.date() if isinstance(d, datetime) else d for d in recurrence.rdates),
        )
        check_first_occurrence(as_dates, local_dates(time_range, timezone)[0], ZoneInfo(timezone))
        return as_dates
    for value in (*recurrence.exdates, *recurrence.rdates):
        if not isinstance(value, datetime):
            raise InvalidInput("recurrence.exdates", "exdates and rdates of a timed series are times, not dates")
    check_first_occurrence(recurrence, time_range.starts_at, ZoneInfo(timezone))
    return recurrence
