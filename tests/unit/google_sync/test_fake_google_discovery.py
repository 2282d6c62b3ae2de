"""The fake Google refuses what Google would: requests checked against Calendar API v3's discovery document."""

import json

import pytest

from tests.fakes.google_discovery import violations


def test_the_requests_planner_sends_are_what_google_accepts() -> None:
    listing = {"showDeleted": ["true"], "maxResults": ["2500"], "syncToken": ["t"], "pageToken": ["p"], "alt": ["json"]}
    watch = {"id": "c1", "type": "web_hook", "address": "https://planner.example/webhook", "token": "x"}
    assert violations("GET", "calendars/primary/events", listing, b"") == []
    assert violations("GET", "users/me/calendarList", {"maxResults": ["250"]}, b"") == []
    assert violations("POST", "calendars/work%40x/events/watch", {}, json.dumps(watch).encode()) == []
    assert violations("POST", "channels/stop", {}, json.dumps({"id": "c1", "resourceId": "r"}).encode()) == []


def test_the_writes_of_write_back_are_what_google_accepts_nulls_clearing_the_other_kind_of_start() -> None:
    marked = {"extendedProperties": {"private": {"planner_event_id": "e1"}}}
    insert = {"summary": "Review", "start": {"dateTime": "2026-12-01T09:00:00Z"}, "end": {"date": None}, **marked}
    all_day = {"start": {"date": "2026-12-01", "dateTime": None, "timeZone": None}, "recurrence": None}
    search = {"privateExtendedProperty": ["planner_event_id=e1"], "showDeleted": ["true"]}
    assert violations("POST", "calendars/primary/events", {}, json.dumps(insert).encode()) == []
    assert violations("PATCH", "calendars/primary/events/abc", {}, json.dumps(all_day).encode()) == []
    assert violations("GET", "calendars/primary/events", search, b"") == []
    assert violations("DELETE", "calendars/primary/events/abc", {}, b"") == []


@pytest.mark.parametrize(
    ("method", "route", "query", "body", "complaint"),
    [
        ("GET", "calendars/primary/events", {"singleEvent": ["true"]}, b"", "unknown query parameter 'singleEvent'"),
        ("GET", "calendars/primary/events", {"maxResults": ["0"]}, b"", "is below 1"),
        ("GET", "calendars/primary/events", {"showDeleted": ["yes"]}, b"", "is not a boolean"),
        ("GET", "calendars/primary/events", {"orderBy": ["title"]}, b"", "is not one of"),
        ("GET", "calendars/primary/events", {"syncToken": ["t"], "timeMin": ["x"]}, b"", "cannot go with syncToken"),
        ("GET", "calendars/primary/nothing", {}, b"", "no such method"),
        ("POST", "calendars/primary/events/watch", {}, b'{"id": "c", "type": "web_hook"}', "'address' missing"),
        ("POST", "channels/stop", {}, b'{"id": "c", "resource": "r"}', "unknown body field 'resource'"),
        ("POST", "calendars/primary/events/quickAdd", {}, b"", "required query parameter 'text' missing"),
        ("POST", "calendars/primary/events", {}, b'{"start": {"dateTimes": "x"}}', "unknown body field 'dateTimes'"),
    ],
)
def test_a_request_google_would_refuse_is_named_for_what_is_wrong(
    method: str, route: str, query: dict[str, list[str]], body: bytes, complaint: str
) -> None:
    found = violations(method, route, query, body)
    assert any(complaint in problem for problem in found), found
