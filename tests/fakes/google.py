"""A fake Google on loopback: the parts of Calendar API v3 and OAuth 2.0 planner uses, on a real HTTP server.

The real google-api-python-client and google-auth talk to it (through settings), so tests exercise the
same requests, pages, sync tokens, errors and refreshes as production. It can also push notifications
to the channels it was asked to open, the way Google does.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import httpx

from tests.fakes.google_discovery import violations

CLIENT_ID = "fake-client-id.apps.googleusercontent.com"
CLIENT_SECRET = "fake-client-secret"


@dataclass
class FakeCalendar:
    id: str
    summary: str
    time_zone: str = "UTC"
    events: dict[str, tuple[dict[str, Any], int]] = field(default_factory=dict)
    """Google event id -> (event resource, sequence number of its last change)."""
    token_generation: int = 0
    push_supported: bool = True
    """False: events.watch answers 400 pushNotSupportedForRequestedResource (holidays, birthdays)."""


@dataclass
class FakeChannel:
    id: str
    calendar_id: str
    token: str
    address: str
    resource_id: str
    expiration_ms: int
    message_number: int = 0


@dataclass
class Failure:
    path_contains: str
    status: int
    remaining: int | None  # None: until cleared
    reason: str = "backendError"
    retry_after: str | None = None
    """The Retry-After header sent with it, if any."""
    unless_query: str | None = None
    """Requests carrying this query parameter are answered as usual (e.g. "syncToken": fail full listings only)."""


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, str]
    at: float = 0.0
    """time.monotonic() when it arrived."""
    body: Any = None
    """The JSON body of a write (insert, patch), else None."""


class FakeGoogle:
    """State of the fake; every method is safe to call from the test while requests are served."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.calendars: dict[str, FakeCalendar] = {}
        self.codes: dict[str, str | None] = {}
        """Authorization code -> the PKCE S256 challenge of the consent that issued it."""
        self.consented_scopes: list[str] = []
        self.revoked: list[str] = []
        self.access_tokens: set[str] = set()
        self.refresh_tokens: dict[str, bool] = {}
        self.channels: dict[str, FakeChannel] = {}
        self.stopped_channels: list[str] = []
        self.failures: list[Failure] = []
        self.calls: list[Call] = []
        self.max_channel_lifetime: timedelta | None = None
        self.page_size: int | None = None
        """Set: events.list pages hold at most this many events, whatever maxResults asks (Google may send fewer)."""
        self.violations: list[str] = []
        """Requests Google would have refused (checked against the discovery document); a test expects none."""
        self._seq = itertools.count(1)
        self._last_seq = 0
        self.base_url = ""

    # -- the test's side ------------------------------------------------------------------------

    @property
    def api_base(self) -> str:
        return f"{self.base_url}/calendar/v3/"

    def issue_code(self, code_challenge: str | None = None) -> str:
        """A code as Google would hand the browser on consent; without a challenge it can never be exchanged."""
        code = "code-" + secrets.token_urlsafe(8)
        with self.lock:
            self.codes[code] = code_challenge
        return code

    def consent(self, authorization_url: str) -> str:
        """The person agrees on the consent page planner sent them to: the code Google hands back."""
        query = parse_qs(urlsplit(authorization_url).query)
        assert query["code_challenge_method"] == ["S256"], "planner always uses PKCE with S256"
        with self.lock:
            self.consented_scopes = query["scope"][0].split()
        return self.issue_code(query["code_challenge"][0])

    def add_calendar(self, calendar_id: str, summary: str, time_zone: str = "UTC") -> FakeCalendar:
        with self.lock:
            calendar = self.calendars[calendar_id] = FakeCalendar(calendar_id, summary, time_zone)
            return calendar

    def put_event(
        self, calendar_id: str, event_id: str, *, title: str, starts_at: datetime, minutes: int = 60, **extra: Any
    ) -> None:
        """Create or change an event (as someone editing it in Google Calendar would)."""
        resource = {
            "kind": "calendar#event",
            "id": event_id,
            "status": "confirmed",
            "summary": title,
            "start": {"dateTime": starts_at.isoformat(), "timeZone": "UTC"},
            "end": {"dateTime": (starts_at + timedelta(minutes=minutes)).isoformat(), "timeZone": "UTC"},
            **extra,
        }
        self._store(calendar_id, resource)

    def put_series(
        self,
        calendar_id: str,
        event_id: str,
        *,
        title: str,
        starts_at: datetime,
        rule: str,
        minutes: int = 60,
        **extra: Any,
    ) -> None:
        """Create or change a recurring event: `rule` is its RRULE (without the prefix), `extra` may add lines."""
        lines = [f"RRULE:{rule}", *extra.pop("more_recurrence", ())]
        self.put_event(
            calendar_id, event_id, title=title, starts_at=starts_at, minutes=minutes, recurrence=lines, **extra
        )

    def put_occurrence(
        self,
        calendar_id: str,
        series_id: str,
        original_start: datetime,
        *,
        title: str,
        starts_at: datetime,
        minutes: int = 60,
        **extra: Any,
    ) -> str:
        """Change one occurrence of a series (Google keeps it apart as an exception); answers its instance id."""
        instance_id = instance_id_of(series_id, original_start)
        self.put_event(
            calendar_id,
            instance_id,
            title=title,
            starts_at=starts_at,
            minutes=minutes,
            recurringEventId=series_id,
            originalStartTime={"dateTime": original_start.isoformat(), "timeZone": "UTC"},
            **extra,
        )
        return instance_id

    def cancel_occurrence(self, calendar_id: str, series_id: str, original_start: datetime) -> None:
        """Delete one occurrence of a series, as Google does: a cancelled exception."""
        self._store(
            calendar_id,
            {
                "kind": "calendar#event",
                "id": instance_id_of(series_id, original_start),
                "status": "cancelled",
                "recurringEventId": series_id,
                "originalStartTime": {"dateTime": original_start.isoformat(), "timeZone": "UTC"},
            },
        )

    def forget_event(self, calendar_id: str, event_id: str) -> None:
        """The event is gone without a trace, as after Google purged its tombstone: a full listing lacks it."""
        with self.lock:
            self.calendars[calendar_id].events.pop(event_id, None)

    def cancel_event(self, calendar_id: str, event_id: str) -> None:
        self._store(calendar_id, {"kind": "calendar#event", "id": event_id, "status": "cancelled"})

    def expire_sync_tokens(self, calendar_id: str) -> None:
        """Every sync token handed out for the calendar answers 410 Gone from now on."""
        with self.lock:
            self.calendars[calendar_id].token_generation += 1

    def fail(
        self,
        path_contains: str,
        status: int,
        times: int | None = None,
        reason: str = "backendError",
        retry_after: str | None = None,
        *,
        unless_query: str | None = None,
    ) -> None:
        """Answer `status` to requests whose path contains `path_contains` (`times` times, or until cleared)."""
        with self.lock:
            self.failures.append(
                Failure(path_contains, status, times, reason, retry_after=retry_after, unless_query=unless_query)
            )

    def remove_calendar(self, calendar_id: str) -> None:
        """The person unsubscribed from the calendar (or lost access): it leaves their calendar list."""
        with self.lock:
            del self.calendars[calendar_id]

    def stop_failing(self) -> None:
        with self.lock:
            self.failures.clear()

    def expire_access_tokens(self) -> None:
        """Every access token handed out so far is refused with 401 (a refresh gets a new one)."""
        with self.lock:
            self.access_tokens.clear()

    def revoke_grants(self) -> None:
        """The person revoked planner's access: tokens and refresh tokens are refused."""
        with self.lock:
            self.access_tokens.clear()
            for token in self.refresh_tokens:
                self.refresh_tokens[token] = False

    def event_list_calls(self, calendar_id: str, *, incremental: bool | None = None) -> list[Call]:
        with self.lock:
            return [
                call
                for call in self.calls
                if call.method == "GET"
                and call.path.endswith(f"/calendars/{calendar_id}/events")
                and (incremental is None or ("syncToken" in call.query) == incremental)
            ]

    def channels_on(self, calendar_id: str) -> list[FakeChannel]:
        with self.lock:
            return [c for c in self.channels.values() if c.calendar_id == calendar_id]

    async def push(
        self, channel_id: str, state: str = "exists", *, message_number: int | None = None
    ) -> httpx.Response:
        """Send the channel's push notification to its address, as Google does after a change."""
        with self.lock:
            channel = self.channels[channel_id]
            channel.message_number = message_number if message_number is not None else channel.message_number + 1
            headers = {
                "X-Goog-Channel-ID": channel.id,
                "X-Goog-Channel-Token": channel.token,
                "X-Goog-Channel-Expiration": datetime.fromtimestamp(channel.expiration_ms / 1000, UTC).strftime(
                    "%a, %d %b %Y %H:%M:%S GMT"
                ),
                "X-Goog-Resource-ID": channel.resource_id,
                "X-Goog-Resource-URI": f"{self.api_base}calendars/{channel.calendar_id}/events?alt=json",
                "X-Goog-Resource-State": state,
                "X-Goog-Message-Number": str(channel.message_number),
            }
            address = channel.address
        async with httpx.AsyncClient(timeout=10) as client:
            return await client.post(address, headers=headers, content=b"")

    # -- the server's side ----------------------------------------------------------------------

    def _store(self, calendar_id: str, resource: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            seq = next(self._seq)
            self._last_seq = seq
            resource = {**resource, "updated": datetime.now(UTC).isoformat(), "etag": f'"{seq}"'}
            self.calendars[calendar_id].events[resource["id"]] = (resource, seq)
            return resource

    def handle(
        self, method: str, path: str, queries: dict[str, list[str]], headers: Any, body: bytes
    ) -> tuple[int, Any, dict[str, str]]:
        """Check the request as Google would (discovery document), then answer: status, JSON, extra headers."""
        query = {key: values[0] for key, values in queries.items()}
        with self.lock:
            self.calls.append(Call(method, path, query, time.monotonic()))
            if path.startswith("/calendar/v3/"):
                refused = violations(method, path.removeprefix("/calendar/v3/"), queries, body)
                if refused:
                    self.violations += refused
                    return 400, _error(400, "invalid"), {}
            for failure in self.failures:
                if failure.unless_query is not None and failure.unless_query in query:
                    continue
                if failure.path_contains in path and failure.remaining != 0:
                    if failure.remaining is not None:
                        failure.remaining -= 1
                    extra = {} if failure.retry_after is None else {"Retry-After": failure.retry_after}
                    return failure.status, _error(failure.status, failure.reason), extra
            return (*self._answer(method, path, query, headers, body), {})

    def _answer(self, method: str, path: str, query: dict[str, str], headers: Any, body: bytes) -> tuple[int, Any]:
        with self.lock:
            if path == "/token" and method == "POST":
                return self._token(parse_qs(body.decode()))
            if path == "/revoke" and method == "POST":
                return self._revoke(parse_qs(body.decode()))
            if not path.startswith("/calendar/v3/"):
                return 404, _error(404, "notFound")
            bearer = headers.get("Authorization", "").removeprefix("Bearer ")
            if bearer not in self.access_tokens:
                return 401, _error(401, "authError")
            route = path.removeprefix("/calendar/v3/")
            if route == "users/me/calendarList" and method == "GET":
                return self._calendar_list()
            if route == "channels/stop" and method == "POST":
                return self._stop(json.loads(body or b"{}"))
            parts = route.split("/")
            if len(parts) >= 3 and parts[0] == "calendars" and parts[2] == "events":
                calendar = self._calendar(unquote(parts[1]))
                if calendar is None:
                    return 404, _error(404, "notFound")
                if len(parts) == 3 and method == "GET":
                    return self._events(calendar, query)
                if len(parts) == 4 and parts[3] == "watch" and method == "POST":
                    return self._watch(calendar, json.loads(body or b"{}"))
                written = self._write(method, calendar, parts[3:], body)
                if written is not None:
                    self.calls[-1].body = json.loads(body) if body else None
                    return written
            return 404, _error(404, "notFound")

    # -- writes (events.insert, patch, delete), as planner's write-back uses them ----------------------

    def _calendar(self, calendar_id: str) -> FakeCalendar | None:
        """The calendar by id; "primary" is the first calendar added, as Google aliases the main one."""
        if calendar_id == "primary" and calendar_id not in self.calendars:
            return next(iter(self.calendars.values()), None)
        return self.calendars.get(calendar_id)

    def _write(self, method: str, calendar: FakeCalendar, rest: list[str], body: bytes) -> tuple[int, Any] | None:
        if len(rest) == 0 and method == "POST":
            resource = json.loads(body or b"{}")
            if "start" not in resource or "end" not in resource:
                return 400, _error(400, "required")
            event_id = resource.get("id") or secrets.token_hex(13)
            if event_id in calendar.events:
                return 409, _error(409, "duplicate")
            stored = {"kind": "calendar#event", "status": "confirmed", **resource, "id": event_id}
            return 200, self._store(calendar.id, stored)
        if len(rest) != 1:
            return None
        event_id = unquote(rest[0])
        existing = calendar.events.get(event_id)
        if method == "GET":
            return (200, existing[0]) if existing is not None else (404, _error(404, "notFound"))
        if method == "PATCH":
            changes = json.loads(body or b"{}")
            if existing is None:
                instance = self._instance(calendar, event_id)
                if instance is None:
                    return 404, _error(404, "notFound")
                return 200, self._store(calendar.id, {**instance, **changes})
            if existing[0].get("status") == "cancelled" and changes.get("status") != "confirmed":
                return 410, _error(410, "deleted")
            return 200, self._store(calendar.id, {**existing[0], **changes, "id": event_id})
        if method == "DELETE":
            if existing is None:
                return 404, _error(404, "notFound")
            if existing[0].get("status") == "cancelled":
                return 410, _error(410, "deleted")
            kept = {k: v for k, v in existing[0].items() if k in ("id", "recurringEventId", "originalStartTime")}
            self._store(calendar.id, {"kind": "calendar#event", **kept, "status": "cancelled"})
            return 204, None
        return None

    def _instance(self, calendar: FakeCalendar, instance_id: str) -> dict[str, Any] | None:
        """One occurrence of a series, named as Google names it (series id, "_", original start), or None."""
        series_id, _, start = instance_id.rpartition("_")
        series = calendar.events.get(series_id)
        if series is None or not series[0].get("recurrence"):
            return None
        if len(start) == 8:
            original: dict[str, str] = {"date": f"{start[:4]}-{start[4:6]}-{start[6:]}"}
        else:
            moment = datetime.strptime(start, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            original = {"dateTime": moment.isoformat(), "timeZone": "UTC"}
        fields = {k: v for k, v in series[0].items() if k not in ("recurrence", "id", "etag", "updated")}
        return {**fields, "id": instance_id, "recurringEventId": series_id, "originalStartTime": original}

    def events_in(self, calendar_id: str) -> list[dict[str, Any]]:
        """The calendar's live events (series, exceptions and single ones), as Google holds them."""
        with self.lock:
            return [r for r, _ in self.calendars[calendar_id].events.values() if r.get("status") != "cancelled"]

    def edit_event(self, calendar_id: str, event_id: str, **changes: Any) -> dict[str, Any]:
        """Someone changes an event in Google Calendar (planner's marks stay, `updated` moves on)."""
        with self.lock:
            resource, _ = self.calendars[calendar_id].events[event_id]
            return self._store(calendar_id, {**resource, **changes})

    def writes(self, method: str | None = None) -> list[Call]:
        """The event writes planner made (POST insert, PATCH, DELETE), in order."""
        with self.lock:
            return [
                call
                for call in self.calls
                if call.method in ("POST", "PATCH", "DELETE")
                and "/events" in call.path
                and not call.path.endswith("/watch")
                and (method is None or call.method == method)
            ]

    def _token(self, form: dict[str, list[str]]) -> tuple[int, Any]:
        def one(name: str) -> str:
            return (form.get(name) or [""])[0]

        if one("client_id") != CLIENT_ID or one("client_secret") != CLIENT_SECRET:
            return 401, {"error": "invalid_client"}
        grant = one("grant_type")
        access = "access-" + secrets.token_urlsafe(12)
        if grant == "authorization_code" and one("code") in self.codes:
            challenge = self.codes.pop(one("code"))
            if challenge is None or _s256(one("code_verifier")) != challenge:
                return 400, {"error": "invalid_grant", "error_description": "Invalid code verifier."}
            refresh = "refresh-" + secrets.token_urlsafe(12)
            self.refresh_tokens[refresh] = True
            self.access_tokens.add(access)
            granted = " ".join(self.consented_scopes)
            return 200, {
                "access_token": access,
                "refresh_token": refresh,
                "expires_in": 3599,
                "token_type": "Bearer",
                "scope": granted,
            }
        if grant == "refresh_token" and self.refresh_tokens.get(one("refresh_token")):
            self.access_tokens.add(access)
            return 200, {"access_token": access, "expires_in": 3599, "token_type": "Bearer"}
        return 400, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}

    def _revoke(self, form: dict[str, list[str]]) -> tuple[int, Any]:
        token = (form.get("token") or [""])[0]
        if self.refresh_tokens.get(token) or token in self.access_tokens:
            self.revoked.append(token)
            self.refresh_tokens[token] = False
            self.access_tokens.discard(token)
            return 200, {}
        return 400, {"error": "invalid_token"}

    def _calendar_list(self) -> tuple[int, Any]:
        items = [
            {"kind": "calendar#calendarListEntry", "id": c.id, "summary": c.summary, "timeZone": c.time_zone}
            for c in self.calendars.values()
        ]
        return 200, {"kind": "calendar#calendarList", "items": items, "nextSyncToken": "cl"}

    def _events(self, calendar: FakeCalendar, query: dict[str, str]) -> tuple[int, Any]:
        size = min(int(query.get("maxResults", "250")), 2500, self.page_size or 2500)
        if "pageToken" in query:
            since, upto, offset, generation = (int(part) for part in query["pageToken"].split("."))
        else:
            offset, upto, generation = 0, self._last_seq, calendar.token_generation
            since = -1
            if "syncToken" in query:
                token_calendar, token_seq, token_generation = query["syncToken"].rsplit("|", 2)
                if token_calendar != calendar.id or int(token_generation) != calendar.token_generation:
                    return 410, _error(410, "fullSyncRequired")
                since = int(token_seq)
        incremental = since >= 0
        show_deleted = incremental or query.get("showDeleted") == "true"
        changed = sorted(
            (
                (seq, resource)
                for resource, seq in calendar.events.values()
                if since < seq <= upto
                and (show_deleted or resource["status"] != "cancelled")
                and _has_private_property(resource, query.get("privateExtendedProperty"))
            ),
            key=lambda item: item[0],
        )
        page = [resource for _, resource in changed[offset : offset + size]]
        answer: dict[str, Any] = {"kind": "calendar#events", "timeZone": calendar.time_zone, "items": page}
        if offset + size < len(changed):
            answer["nextPageToken"] = f"{since}.{upto}.{offset + size}.{generation}"
        else:
            answer["nextSyncToken"] = f"{calendar.id}|{upto}|{generation}"
        return 200, answer

    def _watch(self, calendar: FakeCalendar, body: dict[str, Any]) -> tuple[int, Any]:
        if not calendar.push_supported:
            return 400, _error(400, "pushNotSupportedForRequestedResource")
        requested = int(body.get("expiration") or (time.time() + 7 * 86400) * 1000)
        if self.max_channel_lifetime is not None:
            requested = min(requested, int((time.time() + self.max_channel_lifetime.total_seconds()) * 1000))
        channel = FakeChannel(
            id=body["id"],
            calendar_id=calendar.id,
            token=body.get("token", ""),
            address=body["address"],
            resource_id="res-" + secrets.token_urlsafe(6),
            expiration_ms=requested,
        )
        self.channels[channel.id] = channel
        return 200, {
            "kind": "api#channel",
            "id": channel.id,
            "resourceId": channel.resource_id,
            "resourceUri": f"{self.api_base}calendars/{calendar.id}/events?alt=json",
            "token": channel.token,
            "expiration": str(requested),
        }

    def _stop(self, body: dict[str, Any]) -> tuple[int, Any]:
        channel = self.channels.get(body.get("id", ""))
        if channel is None or channel.resource_id != body.get("resourceId"):
            return 404, _error(404, "notFound")
        del self.channels[channel.id]
        self.stopped_channels.append(channel.id)
        return 204, None


def _has_private_property(resource: dict[str, Any], wanted: str | None) -> bool:
    """events.list's privateExtendedProperty filter ("name=value")."""
    if wanted is None:
        return True
    name, _, value = wanted.partition("=")
    return ((resource.get("extendedProperties") or {}).get("private") or {}).get(name) == value


def instance_id_of(series_id: str, original_start: datetime) -> str:
    """The id Google gives one occurrence of a series: the series' id and its original start in UTC."""
    return f"{series_id}_{original_start.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}"


def _s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")


def _error(status: int, reason: str) -> dict[str, Any]:
    return {"error": {"code": status, "message": reason, "errors": [{"reason": reason, "message": reason}]}}


class _Handler(BaseHTTPRequestHandler):
    fake: FakeGoogle

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        query = parse_qs(parts.query, keep_blank_values=True)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status, answer, extra = self.fake.handle(self.command, parts.path, query, self.headers, body)
        payload = b"" if answer is None else json.dumps(answer).encode()
        self.send_response(status)
        for name, value in extra.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = _serve  # noqa: N815 - http.server's names
    do_POST = _serve  # noqa: N815
    do_PATCH = _serve  # noqa: N815
    do_DELETE = _serve  # noqa: N815

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def running_fake_google() -> Iterator[FakeGoogle]:
    """Serve a fresh fake Google on a free loopback port until the block ends."""
    fake = FakeGoogle()
    handler = type("Handler", (_Handler,), {"fake": fake})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="fake-google", daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
