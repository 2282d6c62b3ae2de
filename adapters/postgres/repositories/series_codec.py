"""A series' recurrence and overrides as JSON columns of `events`, and its occurrences as rows."""

from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from domain.scheduling.event import Event
from domain.scheduling.occurrence import Override
from domain.scheduling.participant import ParticipantStatus
from domain.scheduling.recurrence import Recurrence, RecurrenceDate
from domain.scheduling.time_range import TimeRange


def recurrence_to_json(recurrence: Recurrence | None) -> dict[str, Any] | None:
    """The `events.recurrence` value."""
    if recurrence is None:
        return None
    return {
        "rule": recurrence.rule,
        "exdates": [d.isoformat() for d in recurrence.exdates],
        "rdates": [d.isoformat() for d in recurrence.rdates],
    }


def recurrence_from_json(value: dict[str, Any] | None) -> Recurrence | None:
    """The recurrence stored in `events.recurrence` (trusted: it was checked when written)."""
    if value is None:
        return None
    return Recurrence(
        value["rule"],
        tuple(_recurrence_date(d) for d in value.get("exdates", ())),
        tuple(_recurrence_date(d) for d in value.get("rdates", ())),
    )


def overrides_to_json(overrides: dict[datetime, Override]) -> list[dict[str, Any]]:
    """The `events.overrides` value: one object per occurrence that changes something (answers included)."""
    return [
        {
            "recurrence_id": override.recurrence_id.isoformat(),
            "title": override.title,
            "description": override.description,
            "location": override.location,
            "starts_at": None if override.time_range is None else override.time_range.starts_at.isoformat(),
            "ends_at": None if override.time_range is None else override.time_range.ends_at.isoformat(),
            "room_changed": override.room_changed,
            "room_id": None if override.room_id is None else str(override.room_id),
            "responses": {str(user_id): status.value for user_id, status in override.responses.items()},
        }
        for override in overrides.values()
    ]


def overrides_from_json(value: list[dict[str, Any]] | None) -> dict[datetime, Override]:
    """The overrides stored in `events.overrides`, by recurrence id."""
    overrides: dict[datetime, Override] = {}
    for item in value or ():
        recurrence_id = datetime.fromisoformat(item["recurrence_id"])
        starts_at, ends_at = item.get("starts_at"), item.get("ends_at")
        overrides[recurrence_id] = Override(
            recurrence_id=recurrence_id,
            title=item.get("title"),
            description=item.get("description"),
            location=item.get("location"),
            time_range=None
            if starts_at is None or ends_at is None
            else TimeRange(datetime.fromisoformat(starts_at), datetime.fromisoformat(ends_at)),
            room_changed=bool(item.get("room_changed")),
            room_id=None if item.get("room_id") is None else UUID(item["room_id"]),
            responses={UUID(k): ParticipantStatus(v) for k, v in (item.get("responses") or {}).items()},
        )
    return overrides


def occurrence_rows(event: Event, *, horizon: timedelta) -> list[dict[str, Any]]:
    """The `event_occurrences` rows of an event: its occurrences up to `horizon` past its last change.

    A series that starts later than that is stored up to `horizon` past its start, so its first
    occurrences (and the rooms they hold) are there however far ahead it begins.
    """
    return occurrence_rows_before(event, max(event.updated_at, event.starts_at) + horizon)


def occurrence_rows_before(event: Event, before: datetime) -> list[dict[str, Any]]:
    """The `event_occurrences` rows of an event's occurrences whose original start is before `before`."""
    rows = []
    for occurrence in event.occurrences(before=before):
        rows.append(
            {
                "event_id": event.id,
                "recurrence_id": occurrence.recurrence_id or event.starts_at,
                "calendar_id": event.calendar_id,
                "starts_at": occurrence.starts_at,
                "ends_at": occurrence.ends_at,
                "start_date": occurrence.start_date,
                "end_date": occurrence.end_date,
                "room_id": occurrence.room_id,
            }
        )
    return rows


def _recurrence_date(value: str) -> RecurrenceDate:
    return date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
