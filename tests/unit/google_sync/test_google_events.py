"""Google's event resources in planner's terms, and tokens that never show in logs."""

from datetime import UTC, date, datetime

from adapters.google.calendar_api import remote_event
from adapters.google.token_cipher import TokenCipher
from domain.google_sync.model import GoogleTokens


def test_a_timed_event_keeps_its_instant_and_zone() -> None:
    event = remote_event(
        {
            "id": "e1",
            "status": "confirmed",
            "summary": "Standup",
            "location": "Room 1",
            "start": {"dateTime": "2026-11-23T10:00:00+01:00", "timeZone": "Europe/Berlin"},
            "end": {"dateTime": "2026-11-23T10:15:00+01:00", "timeZone": "Europe/Berlin"},
        },
        "UTC",
    )
    assert (event.title, event.location, event.timezone, event.all_day) == ("Standup", "Room 1", "Europe/Berlin", False)
    assert event.starts_at == datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    assert event.ends_at == datetime(2026, 11, 23, 9, 15, tzinfo=UTC)


def test_an_all_day_event_spans_whole_days_of_its_calendars_zone() -> None:
    event = remote_event({"id": "e2", "start": {"date": "2026-11-23"}, "end": {"date": "2026-11-24"}}, "Europe/Berlin")
    assert event.all_day
    assert event.starts_at == datetime(2026, 11, 22, 23, 0, tzinfo=UTC)
    assert event.ends_at == datetime(2026, 11, 23, 23, 0, tzinfo=UTC)


def test_a_cancelled_event_is_to_be_deleted() -> None:
    assert remote_event({"id": "e3", "status": "cancelled"}, "UTC").cancelled


def test_tokens_are_encrypted_and_never_in_their_repr() -> None:
    tokens = GoogleTokens(access_token="ya29.secret", refresh_token="1//refresh", expires_at=None)
    cipher = TokenCipher(TokenCipher.key_from_secret("some secret key of enough length 1234"))
    stored = cipher.encrypt(tokens)
    assert "secret" not in stored
    assert "refresh" not in stored
    assert cipher.decrypt(stored) == tokens
    assert "ya29" not in repr(tokens)
    assert "refresh" not in repr(tokens)


def test_a_series_keeps_its_rule_exdates_and_rdates_read_in_its_zone() -> None:
    event = remote_event(
        {
            "id": "weekly",
            "summary": "Standup",
            "start": {"dateTime": "2026-11-23T10:00:00+01:00", "timeZone": "Europe/Berlin"},
            "end": {"dateTime": "2026-11-23T10:15:00+01:00", "timeZone": "Europe/Berlin"},
            "recurrence": [
                "RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=10",
                "EXDATE;TZID=Europe/Berlin:20261130T100000",
                "RDATE:20261202T090000Z",
            ],
        },
        "UTC",
    )
    assert event.recurrence is not None
    assert event.recurrence.rule == "FREQ=WEEKLY;COUNT=10;BYDAY=MO"
    assert event.recurrence.exdates == (datetime(2026, 11, 30, 9, 0, tzinfo=UTC),)
    assert event.recurrence.rdates == (datetime(2026, 12, 2, 9, 0, tzinfo=UTC),)


def test_an_all_day_series_skips_dates() -> None:
    event = remote_event(
        {
            "id": "yearly",
            "start": {"date": "2026-11-23"},
            "end": {"date": "2026-11-24"},
            "recurrence": ["RRULE:FREQ=YEARLY", "EXDATE;VALUE=DATE:20271123"],
        },
        "Europe/Berlin",
    )
    assert event.all_day
    assert event.recurrence is not None
    assert event.recurrence.exdates == (date(2027, 11, 23),)


def test_a_rule_planner_cannot_repeat_shows_as_its_first_occurrence() -> None:
    event = remote_event(
        {
            "id": "hourly",
            "start": {"dateTime": "2026-11-23T10:00:00Z"},
            "end": {"dateTime": "2026-11-23T10:15:00Z"},
            "recurrence": ["RRULE:FREQ=DAILY;BYHOUR=10,14"],
        },
        "UTC",
    )
    assert (event.cancelled, event.recurrence) == (False, None)


def test_an_exception_names_its_series_and_original_start() -> None:
    moved = remote_event(
        {
            "id": "weekly_20261130T090000Z",
            "recurringEventId": "weekly",
            "originalStartTime": {"dateTime": "2026-11-30T10:00:00+01:00", "timeZone": "Europe/Berlin"},
            "start": {"dateTime": "2026-11-30T11:00:00+01:00"},
            "end": {"dateTime": "2026-11-30T11:15:00+01:00"},
        },
        "UTC",
    )
    cancelled = remote_event(
        {
            "id": "daily_20261124",
            "status": "cancelled",
            "recurringEventId": "daily",
            "originalStartTime": {"date": "2026-11-24"},
        },
        "UTC",
    )
    assert (moved.series_id, moved.recurrence_id) == ("weekly", datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
    assert (cancelled.cancelled, cancelled.series_id) == (True, "daily")
    assert cancelled.recurrence_id == datetime(2026, 11, 24, tzinfo=UTC)


def test_an_event_with_an_unspecified_end_lasts_an_hour() -> None:
    event = remote_event(
        {
            "id": "open",
            "start": {"dateTime": "2026-11-23T10:00:00Z"},
            "end": {"dateTime": "2026-11-23T10:00:00Z"},
            "endTimeUnspecified": True,
        },
        "UTC",
    )
    assert event.ends_at == datetime(2026, 11, 23, 11, 0, tzinfo=UTC)


def test_guests_and_their_answers_are_kept_for_display_and_rooms_are_not_guests() -> None:
    event = remote_event(
        {
            "id": "meeting",
            "start": {"dateTime": "2026-11-23T10:00:00Z"},
            "end": {"dateTime": "2026-11-23T11:00:00Z"},
            "attendees": [
                {"email": "ada@example.com", "displayName": "Ada", "responseStatus": "accepted", "organizer": True},
                {"email": "bob@example.com", "responseStatus": "tentative"},
                {"email": "room@resource.calendar.google.com", "resource": True, "responseStatus": "accepted"},
            ],
            "extendedProperties": {"private": {"planner_event_id": "0195f3a0-0000-7000-8000-000000000001"}},
        },
        "UTC",
    )
    assert [(a.email, a.name, a.response.value, a.organizer) for a in event.attendees] == [
        ("ada@example.com", "Ada", "accepted", True),
        ("bob@example.com", "", "tentative", False),
    ]
    assert str(event.planner_event_id) == "0195f3a0-0000-7000-8000-000000000001"
