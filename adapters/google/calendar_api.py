"""Google Calendar API v3 through google-api-python-client, which is synchronous: every call runs in a thread.

The client library's resources are built once per process and shared by every grant: building them
(`build`, then `service.events()`, which writes the docstring of every method) cost about 10 ms of CPU
per call when each grant built its own. Each request is executed with the grant's authorized HTTP, on a
connection taken from a small pool, so one write after another reuses its keep-alive connection (and
its TLS session with Google) instead of opening a new one.
"""

from __future__ import annotations

import asyncio
import json
import threading
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
from googleapiclient.http import HttpRequest

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
IDLE_CONNECTIONS = 8
"""Keep-alive connections kept for the next call; more calls at once each open one of their own."""
_RATE_LIMIT_REASONS = {"ratelimitexceeded", "userratelimitexceeded", "quotaexceeded", "rate_limit_exceeded"}
"""Lower-cased: `errors[].reason` is camelCase, `details[].reason` (ErrorInfo) is UPPER_SNAKE."""


class GoogleCalendarApis:
    """Clients per grant, sharing one built service and a pool of connections; `api_base` points at a fake Google."""

    def __init__(self, *, client_id: str, client_secret: str, token_uri: str, api_base: str | None) -> None:
        self._client_id, self._client_secret = client_id, client_secret
        self._token_uri = token_uri
        self._service = _SharedService(api_base)
        self._connections = _Connections()

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
        return GoogleCalendarApi(credentials, self._service, self._connections)


class GoogleService:
    """What a call gets: the Calendar API's resources, and `run` to send one of their requests as the grant."""

    def __init__(self, shared: _SharedService, http: google_auth_httplib2.AuthorizedHttp) -> None:
        self._shared, self._http = shared, http

    def events(self) -> Any:
        return self._shared.resource("events")

    def calendarList(self) -> Any:  # noqa: N802 - the API's name
        return self._shared.resource("calendarList")

    def channels(self) -> Any:
        return self._shared.resource("channels")

    def run(self, request: HttpRequest) -> Any:
        """Send the request with the grant's credentials (refreshed on 401, as the library does)."""
        return request.execute(http=self._http)


class GoogleCalendarApi:
    """One grant's client; use it from one task at a time (its credentials are refreshed in place)."""

    def __init__(self, credentials: Credentials, service: _SharedService, connections: _Connections) -> None:
        self._credentials = credentials
        self._service, self._connections = service, connections

    @property
    def tokens(self) -> GoogleTokens:
        expiry = self._credentials.expiry
        return GoogleTokens(
            access_token=str(self._credentials.token),
            refresh_token=self._credentials.refresh_token,
            expires_at=None if expiry is None else expiry.replace(tzinfo=UTC),
        )

    async def list_calendars(self) -> list[RemoteCalendar]:
        def fetch(service: GoogleService) -> list[RemoteCalendar]:
            calendars, page_token = [], None
            while True:
                page = service.run(service.calendarList().list(pageToken=page_token, maxResults=250))
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
        def fetch(service: GoogleService) -> EventPage:
            # showDeleted brings cancelled events on a full listing too; Google refuses it as false with a sync token.
            page = service.run(
                service.events().list(
                    calendarId=calendar_id,
                    syncToken=sync_token,
                    pageToken=page_token,
                    showDeleted=True,
                    maxResults=PAGE_SIZE,
                )
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

        def start(service: GoogleService) -> NewChannel:
            answer = service.run(service.events().watch(calendarId=calendar_id, body=body))
            granted = int(answer.get("expiration") or body["expiration"])
            return NewChannel(resource_id=answer["resourceId"], expires_at=datetime.fromtimestamp(granted / 1000, UTC))

        return await self._run(start)

    async def stop_channel(self, *, channel_id: str, resource_id: str) -> None:
        def stop(service: GoogleService) -> None:
            service.run(service.channels().stop(body={"id": channel_id, "resourceId": resource_id}))

        await self._run(stop)

    async def execute(self, call: Callable[[GoogleService], T]) -> T:
        """Run `call` with the client in a worker thread, Google's errors translated into planner's."""
        return await self._run(call)

    async def _run(self, call: Callable[[GoogleService], T]) -> T:
        return await asyncio.to_thread(self._call, call)

    def _call(self, call: Callable[[GoogleService], T]) -> T:
        connection = self._connections.take()
        try:
            service = GoogleService(
                self._service, google_auth_httplib2.AuthorizedHttp(self._credentials, http=connection)
            )
            return call(service)
        except HttpError as error:
            raise _translated(error) from None
        except RefreshError as error:
            if "invalid_grant" in str(error) or "unauthorized_client" in str(error):
                raise GrantRevoked("Google refused the refresh token") from None
            raise GoogleUnavailable("refreshing the access token failed") from None
        except (TransportError, httplib2.HttpLib2Error, OSError) as error:
            raise GoogleUnavailable(f"Google did not answer: {type(error).__name__}") from None
        finally:
            self._connections.give_back(connection)


class _SharedService:
    """The Calendar API's resources, built once from the discovery document the library ships, for every grant.

    Never sends a request itself: its HTTP refuses to, so every request goes through GoogleService.run.
    """

    def __init__(self, api_base: str | None) -> None:
        self._api_base = api_base
        self._lock = threading.Lock()
        self._resources: dict[str, Any] = {}
        self._service: Any = None

    def resource(self, name: str) -> Any:
        with self._lock:
            if name not in self._resources:
                if self._service is None:
                    options = {"api_endpoint": self._api_base} if self._api_base else None
                    self._service = build(
                        "calendar",
                        "v3",
                        http=_NoHttp(),
                        static_discovery=True,
                        cache_discovery=False,
                        client_options=options,
                    )
                self._resources[name] = getattr(self._service, name)()
            return self._resources[name]


class _NoHttp:
    """The shared service's HTTP: a request must be sent with a grant's (GoogleService.run)."""

    def request(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a Google request sent without a grant's credentials")


class _Connections:
    """Idle httplib2 connections (not thread-safe: each is used by one call at a time), kept for reuse."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: list[httplib2.Http] = []

    def take(self) -> httplib2.Http:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return httplib2.Http(timeout=HTTP_TIMEOUT_S)

    def give_back(self, connection: httplib2.Http) -> None:
        with self._lock:
            if len(self._idle) < IDLE_CONNECTIONS:
                self._idle.append(connection)
                return
        connection.close()


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
