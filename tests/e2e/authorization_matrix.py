# ruff: noqa: E501  (the matrix is a table: one route per line, its columns aligned)
"""Who may call what: the expected answer of every route to each kind of caller, as data.

tests/e2e/test_authorization_matrix.py requests every cell against a seeded world and checks that
every route of the app has a row here; docs/security.md shows the same table (a test keeps them equal).

The world (built once per test module):
- a shared calendar, owned by *owner*, shared with *viewer* (viewer) and *editor* and *organizer* (editors);
- an event in it, organized by *organizer*, booking a room, with *participant* invited (not a calendar member);
- *participant*'s invitation notification; *owner* connected Google (a fake Google), which made a sync job;
- *stranger*: signed in, in none of it; *admin*: the administrator, in none of it either.

Answers: `2xx` any success, `login` a redirect to the sign-in page, `any` any answer but a refusal
(401, 403, 404, login), `sse` not requested in-process (an
endless stream; tests/e2e/test_notification_stream.py covers it), otherwise the exact status code.
A `!` after an answer marks a cell whose answer today looks wrong; the test expects today's answer.

The `token` column says what a personal API token needs on each JSON route (the route's own declaration,
entrypoints/http/scopes.py): a scope (`events:read`, ...: a token lacking it gets 403 naming it, a token
with it gets the role's answer), `any` (any token), `session` (tokens refused: 403), or `public` (no
sign-in at all). tests/e2e/test_authorization_matrix.py checks both the declarations and the answers.

Adding a route is one line: `api(...)` for JSON routes (bearer token), `page(...)` for web pages
(session cookie, and the CSRF token on unsafe methods). Keyword arguments fill the request:
path parameters (`user_id="{viewer_id}"`; by default `{name}` comes from the world's value of that
name), `query=`, `body=` (JSON for `api`, form fields for `page`); `{...}` placeholders name world
values, `{unique}` is a fresh number per request. `fresh=` gives each cell a fresh copy of what the
request uses up: `SCENE` (calendar, event, room), `SESSION` (a new sign-in of the caller), `OAUTH`
(a new OAuth state and code of *owner*).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ROLES = ("anonymous", "stranger", "viewer", "editor", "owner", "participant", "organizer", "admin")

TOKEN_ACCESS = ("public", "session", "any", "admin")
"""The token column's values besides the scopes with a colon (events:read, ...); `admin` is a scope too."""

SCENE = "scene"
SESSION = "session"
OAUTH = "oauth"

Kind = Literal["api", "page"]


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    kind: Kind
    answers: dict[str, str]
    token: str = ""
    params: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] | None = None
    body: dict[str, Any] | None = None
    fresh: str | None = None
    note: str = ""

    @property
    def route(self) -> str:
        return f"{self.method} {self.path}"

    def expected(self, role: str) -> str:
        return self.answers[role].removesuffix("!")

    def suspicious(self, role: str) -> bool:
        return self.answers[role].endswith("!")


def _row(kind: Kind, route: str, answers: str, **how: Any) -> Row:
    method, path = route.split()
    cells = answers.split()
    if len(cells) != len(ROLES):
        raise ValueError(f"{route}: {len(cells)} answers for {len(ROLES)} roles")
    request = {key: how.pop(key) for key in ("query", "body", "fresh", "note", "token") if key in how}
    if kind == "api" and request.get("token") not in TOKEN_ACCESS and not str(request.get("token")).count(":"):
        raise ValueError(f"{route}: token= must be a scope or one of {TOKEN_ACCESS}")
    return Row(method=method, path=path, kind=kind, answers=dict(zip(ROLES, cells, strict=True)), params=how, **request)


def api(route: str, answers: str, **how: Any) -> Row:
    return _row("api", route, answers, **how)


def page(route: str, answers: str, **how: Any) -> Row:
    return _row("page", route, answers, **how)


WINDOW = {"start": "{day_start}", "end": "{day_end}"}
EVENT_FORM = {"title": "Planned {unique}", "starts": "{form_starts}", "ends": "{form_ends}", "timezone": "UTC"}

# fmt: off
MATRIX: tuple[Row, ...] = (
    #    route                                                        anonymous stranger viewer editor owner participant organizer admin
    api("GET /health",                                                "any  any  any  any  any  any  any  any", token="public",
        note="its answer depends on the servers, never on the caller"),
    api("GET /health/details",                                        "401  403  403  403  403  403  403  any", token="admin",
        note="administrators get the checks with their detail, 200 or 503 as the servers are"),
    api("GET /metrics",                                               "401  403  403  403  403  403  403  2xx", token="admin",
        note="or with METRICS_TOKEN (a scraper, no person): Prometheus text format"),
    api("GET /schema",                                                "2xx  2xx  2xx  2xx  2xx  2xx  2xx  2xx", token="public"),
    api("GET /schema/openapi.json",                                   "2xx  2xx  2xx  2xx  2xx  2xx  2xx  2xx", token="public"),
    api("GET /schema/{path}",                                         "404  404  404  404  404  404  404  404", token="public", path="swagger"),
    # Accounts
    api("POST /api/auth/register",                                    "2xx  2xx  2xx  2xx  2xx  2xx  2xx  2xx", token="public",
        body={"email": "new-{unique}@example.com", "password": "{password}", "name": "New"}),
    api("POST /api/auth/login",                                       "2xx  2xx  2xx  2xx  2xx  2xx  2xx  2xx", token="public",
        body={"email": "{spare_email}", "password": "{password}"}),
    api("POST /api/auth/logout",                                      "2xx  2xx  2xx  2xx  2xx  2xx  2xx  2xx", token="public", fresh=SESSION),
    api("POST /api/auth/logout-all",                                  "401  2xx  2xx  2xx  2xx  2xx  2xx  2xx", token="session", fresh=SESSION),
    api("POST /api/tokens",                                           "401  2xx  2xx  2xx  2xx  2xx  2xx  2xx", token="session",
        body={"name": "Integration {unique}", "scopes": ["events:read"]}),
    api("GET /api/tokens",                                            "401  2xx  2xx  2xx  2xx  2xx  2xx  2xx", token="session"),
    api("DELETE /api/tokens/{token_id}",                              "401  404  404  404  2xx  404  404  404", token="session",
        note="the owner's token: each person revokes only their own"),
    api("GET /api/me",                                                "401  2xx  2xx  2xx  2xx  2xx  2xx  2xx", token="any"),
    # Calendars
    api("GET /api/calendars",                                         "401  2xx  2xx  2xx  2xx  2xx  2xx  2xx", token="events:read"),
    api("POST /api/calendars",                                        "401  2xx  2xx  2xx  2xx  2xx  2xx  2xx", token="events:write", body={"name": "Mine {unique}"}),
    api("GET /api/calendars/{calendar_id}",                           "401  404  2xx  2xx  2xx  404  2xx  404", token="events:read"),
    api("PATCH /api/calendars/{calendar_id}",                         "401  404  403  403  2xx  404  403  404", token="events:write", body={"color": "#336699"}),
    api("DELETE /api/calendars/{calendar_id}",                        "401  404  403  403  2xx  404  403  404", token="events:write", fresh=SCENE),
    api("POST /api/calendars/{calendar_id}/members",                  "401  404  403  403  2xx  404  403  404", token="events:write", fresh=SCENE,
        body={"email": "{spare_email}", "role": "viewer"}),
    api("DELETE /api/calendars/{calendar_id}/members/{user_id}",      "401  404  2xx  403  2xx  404  403  404", token="events:write", fresh=SCENE,
        user_id="{viewer_id}", note="the viewer is taken off: the owner may, and the viewer may leave"),
    api("POST /api/calendars/{calendar_id}/feed",                     "401  404  403  403  2xx  404  403  404", token="events:write"),
    api("DELETE /api/calendars/{calendar_id}/feed",                   "401  404  403  403  2xx  404  403  404", token="events:write"),
    api("POST /api/calendars/{calendar_id}/import",                   "401  404  403  422  422  404  422  404", token="events:write",
        note="an empty body: who may import is checked first, then that the body is an iCalendar file"),
    api("GET /ics/{name}",                                            "404  404  404  404  404  404  404  404", token="public", name="not-a-feed.ics",
        note="a feed needs no sign-in: its secret token is the key"),
    # Rooms: everyone signed in sees and books them; administrators manage them
    api("GET /api/rooms",                                             "401  2xx  2xx  2xx  2xx  2xx  2xx  2xx", token="rooms:read"),
    api("POST /api/rooms",                                            "401  403  403  403  403  403  403  2xx", token="rooms:write",
        body={"name": "Room {unique}", "capacity": 4}),
    api("GET /api/rooms/available",                                   "401  2xx  2xx  2xx  2xx  2xx  2xx  2xx", token="rooms:read", query=WINDOW),
    api("GET /api/rooms/{room_id}",                                   "401  2xx  2xx  2xx  2xx  2xx  2xx  2xx", token="rooms:read"),
    api("PATCH /api/rooms/{room_id}",                                 "401  403  403  403  403  403  403  2xx", token="rooms:write", body={"capacity": 6}),
    api("DELETE /api/rooms/{room_id}",                                "401  403  403  403  403  403  403  2xx", token="rooms:write", fresh=SCENE),
    api("GET /api/rooms/{room_id}/availability",                      "401  2xx  2xx  2xx  2xx  2xx  2xx  2xx", token="rooms:read", query=WINDOW),
    # Find a time: everyone signed in has working hours and may ask anyone's free/busy (never what an event is)
    api("GET /api/me/working-hours",                                  "401  2xx  2xx  2xx  2xx  2xx  2xx  2xx", token="events:read"),
    api("PUT /api/me/working-hours",                                  "401  2xx  2xx  2xx  2xx  2xx  2xx  2xx", token="events:write",
        body={"timezone": "UTC", "days": {"mon": [["09:00", "17:00"]]}}),
    api("GET /api/me/out-of-office",                                  "401  2xx  2xx  2xx  2xx  2xx  2xx  2xx", token="events:read"),
    api("POST /api/me/out-of-office",                                 "401  2xx  2xx  2xx  2xx  2xx  2xx  2xx", token="events:write",
        body={"starts_at": "{slot_start}", "ends_at": "{slot_end}"}),
    api("DELETE /api/me/out-of-office/{absence_id}",                  "401  404  404  404  404  404  404  404", token="events:write",
        absence_id="00000000-0000-7000-8000-000000000000", note="only one's own ranges; this id is nobody's"),
    api("GET /api/freebusy",                                          "401  2xx  2xx  2xx  2xx  2xx  2xx  2xx", token="events:read",
        query={**WINDOW, "emails": "{participant_email}", "rooms": "{room_id}"}),
    api("POST /api/scheduling/suggestions",                           "401  2xx  2xx  2xx  2xx  2xx  2xx  2xx", token="events:read",
        body={"participants": ["nobody@example.com"], "duration_minutes": 30, "start": "{day_start}", "end": "{day_end}"},
        note="an email without an account is answered in `unknown`, as any other"),
    # Events
    api("GET /api/events",                                            "401  2xx  2xx  2xx  2xx  2xx  2xx  2xx", token="events:read", query=WINDOW),
    api("POST /api/events",                                           "401  422  403  2xx  2xx  422  2xx  422", token="events:write",
        body={"title": "Planned {unique}", "starts_at": "{slot_start}", "ends_at": "{slot_end}",
              "calendar_id": "{calendar_id}"}, note="in the shared calendar: one the caller cannot see is 'no such calendar' (422)"),
    api("GET /api/events/{event_id}",                                 "401  404  2xx  2xx  2xx  2xx  2xx  404", token="events:read"),
    api("GET /api/events/{event_id}/ics",                             "401  404  2xx  2xx  2xx  2xx  2xx  404", token="events:read"),
    api("PATCH /api/events/{event_id}",                               "401  404  403  2xx  2xx  403  2xx  404", token="events:write",
        body={"description": "Changed {unique}"}),
    api("DELETE /api/events/{event_id}",                              "401  404  403  2xx  2xx  403  2xx  404", token="events:write", fresh=SCENE),
    api("POST /api/events/{event_id}/participants",                   "401  404  403  2xx  2xx  403  2xx  404", token="events:write", fresh=SCENE,
        body={"email": "{spare_email}"}),
    api("DELETE /api/events/{event_id}/participants/{user_id}",       "401  404  403  2xx  2xx  2xx  2xx  404", token="events:write", fresh=SCENE,
        user_id="{participant_id}", note="the participant is taken off: organizer and editors may, and the participant may leave"),
    api("POST /api/events/{event_id}/response",                       "401  404  403  403  403  2xx  403  404", token="events:write",
        body={"status": "accepted"}),
    api("GET /api/events/{event_id}/occurrences/{recurrence_id}",     "401  404  2xx  2xx  2xx  2xx  2xx  404", token="events:read"),
    api("PATCH /api/events/{event_id}/occurrences/{recurrence_id}",   "401  404  403  2xx  2xx  403  2xx  404", token="events:write",
        body={"description": "Changed {unique}"}),
    api("DELETE /api/events/{event_id}/occurrences/{recurrence_id}",  "401  404  403  2xx  2xx  403  2xx  404", token="events:write", fresh=SCENE),
    # Notifications: each person's own
    api("GET /api/notifications",                                     "401  2xx  2xx  2xx  2xx  2xx  2xx  2xx", token="notifications:read"),
    api("GET /api/notifications/unread-count",                        "401  2xx  2xx  2xx  2xx  2xx  2xx  2xx", token="notifications:read"),
    api("GET /api/notifications/stream",                              "401  sse  sse  sse  sse  sse  sse  sse", token="notifications:read"),
    api("POST /api/notifications/{notification_id}/read",             "401  404  404  404  404  2xx  404  404", token="notifications:read"),
    api("POST /api/notifications/read-all",                           "401  2xx  2xx  2xx  2xx  2xx  2xx  2xx", token="notifications:read"),
    api("GET /api/me/notification-preferences",                       "401  2xx  2xx  2xx  2xx  2xx  2xx  2xx", token="notifications:read"),
    api("PUT /api/me/notification-preferences",                       "401  2xx  2xx  2xx  2xx  2xx  2xx  2xx", token="session",
        body={"event_reminder": ["in_app", "email"]}),
    # Outgoing webhooks: each person's own subscriptions (the world's is the owner's, with one delivery)
    api("POST /api/webhooks",                                         "401  2xx  2xx  2xx  2xx  2xx  2xx  2xx", token="events:read",
        body={"url": "http://127.0.0.1:9/hook-{unique}", "events": ["event.created"]},
        note="the matrix's planner allows private receivers (WEBHOOK_ALLOW_PRIVATE=true)"),
    api("GET /api/webhooks",                                          "401  2xx  2xx  2xx  2xx  2xx  2xx  2xx", token="events:read"),
    api("GET /api/webhooks/{subscription_id}/deliveries",             "401  404  404  404  2xx  404  404  404", token="events:read"),
    api("POST /api/webhooks/{subscription_id}/deliveries/{delivery_id}/retry", "401  404  404  404  2xx  404  404  404", token="events:read"),
    api("POST /api/webhooks/{subscription_id}/enable",                "401  404  404  404  2xx  404  404  404", token="events:read"),
    api("DELETE /api/webhooks/{subscription_id}",                     "401  404  404  404  2xx  404  404  404", token="events:read",
        subscription_id="{spare_subscription_id}", note="the owner's second subscription: the pages below use the first"),
    # Administration
    api("GET /api/admin/connections",                                 "401  403  403  403  403  403  403  2xx", token="admin"),
    api("POST /api/admin/promotions",                                 "401  403  403  403  403  403  403  2xx", token="admin",
        body={"email": "{spare_email}"}),
    api("POST /api/admin/invitations",                                "401  403  403  403  403  403  403  2xx", token="admin",
        body={"email": "invited-{unique}@example.com"}),
    # Jobs: the owner's Google sync job (queued; a retry of a job that is not partial is a 409)
    api("GET /api/jobs/{job_id}",                                     "401  404  404  404  2xx  404  404  2xx", token="events:read"),
    api("GET /api/jobs/{job_id}/result",                              "401  404  404  404  2xx  404  404  2xx", token="events:read"),
    api("GET /api/jobs/{job_id}/missing-sources",                     "401  404  404  404  2xx  404  404  2xx", token="events:read"),
    api("GET /api/jobs/{job_id}/retry-status",                        "401  404  404  404  2xx  404  404  2xx", token="events:read"),
    api("POST /api/jobs/{job_id}/retry",                              "401  404  404  404  409  404  404  409", token="events:write"),
    # Google: each person's own connection; the callback's state is the owner's
    api("GET /api/google/connect",                                    "401  2xx  2xx  2xx  2xx  2xx  2xx  2xx", token="session", query={"redirect": "false"}),
    api("GET /api/google/callback",                                   "401  403  403  403  2xx  403  403  403", token="session", fresh=OAUTH,
        note="with the owner's OAuth state: someone else's state is refused",
        query={"state": "{oauth_state}", "code": "{oauth_code}"}),
    api("POST /webhook/google-calendar",                              "422  422  422  422  422  422  422  422", token="public",
        note="Google's push receiver: no sign-in, checked by channel id and token"),
    api("POST /webhook/setup/{user_id}",                              "401  404  404  404  2xx  404  404  2xx", token="session", user_id="{owner_id}"),
    api("GET /webhook/status/{user_id}",                              "401  404  404  404  2xx  404  404  2xx", token="session", user_id="{owner_id}"),
    api("GET /webhook/task-status/{task_id}",                         "401  404  404  404  2xx  404  404  2xx", token="session"),
    api("GET /api/google/write-back",                                 "401  409  409  409  2xx  409  409  409", token="session",
        note="each person's own setting: without a Google connection there is none (409)"),
    api("PUT /api/google/write-back",                                 "401  409  409  409  2xx  409  409  409", token="session",
        body={"google_calendar_id": None}),
    page("GET /google/write-back",                                    "login  2xx  2xx  2xx  2xx  2xx  2xx  2xx",
        note="the Google page's write-back control (an htmx fragment)"),
    page("POST /google/write-back",                                   "login  422  422  422  303  422  422  422",
        body={"google_calendar_id": ""}, note="without a Google connection: a form error"),
    api("DELETE /webhook/unsubscribe/{channel_id}",                   "401  404  404  404  404  404  404  404", token="session",
        note="an unknown channel: only sign-in is checked here"),
    api("DELETE /api/google/connection",                              "401  2xx  2xx  2xx  2xx  2xx  2xx  2xx", token="session",
        note="last of the Google rows: it ends the owner's connection"),
    # The SAQ monitor: administrators only
    api("GET /saq",                                                   "401  403  403  403  403  403  403  2xx", token="session"),
    api("GET /saq/health",                                            "401  403  403  403  403  403  403  2xx", token="session"),
    api("GET /saq/static/{file_path}",                                "2xx  2xx  2xx  2xx  2xx  2xx  2xx  2xx", token="public", file_path="app.js"),
    api("GET /saq/queues/{queue_id}",                                 "401  403  403  403  403  403  403  2xx", token="session"),
    api("GET /saq/queues/{queue_id}/jobs/{job_id}",                   "401  403  403  403  403  403  403  2xx", token="session", job_id="{task_id}"),
    api("GET /saq/api/queues",                                        "401  403  403  403  403  403  403  2xx", token="session"),
    api("GET /saq/api/queues/{queue_id}",                             "401  403  403  403  403  403  403  2xx", token="session"),
    api("GET /saq/api/queues/{queue_id}/jobs/{job_id}",               "401  403  403  403  403  403  403  2xx", token="session", job_id="{task_id}"),
    api("POST /saq/api/queues/{queue_id}/jobs/{job_id}/retry",        "401  403  403  403  403  403  403  2xx", token="session", job_id="{task_id}"),
    api("POST /saq/api/queues/{queue_id}/jobs/{job_id}/abort",        "401  403  403  403  403  403  403  2xx", token="session", job_id="{task_id}"),
    # Web pages
    page("GET /static/app/{file_path}",                               "2xx  2xx  2xx  2xx  2xx  2xx  2xx  2xx", file_path="planner.css"),
    page("GET /static/vendor/htmx/{file_path}",                       "2xx  2xx  2xx  2xx  2xx  2xx  2xx  2xx", file_path="htmx.min.js"),
    page("GET /static/vendor/htmx-ext-sse/{file_path}",               "2xx  2xx  2xx  2xx  2xx  2xx  2xx  2xx", file_path="sse.min.js"),
    page("GET /login",                                                "2xx  2xx  2xx  2xx  2xx  2xx  2xx  2xx"),
    page("POST /login",                                               "303  303  303  303  303  303  303  303",
        body={"email": "{spare_email}", "password": "{password}"}),
    page("GET /signup",                                               "2xx  2xx  2xx  2xx  2xx  2xx  2xx  2xx"),
    page("POST /signup",                                              "303  303  303  303  303  303  303  303",
        body={"email": "new-{unique}@example.com", "password": "{password}", "name": "New", "timezone": "UTC"}),
    page("POST /logout",                                              "login  login  login  login  login  login  login  login", fresh=SESSION),
    page("POST /logout-all",                                          "login  login  login  login  login  login  login  login", fresh=SESSION),
    page("GET /",                                                     "login  2xx  2xx  2xx  2xx  2xx  2xx  2xx"),
    page("GET /day",                                                  "login  2xx  2xx  2xx  2xx  2xx  2xx  2xx"),
    page("GET /events/new",                                           "login  2xx  2xx  2xx  2xx  2xx  2xx  2xx"),
    page("POST /events/new",                                          "login  422  403  303  303  422  303  422",
        body={**EVENT_FORM, "calendar_id": "{calendar_id}"}, note="in the shared calendar: one the caller cannot see is 'no such calendar' (422)"),
    page("GET /events/free-rooms",                                    "login  2xx  2xx  2xx  2xx  2xx  2xx  2xx",
        query={"starts": "{form_starts}", "ends": "{form_ends}", "timezone": "UTC"}),
    page("GET /events/find-a-time",                                   "login  2xx  2xx  2xx  2xx  2xx  2xx  2xx",
        query={"starts": "{form_starts}", "ends": "{form_ends}", "timezone": "UTC", "participants": "{participant_email}"},
        note="the event form's scheduling grid and suggestions: free/busy only, never a title (an htmx fragment)"),
    page("GET /events/participant-field",                             "login  2xx  2xx  2xx  2xx  2xx  2xx  2xx"),
    page("GET /events/{event_id}",                                    "login  404  2xx  2xx  2xx  2xx  2xx  404"),
    page("GET /events/{event_id}/edit",                               "login  404  403  2xx  2xx  403  2xx  404"),
    page("POST /events/{event_id}/edit",                              "login  404  403  303  303  403  303  404", fresh=SCENE,
        body={**EVENT_FORM, "calendar_id": "{calendar_id}", "participants": "{participant_email}"}),
    page("POST /events/{event_id}/cancel",                            "login  404  403  303  303  403  303  404", fresh=SCENE),
    page("POST /events/{event_id}/response",                          "login  404  403  403  403  303  403  404",
        body={"status": "tentative"}),
    page("GET /events/{event_id}/attendance",                         "login  404  2xx  2xx  2xx  2xx  2xx  404"),
    page("GET /events/repeat-picker",                                 "login  2xx  2xx  2xx  2xx  2xx  2xx  2xx",
        query={"starts": "{form_starts}", "repeat": "monthly"}, note="the repeat picker worded for a start: an htmx fragment"),
    page("GET /events/{event_id}/occurrences/{recurrence_id}",        "login  404  2xx  2xx  2xx  2xx  2xx  404"),
    page("GET /events/{event_id}/occurrences/{recurrence_id}/edit",   "login  404  403  2xx  2xx  403  2xx  404"),
    page("POST /events/{event_id}/occurrences/{recurrence_id}/edit",  "login  404  403  303  303  403  303  404", fresh=SCENE,
        body={**EVENT_FORM, "scope": "this"}),
    page("POST /events/{event_id}/occurrences/{recurrence_id}/cancel", "login  404  403  303  303  403  303  404", fresh=SCENE,
        body={"scope": "this"}),
    page("GET /working-hours",                                        "login  2xx  2xx  2xx  2xx  2xx  2xx  2xx"),
    page("POST /working-hours",                                       "login  303  303  303  303  303  303  303",
        body={"timezone": "UTC", "mon": "09:00-17:00"}, note="the caller's own working hours; nobody else's"),
    page("GET /out-of-office",                                        "login  2xx  2xx  2xx  2xx  2xx  2xx  2xx"),
    page("POST /out-of-office",                                       "login  303  303  303  303  303  303  303",
        body={"starts": "{form_starts}", "ends": "{form_ends}", "note": "Away"}, note="the caller's own ranges"),
    page("POST /out-of-office/{absence_id}/delete",                   "login  303  303  303  303  303  303  303",
        absence_id="00000000-0000-7000-8000-000000000000",
        note="takes back one of the caller's own ranges; another's id (here nobody's) changes nothing"),
    page("GET /calendars",                                            "login  2xx  2xx  2xx  2xx  2xx  2xx  2xx",
        note="each calendar's feed and import; the buttons are for those who may use them"),
    page("GET /rooms",                                                "login  2xx  2xx  2xx  2xx  2xx  2xx  2xx"),
    page("POST /rooms",                                               "login  403  403  403  403  403  403  303",
        body={"name": "Room {unique}", "capacity": "4", "location": ""}),
    page("GET /admin/invitations",                                    "login  403  403  403  403  403  403  2xx"),
    page("POST /admin/invitations",                                   "login  403  403  403  403  403  403  2xx",
        body={"email": "invited-{unique}@example.com"}),
    page("GET /notifications",                                        "login  2xx  2xx  2xx  2xx  2xx  2xx  2xx"),
    page("POST /notifications/{notification_id}/read",                "login  404  404  404  404  303  404  404"),
    page("GET /settings/notifications",                               "login  2xx  2xx  2xx  2xx  2xx  2xx  2xx"),
    page("POST /settings/notifications",                              "login  2xx  2xx  2xx  2xx  2xx  2xx  2xx",
        body={"event_invited.in_app": "on", "event_invited.email": "on"}),
    page("GET /admin/mail",                                           "login  403  403  403  403  403  403  2xx"),
    page("POST /notifications/read-all",                              "login  303  303  303  303  303  303  303"),
    page("GET /tokens",                                               "login  2xx  2xx  2xx  2xx  2xx  2xx  2xx"),
    page("POST /tokens",                                              "login  2xx  2xx  2xx  2xx  2xx  2xx  2xx",
        body={"name": "Page token {unique}", "scopes": "events:read"}, note="answers the page with the new token shown once"),
    page("POST /tokens/{token_id}/revoke",                            "login  303  303  303  303  303  303  303",
        note="someone else's token is left alone: the answer is the same list"),
    page("GET /google",                                               "login  2xx  2xx  2xx  2xx  2xx  2xx  2xx"),
    page("GET /webhooks",                                             "login  2xx  2xx  2xx  2xx  2xx  2xx  2xx"),
    page("POST /webhooks",                                            "login  2xx  2xx  2xx  2xx  2xx  2xx  2xx",
        body={"url": "http://127.0.0.1:9/page-{unique}", "events": "event.created"}, note="the page shows the new secret once"),
    page("GET /webhooks/{subscription_id}",                           "login  404  404  404  2xx  404  404  404"),
    page("POST /webhooks/{subscription_id}/deliveries/{delivery_id}/retry", "login  404  404  404  303  404  404  404"),
    page("POST /webhooks/{subscription_id}/enable",                   "login  404  404  404  303  404  404  404"),
    page("POST /webhooks/{subscription_id}/delete",                   "login  404  404  404  303  404  404  404",
        note="after the API's rows: the owner's subscription is gone from here on"),
)
# fmt: on


def markdown_table(rows: tuple[Row, ...] = MATRIX) -> str:
    """The matrix as the Markdown table docs/security.md shows."""
    lines = [
        "| route | " + " | ".join(ROLES) + " | API token | note |",
        "|---|" + "---|" * (len(ROLES) + 2),
    ]
    lines.extend(
        f"| `{row.route}` | "
        + " | ".join(row.answers[role] for role in ROLES)
        + f" | {row.token and f'`{row.token}`'} | {row.note} |"
        for row in rows
    )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")  # noqa: T201 - the table to paste into docs/security.md
