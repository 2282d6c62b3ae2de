"""Google's event resources in planner's terms, and tokens that never show in logs."""

from datetime import UTC, datetime

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
