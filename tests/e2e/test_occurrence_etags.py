"""ETag and If-Match per occurrence: an occurrence's ETag changes with the whole series and with that
occurrence, not with its siblings; the series keeps its own (version) ETag."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.e2e.people import Person, sign_up

Client = AsyncTestClient[Litestar]

WEEKLY = {
    "title": "Stand-up",
    "starts_at": "2027-03-15T10:00:00+01:00",
    "ends_at": "2027-03-15T11:00:00+01:00",
    "timezone": "Europe/Berlin",
    "recurrence": {"rule": "FREQ=WEEKLY;BYDAY=MO;COUNT=4"},
}
FIRST, SECOND = "2027-03-15T09:00:00Z", "2027-03-22T09:00:00Z"


async def weekly_series(person: Person) -> str:
    created = await person.post("/api/events", WEEKLY)
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def occurrence(series_id: str, recurrence_id: str) -> str:
    return f"/api/events/{series_id}/occurrences/{quote(recurrence_id)}"


async def etag_of(person: Person, path: str) -> str:
    answer = await person.get(path)
    assert answer.status_code == 200, answer.text
    return str(answer.headers["etag"])


def refused_as_stale(answer: Any) -> None:
    assert answer.status_code == 412, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["status"] == 412


async def test_an_occurrences_etag_survives_a_change_to_another_occurrence(client: Client) -> None:
    alice = await sign_up(client, "alice")
    series_id = await weekly_series(alice)
    first = await etag_of(alice, occurrence(series_id, FIRST))

    renamed = await alice.patch(occurrence(series_id, SECOND), {"title": "Retro"})
    assert renamed.status_code == 200, renamed.text
    cancelled = await alice.delete(occurrence(series_id, "2027-03-29T08:00:00Z"))
    assert cancelled.status_code == 204, cancelled.text

    assert await etag_of(alice, occurrence(series_id, FIRST)) == first
    changed = await alice.patch(occurrence(series_id, FIRST), {"location": "Room 4"}, headers={"If-Match": first})
    assert changed.status_code == 200, changed.text
    assert changed.json()["location"] == "Room 4"


async def test_a_change_to_an_occurrence_makes_its_old_etag_stale(client: Client) -> None:
    alice = await sign_up(client, "alice")
    series_id = await weekly_series(alice)
    second = occurrence(series_id, SECOND)
    read = await etag_of(alice, second)

    changed = await alice.patch(second, {"title": "Retro"}, headers={"If-Match": read})
    assert changed.status_code == 200, changed.text
    assert changed.headers["etag"] != read
    assert changed.headers["etag"] == await etag_of(alice, second)

    refused_as_stale(await alice.patch(second, {"title": "Lost edit"}, headers={"If-Match": read}))
    refused_as_stale(await alice.delete(second, headers={"If-Match": read}))
    assert (await alice.get(second)).json()["title"] == "Retro"
    cancelled = await alice.delete(second, headers={"If-Match": changed.headers["etag"]})
    assert cancelled.status_code == 204, cancelled.text


async def test_a_change_to_the_whole_series_makes_every_occurrences_etag_stale(client: Client) -> None:
    alice = await sign_up(client, "alice")
    series_id = await weekly_series(alice)
    first = await etag_of(alice, occurrence(series_id, FIRST))
    second = await etag_of(alice, occurrence(series_id, SECOND))

    renamed = await alice.patch(f"/api/events/{series_id}", {"title": "Daily sync"})
    assert renamed.status_code == 200, renamed.text

    refused_as_stale(await alice.patch(occurrence(series_id, FIRST), {"title": "Mine"}, headers={"If-Match": first}))
    refused_as_stale(await alice.delete(occurrence(series_id, SECOND), headers={"If-Match": second}))
    split = await alice.patch(
        f"{occurrence(series_id, SECOND)}?scope=following", {"title": "Mine"}, headers={"If-Match": second}
    )
    refused_as_stale(split)
    assert {item["title"] for item in await occurrences_listed(alice)} == {"Daily sync"}


async def test_the_series_keeps_its_version_etag_and_an_occurrence_answers_its_own(client: Client) -> None:
    alice = await sign_up(client, "alice")
    series_id = await weekly_series(alice)
    series = await etag_of(alice, f"/api/events/{series_id}")
    second = await etag_of(alice, occurrence(series_id, SECOND))
    assert series == '"v1"'
    assert second.startswith('"o-')
    assert second != await etag_of(alice, occurrence(series_id, FIRST))

    # A series' ETag names the series, not the occurrence: refused as a precondition on the occurrence.
    refused_as_stale(await alice.patch(occurrence(series_id, SECOND), {"title": "x"}, headers={"If-Match": series}))
    renamed = await alice.patch(occurrence(series_id, SECOND), {"title": "Retro"})
    assert renamed.status_code == 200, renamed.text
    # Without If-Match it works as before, and the series' own version moves on with any change to it.
    assert await etag_of(alice, f"/api/events/{series_id}") == '"v2"'
    refused_as_stale(await alice.patch(f"/api/events/{series_id}", {"title": "Old"}, headers={"If-Match": series}))


async def test_splitting_with_a_current_etag_answers_the_first_new_occurrences_etag(client: Client) -> None:
    alice = await sign_up(client, "alice")
    series_id = await weekly_series(alice)
    second = await etag_of(alice, occurrence(series_id, SECOND))

    split = await alice.patch(
        f"{occurrence(series_id, SECOND)}?scope=following", {"title": "New format"}, headers={"If-Match": second}
    )

    assert split.status_code == 200, split.text
    new_series = split.json()["series_id"]
    assert split.headers["etag"] == await etag_of(alice, occurrence(new_series, SECOND))


async def occurrences_listed(person: Person) -> list[dict[str, Any]]:
    answer = await person.get("/api/events?start=2027-03-14T00:00:00Z&end=2027-04-12T00:00:00Z")
    assert answer.status_code == 200, answer.text
    return list(answer.json()["items"])
