"""Domain events: facts in the past tense that aggregates record and the outbox stores as JSON."""

import dataclasses
import enum
import types
import typing
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Self
from uuid import UUID

from domain.json_value import JsonObject, JsonValue

_EVENT_TYPES: dict[str, type["DomainEvent"]] = {}


@dataclass(frozen=True, kw_only=True)
class DomainEvent:
    """Base of every domain event; subclasses set `name`, the key stored in the outbox."""

    name: ClassVar[str] = "domain_event"

    occurred_at: datetime
    affected_user_ids: tuple[UUID, ...] = ()
    """The users to tell about it; whoever caused it is left out."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.name in _EVENT_TYPES and _EVENT_TYPES[cls.name] is not cls:
            raise TypeError(f"two domain events are named {cls.name!r}")
        _EVENT_TYPES[cls.name] = cls

    def to_dict(self) -> JsonObject:
        """Return the event's fields as a JSON-able payload (ids and times as strings)."""
        return {item.name: _encode(getattr(self, item.name)) for item in dataclasses.fields(self)}

    @classmethod
    def from_dict(cls, payload: JsonObject) -> Self:
        """Rebuild an event of this class from `to_dict()`'s payload."""
        hints = typing.get_type_hints(cls)
        values = {item.name: _decode(hints[item.name], payload[item.name]) for item in dataclasses.fields(cls)}
        return cls(**values)


def domain_event_from_dict(name: str, payload: JsonObject) -> DomainEvent:
    """Rebuild a stored event from its outbox name and payload."""
    try:
        event_type = _EVENT_TYPES[name]
    except KeyError:
        raise LookupError(f"no domain event is named {name!r}") from None
    return event_type.from_dict(payload)


@dataclass(kw_only=True, eq=False)
class Aggregate:
    """An entity that records the domain events its changes cause, until a unit of work pulls them."""

    _recorded: list[DomainEvent] = field(default_factory=list, init=False, repr=False, compare=False)

    def record(self, event: DomainEvent) -> None:
        """Remember that `event` happened to this aggregate."""
        self._recorded.append(event)

    @property
    def pending_events(self) -> tuple[DomainEvent, ...]:
        """The events recorded and not pulled yet."""
        return tuple(self._recorded)

    def pull_events(self) -> list[DomainEvent]:
        """Hand over the recorded events, oldest first, and forget them."""
        events, self._recorded = self._recorded, []
        return events


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
