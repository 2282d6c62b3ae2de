"""Free/busy and suggestions through the Redis cache: the same answers as without it, never stale after a write."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import event

from adapters.redis.cache import create_cache_client, default_cache_url
from application.cache import person_key
from entrypoints.app import create_app
from entrypoints.http.dependencies import container_of
from entrypoints.settings import Settings
from tests.e2e.people import Person, sign_up
from tests.e2e.test_calendar_cache import reads_of, with_cache
from tests.e2e.test_find_a_time_api import blocks, book, person_in, z

Client = AsyncTestClient[Litestar]
# Three weeks from Wednesday 1 January 2031: the window starts and ends mid-week, over four UTC weeks.
WINDOW = {"start": z(-5, 12), "end": z(16, 12)}


async def free_busy_of(asker: Person, *emails: str, client: Client | None = None) -> Any:
    query = urlencode({"emails": ",".join(emails), **WINDOW})
    answer = await (client or asker.client).get(f"/api/freebusy?{query}", headers=asker.auth)
    assert answer.status_code == 200, answer.text
    return answer


async def test_free_busy_is_answered_from_the_cache_and_sees_a_booking_at_once(client: Client, app: Litestar) -> None:
    ada, bob = await sign_up(client, "ada"), await sign_up(client, "bob")
    await book(ada, "Review", z(0, 9), z(0, 10))

    first = await free_busy_of(bob, ada.email)
    hits = reads_of(app).hits
    again = await free_busy_of(bob, ada.email)
    assert reads_of(app).hits > hits
    assert again.content == first.content

    await book(ada, "Retro", z(1, 14), z(1, 15))
    invited = await book(bob, "Planning", z(2, 11), z(2, 12), participants=[ada.email])
    after = await free_busy_of(bob, ada.email)
    assert blocks(after.json(), ada.email) == [
        (z(0, 9)[:16], z(0, 10)[:16], "busy"),
        (z(1, 14)[:16], z(1, 15)[:16], "busy"),
        (z(2, 11)[:16], z(2, 12)[:16], "tentative"),
    ]

    accepted = await ada.post(f"/api/events/{invited['id']}/response", {"status": "accepted"})
    assert accepted.status_code == 200, accepted.text
    assert blocks((await free_busy_of(bob, ada.email)).json(), ada.email)[2][2] == "busy"


async def test_free_busy_of_people_the_cache_knows_asks_the_database_nothing(client: Client, app: Litestar) -> None:
    ada, bob, carol = await sign_up(client, "ada"), await sign_up(client, "bob"), await sign_up(client, "carol")
    await book(ada, "Review", z(0, 9), z(0, 10))
    await book(bob, "Retro", z(1, 14), z(1, 15), participants=[ada.email])
    # The first request finds the people in the database, the second keeps their records and parts.
    answers = [(await free_busy_of(carol, ada.email, bob.email)).content for _ in range(2)]

    checkouts: list[object] = []
    pool = container_of(app).connections.engine.sync_engine.pool

    def checkout(*_: object) -> None:
        checkouts.append(_)

    event.listen(pool, "checkout", checkout)
    try:
        warm = await free_busy_of(carol, ada.email, bob.email)
    finally:
        event.remove(pool, "checkout", checkout)
    assert checkouts == []
    assert warm.content == answers[0] == answers[1]
    assert blocks(warm.json(), ada.email) == [
        (z(0, 9)[:16], z(0, 10)[:16], "busy"),
        (z(1, 14)[:16], z(1, 15)[:16], "tentative"),
    ]


async def test_who_has_an_email_is_only_a_hint_in_the_cache(client: Client, settings: Settings) -> None:
    ada, bob = await sign_up(client, "ada"), await sign_up(client, "bob")
    await book(ada, "Review", z(0, 9), z(0, 10))
    await book(bob, "Retro", z(1, 14), z(1, 15))
    for _ in range(3):
        await free_busy_of(bob, ada.email, bob.email)

    # Ada's address pointing at Bob (say, an address given up and taken again): Bob's record says otherwise.
    cache = create_cache_client(settings.redis.cache_url or default_cache_url(settings.redis.url or ""))
    try:
        await cache.set(person_key(ada.email), bob.id, ex=60)
    finally:
        await cache.aclose()
    for _ in range(2):
        seen = (await free_busy_of(bob, ada.email)).json()
        assert blocks(seen, ada.email) == [(z(0, 9)[:16], z(0, 10)[:16], "busy")]


async def test_out_of_office_is_seen_at_once_through_the_cache_across_weeks(client: Client) -> None:
    ada, bob = await sign_up(client, "ada"), await sign_up(client, "bob")
    await book(ada, "Review", z(0, 9), z(0, 10))
    assert blocks((await free_busy_of(bob, ada.email)).json(), ada.email) == [(z(0, 9)[:16], z(0, 10)[:16], "busy")]

    # From Saturday to the Tuesday after next: one block, though it spans three UTC weeks.
    marked = await ada.post("/api/me/out-of-office", {"starts_at": z(5, 0), "ends_at": z(15, 0)})
    assert marked.status_code == 201, marked.text
    assert blocks((await free_busy_of(bob, ada.email)).json(), ada.email) == [
        (z(0, 9)[:16], z(0, 10)[:16], "busy"),
        (z(5, 0)[:16], z(15, 0)[:16], "out_of_office"),
    ]

    removed = await ada.delete(f"/api/me/out-of-office/{marked.json()['id']}")
    assert removed.status_code == 204
    assert blocks((await free_busy_of(bob, ada.email)).json(), ada.email) == [(z(0, 9)[:16], z(0, 10)[:16], "busy")]


async def test_changed_working_hours_are_seen_at_once_through_the_cached_free_busy(
    client: Client, app: Litestar
) -> None:
    ada, bob = await person_in(client, "Europe/Berlin"), await sign_up(client, "bob")
    nine_to_five = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
    assert (
        await ada.put("/api/me/working-hours", {"timezone": "Europe/Berlin", "days": nine_to_five})
    ).status_code == 200

    first = (await free_busy_of(bob, ada.email)).json()["people"][ada.email]
    hits = reads_of(app).hits
    assert (await free_busy_of(bob, ada.email)).json()["people"][ada.email] == first
    assert reads_of(app).hits > hits  # answered from the cache

    # The same zone, other hours: nothing in the cache's key changes but the person's generation.
    mornings = {"mon": [["08:00", "12:00"]]}
    assert (await ada.put("/api/me/working-hours", {"timezone": "Europe/Berlin", "days": mornings})).status_code == 200
    after = (await free_busy_of(bob, ada.email)).json()["people"][ada.email]
    assert after["working_hours"] != first["working_hours"]
    assert [(s["start"][11:16], s["end"][11:16]) for s in after["working_hours"]] == [("07:00", "11:00")] * 3


async def test_cached_free_busy_and_suggestions_are_the_answers_computed_without_the_cache(
    client: Client, settings: Settings
) -> None:
    ada, bob = await person_in(client, "Europe/Berlin"), await person_in(client, "America/New_York")
    carol = await sign_up(client, "carol")
    await book(ada, "Stand-up", z(-21, 8), z(-21, 8.25), recurrence={"rule": "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR"})
    await book(bob, "Late call", z(6, 23), z(7, 1))  # Sunday night into Monday: cut at the week's end
    holiday = {"title": "Holiday", "all_day": True, "start_date": "2031-01-09", "end_date": "2031-01-10"}
    assert (await bob.post("/api/events", {**holiday, "transparency": "busy"})).status_code == 201
    await book(carol, "Workshop", z(2, 13), z(2, 17), participants=[ada.email, bob.email])
    await ada.post("/api/me/out-of-office", {"starts_at": z(9, 0), "ends_at": z(11, 0)})
    emails = (ada.email, bob.email, carol.email)
    suggestion = {"participants": list(emails), "duration_minutes": 45, "limit": 20, **WINDOW}

    cached_answers = []
    for _ in range(3):  # the first finds the people, the second keeps their parts, the third reads them all
        cached_answers.append((await free_busy_of(carol, *emails)).content)
        suggested = await carol.post("/api/scheduling/suggestions", suggestion)
        assert suggested.status_code == 200, suggested.text
        cached_answers.append(suggested.content)

    uncached_app = create_app(with_cache(settings, ttl_seconds=0), configure_logs=False)
    async with AsyncTestClient(app=uncached_app) as uncached:
        plain = (await free_busy_of(carol, *emails, client=uncached)).content
        plain_suggested = await uncached.post("/api/scheduling/suggestions", json=suggestion, headers=carol.auth)
    assert reads_of(uncached_app).hits == 0
    assert cached_answers == [plain, plain_suggested.content] * 3
    assert blocks(json.loads(plain), bob.email) == [
        (z(2, 13)[:16], z(2, 17)[:16], "tentative"),
        (z(3, 5)[:16], z(4, 5)[:16], "busy"),
        (z(6, 23)[:16], z(7, 1)[:16], "busy"),
    ]


async def test_rooms_read_through_the_cache_see_every_change_of_their_bookings_at_once(
    client: Client, app: Litestar
) -> None:
    admin, ada, bob = await sign_up(client, "admin"), await sign_up(client, "ada"), await sign_up(client, "bob")
    annex = (await admin.post("/api/rooms", {"name": "Annex", "capacity": 6})).json()
    query = urlencode({"rooms": annex["id"], **WINDOW})

    async def room_busy() -> list[tuple[str, str]]:
        answer = await ada.get(f"/api/freebusy?{query}")
        assert answer.status_code == 200, answer.text
        return [(b["start"][:16], b["end"][:16]) for b in answer.json()["rooms"][annex["id"]]["busy"]]

    review = await book(ada, "Review", z(0, 9), z(0, 10), room_id=annex["id"])
    assert await room_busy() == [(z(0, 9)[:16], z(0, 10)[:16])]
    hits = reads_of(app).hits
    assert await room_busy() == [(z(0, 9)[:16], z(0, 10)[:16])]
    assert reads_of(app).hits > hits  # answered from the cache

    retro = await book(bob, "Retro", z(1, 14), z(1, 15), room_id=annex["id"])  # booked by someone else
    assert await room_busy() == [(z(0, 9)[:16], z(0, 10)[:16]), (z(1, 14)[:16], z(1, 15)[:16])]
    moved = await ada.patch(f"/api/events/{review['id']}", {"starts_at": z(2, 9), "ends_at": z(2, 11)})
    assert moved.status_code == 200, moved.text
    assert await room_busy() == [(z(1, 14)[:16], z(1, 15)[:16]), (z(2, 9)[:16], z(2, 11)[:16])]
    cancelled = await bob.delete(f"/api/events/{retro['id']}")
    assert cancelled.status_code == 204, cancelled.text
    assert await room_busy() == [(z(2, 9)[:16], z(2, 11)[:16])]
    elsewhere = await ada.patch(f"/api/events/{review['id']}", {"room_id": None})
    assert elsewhere.status_code == 200, elsewhere.text
    assert await room_busy() == []


async def test_suggested_rooms_read_through_the_cache_follow_bookings_and_the_rooms_themselves(
    client: Client, app: Litestar
) -> None:
    admin, ada = await sign_up(client, "admin"), await sign_up(client, "ada")
    annex = (await admin.post("/api/rooms", {"name": "Annex", "capacity": 4})).json()
    request = {
        "participants": [ada.email],
        "duration_minutes": 60,
        "capacity": 4,
        "room_required": True,
        "limit": 1,
        "start": z(0, 9),
        "end": z(0, 12),
    }

    async def first_slot() -> tuple[str, list[str]]:
        answer = await ada.post("/api/scheduling/suggestions", request)
        assert answer.status_code == 200, answer.text
        items = answer.json()["items"]
        return (items[0]["start"], [room["name"] for room in items[0]["rooms"]]) if items else ("", [])

    assert await first_slot() == (z(0, 9), ["Annex"])
    hits = reads_of(app).hits
    assert await first_slot() == (z(0, 9), ["Annex"])
    assert reads_of(app).hits > hits  # answered from the cache

    await book(admin, "Board", z(0, 9), z(0, 10), room_id=annex["id"])
    assert await first_slot() == (z(0, 10), ["Annex"])
    renamed = await admin.patch(f"/api/rooms/{annex['id']}", {"name": "Attic", "capacity": 8})
    assert renamed.status_code == 200, renamed.text
    assert await first_slot() == (z(0, 10), ["Attic"])
    second = (await admin.post("/api/rooms", {"name": "Basement", "capacity": 4})).json()
    assert await first_slot() == (z(0, 9), ["Basement"])  # the snuggest free room first
    assert (await admin.delete(f"/api/rooms/{second['id']}")).status_code == 204
    assert await first_slot() == (z(0, 10), ["Attic"])
