"""Which webhook messages a domain event gives rise to, what they say, and whose they are (for scopes).

The `data` of each message is the public contract receivers code against: ids and ISO 8601 times
as strings, named as in the REST API.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.domain_events import DomainEvent
from domain.json_value import JsonObject
from domain.scheduling.domain_events import EventCancelled, EventCreated, EventUpdated, ParticipantResponded
from domain.scheduling.event import Event
from domain.webhooks.subscription import WebhookEventType, WebhookScope, WebhookSubscription

T = WebhookEventType


@dataclass(frozen=True, kw_only=True)
class Whose:
    """What a scope is judged on: the calendar the event is in, and the people in it (organizer, guests)."""

    calendar_id: UUID | None
    people: frozenset[UUID]

    @classmethod
    def of_event(cls, event: Event) -> Whose:
        return cls(
            calendar_id=event.calendar_id,
            people=frozenset([event.organizer_id, *(guest.user_id for guest in event.participants)]),
        )


@dataclass(frozen=True, kw_only=True)
class Draft:
    """A message before it has its subscriptions: type, data, the fact it tells, and whose it is."""

    type: WebhookEventType
    occurred_at: datetime
    data: JsonObject
    source_key: str
    whose: Whose


def in_scope(subscription: WebhookSubscription, whose: Whose) -> bool:
    """Whether a message about something `whose` reaches this subscription."""
    match subscription.scope:
        case WebhookScope.EVERYTHING:
            return True
        case WebhookScope.CALENDAR:
            return whose.calendar_id is not None and whose.calendar_id == subscription.calendar_id
        case WebhookScope.MY_EVENTS:
            return subscription.owner_id in whose.people


def event_types_of(event: DomainEvent) -> tuple[WebhookEventType, ...]:
    """The webhook event types `event` may give rise to (before looking at the event as it stands)."""
    match event:
        case EventCreated():
            return (T.EVENT_CREATED, T.ROOM_BOOKED)
        case EventUpdated():
            return (T.EVENT_UPDATED, T.ROOM_BOOKED, T.ROOM_RELEASED)
        case EventCancelled():
            return (T.EVENT_CANCELLED, T.ROOM_RELEASED)
        case ParticipantResponded():
            return (T.PARTICIPANT_RESPONDED,)
    return ()


def event_id_of(event: DomainEvent) -> UUID | None:
    """The calendar event a domain event is about, if it is one webhooks tell."""
    if isinstance(event, EventCreated | EventUpdated | EventCancelled | ParticipantResponded):
        return event.event_id
    return None


def drafts_about(event: DomainEvent, current: Event | None) -> list[Draft]:
    """The messages `event` gives rise to; `current` is the calendar event as it stands (None if it is gone)."""
    whose = Whose.of_event(current) if current is not None else Whose(calendar_id=None, people=frozenset())
    if isinstance(event, EventUpdated | EventCancelled):
        whose = Whose(calendar_id=event.calendar_id, people=whose.people)
    match event:
        case EventCreated():
            data = _event_data(event) | {"organizer_id": str(event.organizer_id), "room_id": _id(event.room_id)}
            whose = Whose(calendar_id=event.calendar_id, people=whose.people | {event.organizer_id})
            told = _draft(T.EVENT_CREATED, event, data, f"{event.name}:{event.event_id}", whose)
            return [told, *_room(T.ROOM_BOOKED, event.room_id, told)]
        case EventUpdated():
            data = _event_data(event) | {
                "changed_fields": list(event.changed_fields),
                "version": event.version,
                "recurrence_id": _time(event.recurrence_id),
                "room_id": _id(event.room_id),
            }
            key = f"{event.name}:{event.event_id}:{event.version}:{_time(event.recurrence_id)}"
            told = _draft(T.EVENT_UPDATED, event, data, key, whose)
            if "room_id" not in event.changed_fields:
                return [told]
            # A room swapped for another: the old one is free again, the new one booked.
            released = _room(T.ROOM_RELEASED, event.previous_room_id, told)
            return [told, *released, *_room(T.ROOM_BOOKED, event.room_id, told)]
        case EventCancelled():
            data = _event_data(event) | {"recurrence_id": _time(event.recurrence_id), "room_id": _id(event.room_id)}
            key = f"{event.name}:{event.event_id}:{_time(event.recurrence_id)}"
            told = _draft(T.EVENT_CANCELLED, event, data, key, whose)
            return [told, *_room(T.ROOM_RELEASED, event.room_id, told)]
        case ParticipantResponded():
            data = {
                "event_id": str(event.event_id),
                "user_id": str(event.user_id),
                "organizer_id": str(event.organizer_id),
                "status": event.status.value,
                "title": event.title,
                "recurrence_id": _time(event.recurrence_id),
            }
            key = f"{event.name}:{event.event_id}:{event.user_id}:{event.status.value}:{event.occurred_at.isoformat()}"
            return [_draft(T.PARTICIPANT_RESPONDED, event, data, key, whose)]
    return []


def notification_draft(
    *, notification_id: UUID, user_id: UUID, kind: str, title: str, message: str, event_id: UUID | None, at: datetime
) -> Draft:
    """The notification.created message of a stored notification: it is its reader's."""
    data: JsonObject = {
        "notification_id": str(notification_id),
        "user_id": str(user_id),
        "type": kind,
        "title": title,
        "message": message,
        "event_id": _id(event_id),
    }
    return Draft(
        type=T.NOTIFICATION_CREATED,
        occurred_at=at,
        data=data,
        source_key=f"notification:{notification_id}",
        whose=Whose(calendar_id=None, people=frozenset([user_id])),
    )


def wanted(drafts: Iterable[Draft]) -> tuple[WebhookEventType, ...]:
    """The distinct event types of these drafts."""
    return tuple(dict.fromkeys(draft.type for draft in drafts))


def _event_data(event: EventCreated | EventUpdated | EventCancelled) -> JsonObject:
    return {
        "event_id": str(event.event_id),
        "calendar_id": str(event.calendar_id),
        "title": event.title,
        "starts_at": event.starts_at.isoformat(),
        "ends_at": event.ends_at.isoformat(),
    }


def _draft(kind: WebhookEventType, event: DomainEvent, data: JsonObject, key: str, whose: Whose) -> Draft:
    return Draft(type=kind, occurred_at=event.occurred_at, data=data, source_key=key, whose=whose)


def _room(kind: WebhookEventType, room_id: UUID | None, told: Draft) -> list[Draft]:
    """The room.booked or room.released message that goes with `told`, if a room is concerned."""
    if room_id is None:
        return []
    data: JsonObject = {
        "room_id": str(room_id),
        "event_id": told.data["event_id"],
        "starts_at": told.data["starts_at"],
        "ends_at": told.data["ends_at"],
        "recurrence_id": told.data.get("recurrence_id"),
    }
    return [
        Draft(
            type=kind,
            occurred_at=told.occurred_at,
            data=data,
            source_key=f"{kind.value}:{told.source_key}",
            whose=told.whose,
        )
    ]


def _id(value: UUID | None) -> str | None:
    return None if value is None else str(value)


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()
