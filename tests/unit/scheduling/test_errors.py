import json
from uuid import uuid4

from domain.errors import (
    Conflict,
    DomainError,
    EmailAlreadyRegistered,
    InvalidCredentials,
    InvalidInput,
    NotFound,
    RoomAlreadyBooked,
    StaleVersion,
)
from entrypoints.http.errors import problem_extensions
from tests.unit.scheduling.factories import at


def test_room_conflict_names_the_room_and_the_slot_in_the_way() -> None:
    room_id, event_id = uuid4(), uuid4()
    error = RoomAlreadyBooked(room_id, at(10), at(11), conflicting_event_id=event_id)
    assert isinstance(error, Conflict)
    assert problem_extensions(error) == {
        "room_id": str(room_id),
        "conflicting_slot": {"starts_at": "2026-11-23T10:00:00+00:00", "ends_at": "2026-11-23T11:00:00+00:00"},
        "conflicting_event_id": str(event_id),
        "more_conflicts": 0,
    }


def test_invalid_input_names_its_field_in_the_problem_body() -> None:
    error = InvalidInput("title", "title must not be empty")
    assert (error.detail, problem_extensions(error)["field"]) == ("title must not be empty", "title")
    assert problem_extensions(error)["invalid_params"] == [{"name": "title", "reason": "title must not be empty"}]


def test_stale_version_gives_both_versions() -> None:
    assert problem_extensions(StaleVersion(expected=2, actual=3)) == {"expected_version": 2, "current_version": 3}


def test_every_error_has_a_detail_and_json_able_extensions() -> None:
    errors: list[DomainError] = [
        NotFound("event", uuid4()),
        InvalidInput("email", "bad"),
        InvalidCredentials(),
        StaleVersion(expected=1, actual=2),
        EmailAlreadyRegistered("ada@example.com"),
        RoomAlreadyBooked(uuid4(), at(10), at(11)),
    ]
    for error in errors:
        assert error.detail
        assert str(error) == error.detail
        json.dumps(problem_extensions(error))
