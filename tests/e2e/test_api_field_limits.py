"""The limits the OpenAPI schema advertises are the domain's own: a client that keeps to them is never refused for size.

The schema once said a calendar description may have 10,000 characters while the domain refused
more than 2,000; each limit below is read from the served schema and compared with the constant the
domain enforces.
"""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from domain.accounts import api_token, invitation, user
from domain.accounts.email import MAX_EMAIL_LENGTH
from domain.availability import out_of_office, suggestions
from domain.google_sync.write_back import MAX_GOOGLE_CALENDAR_ID_LENGTH
from domain.notifications.preferences import CHOOSABLE_KINDS, Channel
from domain.scheduling import calendar, event, recurrence, room
from domain.scheduling.calendar import CalendarRole
from domain.scheduling.participant import ANSWERS
from domain.scheduling.reminders import MAX_REMINDER_MINUTES, MAX_REMINDERS
from domain.scheduling.timezone import MAX_TIMEZONE_LENGTH
from domain.webhooks import subscription
from entrypoints.http.schemas.events import RECURRENCE_ID_LENGTH, EventCreate, EventUpdate

Client = AsyncTestClient[Litestar]
Schema = dict[str, Any]
BOUND_KEYWORDS = ("minLength", "maxLength", "minimum", "maximum", "maxItems")

# (request body, field, JSON Schema keyword) -> the domain's limit
DOMAIN_LIMITS: dict[tuple[str, str, str], int] = {
    ("Register", "email", "maxLength"): MAX_EMAIL_LENGTH,
    ("Register", "name", "maxLength"): user.MAX_NAME_LENGTH,
    ("Register", "password", "minLength"): user.MIN_PASSWORD_LENGTH,
    ("Register", "password", "maxLength"): user.MAX_PASSWORD_LENGTH,
    ("Register", "timezone", "maxLength"): MAX_TIMEZONE_LENGTH,
    ("Login", "email", "maxLength"): MAX_EMAIL_LENGTH,
    ("Login", "password", "maxLength"): user.MAX_PASSWORD_LENGTH,
    ("Register", "invitation", "maxLength"): invitation.MAX_TOKEN_LENGTH,
    ("UserPromote", "email", "maxLength"): MAX_EMAIL_LENGTH,
    ("InvitationCreate", "email", "maxLength"): MAX_EMAIL_LENGTH,
    **{
        (body, kind.value, "maxItems"): len(Channel)
        for body in ("NotificationPreferencesChange", "NotificationPreferencesView")
        for kind in CHOOSABLE_KINDS
    },
    **{
        (body, name, "maxLength"): limit
        for body in ("CalendarCreate", "CalendarUpdate")
        for name, limit in (("name", calendar.MAX_NAME_LENGTH), ("description", calendar.MAX_DESCRIPTION_LENGTH))
    },
    ("MemberAdd", "email", "maxLength"): MAX_EMAIL_LENGTH,
    **{
        (body, name, keyword): limit
        for body in ("RoomCreate", "RoomUpdate")
        for name, keyword, limit in (
            ("name", "maxLength", room.MAX_NAME_LENGTH),
            ("location", "maxLength", room.MAX_LOCATION_LENGTH),
            ("capacity", "minimum", 1),
            ("capacity", "maximum", room.MAX_CAPACITY),
        )
    },
    **{
        (body, name, keyword): limit
        for body in ("EventCreate", "EventUpdate")
        for name, keyword, limit in (
            ("title", "maxLength", event.MAX_TITLE_LENGTH),
            ("description", "maxLength", event.MAX_DESCRIPTION_LENGTH),
            ("location", "maxLength", event.MAX_LOCATION_LENGTH),
            ("timezone", "maxLength", MAX_TIMEZONE_LENGTH),
            ("participants", "maxItems", event.MAX_PARTICIPANTS),
            ("reminders", "maxItems", MAX_REMINDERS),
        )
    },
    ("ParticipantAdd", "email", "maxLength"): MAX_EMAIL_LENGTH,
    ("RecurrenceIn", "rule", "maxLength"): recurrence.MAX_RULE_LENGTH,
    ("RecurrenceIn", "exdates", "maxItems"): recurrence.MAX_RECURRENCE_DATES,
    ("RecurrenceIn", "rdates", "maxItems"): recurrence.MAX_RECURRENCE_DATES,
    ("ResponseIn", "recurrence_id", "maxLength"): RECURRENCE_ID_LENGTH,
    ("ApiTokenCreate", "name", "maxLength"): api_token.MAX_NAME_LENGTH,
    ("ApiTokenCreate", "scopes", "maxItems"): len(api_token.TokenScope),
    ("WorkingHours", "timezone", "maxLength"): MAX_TIMEZONE_LENGTH,
    ("WorkingHoursIn", "timezone", "maxLength"): MAX_TIMEZONE_LENGTH,
    ("OutOfOfficeIn", "note", "maxLength"): out_of_office.MAX_NOTE_LENGTH,
    ("SuggestionsIn", "participants", "maxItems"): suggestions.MAX_PARTICIPANTS,
    ("SuggestionsIn", "optional_participants", "maxItems"): suggestions.MAX_PARTICIPANTS,
    ("SuggestionsIn", "capacity", "minimum"): 1,
    ("SuggestionsIn", "capacity", "maximum"): room.MAX_CAPACITY,
    ("SuggestionsIn", "limit", "minimum"): 1,
    ("SuggestionsIn", "limit", "maximum"): suggestions.MAX_SUGGESTIONS,
    ("WebhookCreate", "url", "maxLength"): subscription.MAX_URL_LENGTH,
    ("WriteBackChange", "google_calendar_id", "maxLength"): MAX_GOOGLE_CALENDAR_ID_LENGTH,
    ("WebhookCreate", "events", "maxItems"): subscription.MAX_LISTED_EVENT_TYPES,
}
# Lower bounds that are not a domain constant: "not empty", and the shortest thing an email can be.
NON_EMPTY = {"minLength": 1}
SHORTEST_EMAIL = 3


@pytest.fixture
async def openapi(client: Client) -> Schema:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    return dict(response.json())


def _bound(field: Schema, keyword: str) -> Any:
    """The keyword's value on a field, also when the field is optional (`oneOf` with null or unset)."""
    if keyword in field:
        return field[keyword]
    return next((member[keyword] for member in field.get("oneOf", ()) if keyword in member), None)


def _advertised_bounds(openapi: Schema) -> dict[tuple[str, str, str], Any]:
    bounds: dict[tuple[str, str, str], Any] = {}
    for body, schema in openapi["components"]["schemas"].items():
        for name, field in schema.get("properties", {}).items():
            for keyword in BOUND_KEYWORDS:
                value = _bound(field, keyword)
                if value is not None:
                    bounds[(body, name, keyword)] = value
    return bounds


async def test_every_upper_limit_the_api_advertises_is_the_domains(openapi: Schema) -> None:
    advertised = {key: value for key, value in _advertised_bounds(openapi).items() if key[2] != "minLength"}
    expected = {key: value for key, value in DOMAIN_LIMITS.items() if key[2] != "minLength"}
    assert advertised == expected


async def test_every_lower_limit_the_api_advertises_is_the_domains_or_merely_not_empty(openapi: Schema) -> None:
    lower = {key: value for key, value in _advertised_bounds(openapi).items() if key[2] == "minLength"}
    for (body, name, keyword), value in lower.items():
        if (body, name, keyword) in DOMAIN_LIMITS:
            assert value == DOMAIN_LIMITS[(body, name, keyword)], (body, name)
        elif name == "email":
            assert value == SHORTEST_EMAIL, (body, name)
        else:
            assert value == NON_EMPTY[keyword], (body, name)
    assert ("Register", "password", "minLength") in lower


async def test_roles_and_answers_the_api_accepts_are_the_domains(openapi: Schema) -> None:
    schemas = openapi["components"]["schemas"]
    assert set(schemas["MemberAdd"]["properties"]["role"]["enum"]) == {role.value for role in CalendarRole}
    assert set(schemas["ResponseIn"]["properties"]["status"]["enum"]) == {answer.value for answer in ANSWERS}


async def test_free_room_search_takes_at_most_the_largest_room_there_may_be(openapi: Schema) -> None:
    parameters = openapi["paths"]["/api/rooms/available"]["get"]["parameters"]
    [capacity] = [p for p in parameters if p["name"] == "capacity"]
    assert (capacity["schema"]["minimum"], capacity["schema"]["maximum"]) == (1, room.MAX_CAPACITY)


@pytest.mark.parametrize("body", [EventCreate, EventUpdate])
def test_each_guest_and_reminder_is_bounded_as_the_domain_bounds_it(body: type[msgspec.Struct]) -> None:
    # The OpenAPI schema leaves the list items' own bounds out; msgspec, which enforces them, shows them.
    (_, components) = msgspec.json.schema_components([body])
    fields = components[body.__name__]["properties"]
    participants, reminders = _list_schema(fields["participants"]), _list_schema(fields["reminders"])
    assert participants["items"]["maxLength"] == MAX_EMAIL_LENGTH
    assert reminders["items"]["maximum"] == MAX_REMINDER_MINUTES


def _list_schema(field: Schema) -> Schema:
    if field.get("type") == "array":
        return field
    return next(member for member in field["anyOf"] if member.get("type") == "array")
