"""Google Calendar API v3 through google-api-python-client, which is synchronous: every call runs in a thread."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import google_auth_httplib2
import httplib2
from google.auth.exceptions import RefreshError, TransportError
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from adapters.google.event_resource import remote_event
from domain.google_sync.errors import (
    CalendarGone,
    GoogleError,
    GoogleUnavailable,
    GrantRevoked,
    PushNotSupported,
    SyncTokenExpired,
)
from domain.google_sync.model import (
    PUSH_NOT_SUPPORTED,
    EventPage,
    GoogleTokens,
    NewChannel,
    RemoteCalendar,
)

T = TypeVar("T")

SCOPES = (
    "https://www.googleapis.com/auth/calendar.calendarlist.readonly",
    # Read-only (least privilege): sync only lists, reads and watches events. Writing planner's own
    # events back will ask for `calendar.events` with a new consent when it ships.
    "https://www.googleapis.com/auth/calendar.events.readonly",
)
PAGE_SIZE = 2500
"""Google's largest page of events.list."""
HTTP_TIMEOUT_S = 30
_RATE_LIMIT_REASONS = {"ratelimitexceeded", "userratelimitexceeded", "quotaexceeded", "rate_limit_exceeded"}
"""Lower-cased: `errors[].reason` is camelCase, `details[].reason` (ErrorInfo) is UPPER_SNAKE."""


class GoogleCalendarApis:
    """Builds a client per grant; `api_base` points it at a fake Google in tests."""

    def __init__(self, *, client_id: str, client_secret: str, token_uri: str, api_base: str | None) -> None:
        self._client_id, self._client_secret = client_id, client_secret
        self._token_uri, self._api_base = token_uri, api_base

    def for_tokens(self, tokens: GoogleTokens) -> GoogleCalendarApi:
        credentials = Credentials(  # type: ignore[no-untyped-call]
            token=tokens.access_token,
            refresh_token=tokens.refresh_token,
            token_uri=self._token_uri,
            client_id=self._client_id,
            client_secret=self._client_secret,
            scopes=list(SCOPES),
            # google-auth compares naive UTC times.
            expiry=None if tokens.expires_at is None else tokens.expires_at.astimezone(UTC).replace(tzinfo=None),
        )
        return GoogleCalendarApi(credentials, self._api_base)


class GoogleCalendarApi:
    """One grant's client; use it from one task at a time (httplib2 is not thread-safe)."""

    def __init__(self, credentials: Credentials, api_base: str | None) -> None:
        self._credentials = credentials
        self._api_base = api_base
        self._service: Any = None

    @property
    def tokens(self) -> GoogleTokens:
        expiry = self._credentials.expiry
        return GoogleTokens(
            access_token=str(self._credentials.token),
            refresh_token=self._credentials.refresh_token,
            expires_at=None if expiry is None else expiry.replace(tzinfo=UTC),
        )

    async def list_calendars(self) -> list[RemoteCalendar]:
        def fetch(service: Any) -> list[RemoteCalendar]:
            calendars, page_token = [], None
            while True:
                page = service.calendarList().list(pageToken=page_token, maxResults=250).execute()
                calendars += [
                    RemoteCalendar(
                        id=item["id"],
                        name=item.get("summaryOverride") or item.get("summary") or item["id"],
                        time_zone=item.get("timeZone") or "UTC",
                        color=item.get("backgroundColor"),
                    )
                    for item in page.get("items", [])
                    if not item.get("deleted")
                ]
                page_token = page.get("nextPageToken")
                if not page_token:
                    return calendars

        return await self._run(fetch)

    async def list_events(self, calendar_id: str, *, sync_token: str | None, page_token: str | None) -> EventPage:
        def fetch(service: Any) -> EventPage:
            # showDeleted brings cancelled events on a full listing too; Google refuses it as false with a sync token.
            page = (
                service.events()
                .list(
                    calendarId=calendar_id,
                    syncToken=sync_token,
                    pageToken=page_token,
                    showDeleted=True,
                    maxResults=PAGE_SIZE,
                )
                .execute()
            )
            zone = page.get("timeZone") or "UTC"
            return EventPage(
                events=[remote_event(item, zone) for item in page.get("items", [])],
                next_page_token=page.get("nextPageToken"),
                next_sync_token=page.get("nextSyncToken"),
            )

        return await self._run(fetch)

    async def watch(
        self, calendar_id: str, *, channel_id: str, token: str, address: str, expires_at: datetime
    ) -> NewChannel:
        body = {
            "id": channel_id,
            "type": "web_hook",
            "address": address,
            "token": token,
            "expiration": str(int(expires_at.timestamp() * 1000)),
        }

        def start(service: Any) -> NewChannel:
            answer = service.events().watch(calendarId=calendar_id, body=body).execute()
            granted = int(answer.get("expiration") or body["expiration"])
            return NewChannel(resource_id=answer["resourceId"], expires_at=datetime.fromtimestamp(granted / 1000, UTC))

        return await self._run(start)

    async def stop_channel(self, *, channel_id: str, resource_id: str) -> None:
        def stop(service: Any) -> None:
            service.channels().stop(body={"id": channel_id, "resourceId": resource_id}).execute()

        await self._run(stop)

    async def execute(self, call: Callable[[Any], T]) -> T:
        """Run `call` with the client in a worker thread, Google's errors translated into planner's."""
        return await self._run(call)

    async def _run(self, call: Callable[[Any], T]) -> T:
        return await asyncio.to_thread(self._call, call)

    def _call(self, call: Callable[[Any], T]) -> T:
        try:
            return call(self._client())
        except HttpError as error:
            raise _translated(error) from None
        except RefreshError as error:
            if "invalid_grant" in str(error) or "unauthorized_client" in str(error):
                raise GrantRevoked("Google refused the refresh token") from None
            raise GoogleUnavailable("refreshing the access token failed") from None
        except (TransportError, httplib2.HttpLib2Error, OSError) as error:
            raise GoogleUnavailable(f"Google did not answer: {type(error).__name__}") from None

    def _client(self) -> Any:
        if self._service is None:
            http = google_auth_httplib2.AuthorizedHttp(self._credentials, http=httplib2.Http(timeout=HTTP_TIMEOUT_S))
            options = {"api_endpoint": self._api_base} if self._api_base else None
            self._service = build(
                "calendar", "v3", http=http, static_discovery=True, cache_discovery=False, client_options=options
            )
        return self._service


def _translated(error: HttpError) -> GoogleError:
    status = int(error.resp.status)
    reasons = {reason.lower() for reason in _reasons(error)}
    if status == 410:
        return SyncTokenExpired("the sync token expired (410 Gone)")
    if status == 429 or status >= 500 or (status == 403 and reasons & _RATE_LIMIT_REASONS):
        return GoogleUnavailable(f"Google answered {status}", retry_after_s=_retry_after(error))
    if status == 401:
        return GrantRevoked("Google refused the access token (401)")
    if PUSH_NOT_SUPPORTED.lower() in reasons:
        return PushNotSupported(f"Google does not push this calendar's changes ({PUSH_NOT_SUPPORTED})")
    if status == 404:
        return CalendarGone("Google answered 404: it no longer exists or is no longer shared")
    return GoogleError(f"Google answered {status}")


def _reasons(error: HttpError) -> set[str]:
    """Every reason Google gave: `errors[].reason` and `details[].reason` (googleapiclient keeps only one list)."""
    try:
        body = json.loads(error.content or b"{}")
    except ValueError:
        return set()
    problem = body.get("error") if isinstance(body, dict) else None
    if not isinstance(problem, dict):
        return set()
    found = set()
    for key in ("errors", "details"):
        for detail in problem.get(key) or []:
            if isinstance(detail, dict) and isinstance(detail.get("reason"), str):
                found.add(detail["reason"])
    return found


def _retry_after(error: HttpError) -> float | None:
    """Google's Retry-After, in seconds or as an HTTP date; None when absent or unreadable."""
    value = error.resp.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
