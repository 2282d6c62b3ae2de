"""How a domain event is spelled in an outbox row: its name and a JSON payload of its fields.

The event types are listed here explicitly, so decoding a row never depends on which domain modules
happen to have been imported (a registry filled by subclassing would).
"""

import dataclasses
import enum
import types
import typing
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.domain_events import DomainEvent
from domain.json_value import JsonObject, JsonValue
from domain.notifications.email import EmailQueued
from domain.scheduling.domain_events import (
    CalendarCreated,
    CalendarDeleted,
    CalendarShared,
    CalendarUnshared,
    CalendarUpdated,
    EventCancelled,
    EventCreated,
    EventUpdated,
    OccurrenceRoomDeclined,
    ParticipantInvited,
    ParticipantRemoved,
    ParticipantResponded,
    UserPromoted,
    UserRegistered,
)

EVENT_TYPES: tuple[type[DomainEvent], ...] = (
    UserRegistered,
    UserPromoted,
    CalendarCreated,
    CalendarUpdated,
    CalendarShared,
    CalendarUnshared,
    CalendarDeleted,
    EventCreated,
    EventUpdated,
    EventCancelled,
    ParticipantInvited,
    ParticipantRemoved,
    ParticipantResponded,
    OccurrenceRoomDeclined,
    EmailQueued,
)
"""Every domain event the outbox stores; a new event type is added here."""


def _by_name(event_types: tuple[type[DomainEvent], ...]) -> dict[str, type[DomainEvent]]:
    named: dict[str, type[DomainEvent]] = {}
    for event_type in event_types:
        if event_type.name in named:
            raise TypeError(f"two domain events are named {event_type.name!r}")
        named[event_type.name] = event_type
    return named


_BY_NAME = _by_name(EVENT_TYPES)


def encode_event(event: DomainEvent) -> JsonObject:
    """Return the event's fields as a JSON-able payload (ids and times as strings)."""
    return {item.name: _encode(getattr(event, item.name)) for item in dataclasses.fields(event)}


def decode_event(name: str, payload: JsonObject) -> DomainEvent:
    """Rebuild a stored event from its outbox name and `encode_event`'s payload."""
    try:
        event_type = _BY_NAME[name]
    except KeyError:
        raise LookupError(f"no domain event is named {name!r}") from None
    hints = typing.get_type_hints(event_type)
    # A field added since the event was stored has a default, and is missing from the payload.
    values = {
        item.name: _decode(hints[item.name], payload[item.name])
        for item in dataclasses.fields(event_type)
        if item.name in payload
    }
    return event_type(**values)


def _encode(value: object) -> JsonValue:
    match value:
        case None | bool() | int() | float() | str():
            return value
        case UUID():
            return str(value)
        case datetime():
            return value.isoformat()
        case enum.Enum():
            return _encode(value.value)
        case tuple() | list():
            return [_encode(item) for item in value]
    raise TypeError(f"cannot put a {type(value).__name__} in an event payload")


def _decode(annotation: Any, raw: JsonValue) -> Any:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        options = [option for option in typing.get_args(annotation) if option is not type(None)]
        return None if raw is None else _decode(options[0], raw)
    if origin is tuple:
        item_type = typing.get_args(annotation)[0]
        if not isinstance(raw, list):
            raise TypeError(f"expected a list for {annotation}, got {raw!r}")
        return tuple(_decode(item_type, item) for item in raw)
    if annotation is UUID:
        return UUID(str(raw))
    if annotation is datetime:
        return datetime.fromisoformat(str(raw))
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return annotation(raw)
    return raw
