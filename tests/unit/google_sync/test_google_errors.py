"""What Google's error answers mean to sync: retry (and how long to wait), poll instead, or gone."""

import json

import httplib2
import pytest
from googleapiclient.errors import HttpError

from adapters.google.calendar_api import _translated
from domain.google_sync.errors import CalendarGone, GoogleError, GoogleUnavailable, PushNotSupported


def _error(status: int, *, errors: tuple[str, ...] = (), details: tuple[str, ...] = (), **headers: str) -> HttpError:
    body = {
        "error": {
            "code": status,
            "message": "x",
            "errors": [{"reason": reason} for reason in errors],
            "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": r} for r in details],
        }
    }
    return HttpError(httplib2.Response({"status": status, **headers}), json.dumps(body).encode())


def test_a_rate_limit_carries_how_long_google_asked_to_wait() -> None:
    translated = _translated(_error(429, errors=("rateLimitExceeded",), **{"retry-after": "7"}))
    assert isinstance(translated, GoogleUnavailable)
    assert translated.retry_after_s == 7.0


@pytest.mark.parametrize(
    "error",
    [
        _error(403, errors=("userRateLimitExceeded",)),
        _error(403, details=("RATE_LIMIT_EXCEEDED",)),  # ErrorInfo, upper case, after `errors` is empty
        _error(503),
    ],
)
def test_rate_limits_by_either_reason_list_and_server_errors_are_retried(error: HttpError) -> None:
    translated = _translated(error)
    assert isinstance(translated, GoogleUnavailable)
    assert translated.retry_after_s is None


def test_a_calendar_google_will_not_watch_is_to_be_polled_and_a_404_is_gone() -> None:
    assert isinstance(_translated(_error(400, errors=("pushNotSupportedForRequestedResource",))), PushNotSupported)
    assert isinstance(_translated(_error(404, errors=("notFound",))), CalendarGone)
    other = _translated(_error(403, errors=("forbidden",)))
    assert type(other) is GoogleError
