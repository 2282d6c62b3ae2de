"""A series through the API and a real worker: reminders per occurrence, and news of the series told once."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import quote
from uuid import UUID

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.e2e.delivery import all_processed, notifications_of, rows
from tests.e2e.people import at, day, sign_up
from tests.support.waiting import wait_for


async def _reminded(engine: AsyncEngine, event_id: str) -> set[tuple[str, datetime]]:
    found = await rows(engine, "SELECT user_id, recurrence_id FROM reminders WHERE event_id = :id", id=UUID(event_id))
    return {(str(row.user_id), row.recurrence_id) for row in found}


async def _processed(engine: AsyncEngine, response: object) -> None:
    assert response.status_code < 300, response.text  # type: ignore[attr-defined]
    await wait_for(lambda: all_processed(engine), timeout=10, what="the worker to act on the change")


async def test_a_daily_series_reminds_each_occurrence_and_tells_its_changes_once(
    client: AsyncTestClient[Litestar], worker: None, engine: AsyncEngine
) -> None:
    ada, bob = await sign_up(client, "ada"), await sign_up(client, "bob")
    first, second = day(1) + timedelta(hours=10), day(2) + timedelta(hours=10)
    created = await ada.post(
        "/api/events",
        json={
            "title": "Stand-up",
            "starts_at": at(10, offset_days=1),
            "ends_at": at(10, 15, offset_days=1),
            "participants": [bob.email],
            "reminders": [15],
            "recurrence": {"rule": "FREQ=DAILY"},
        },
    )
    await _processed(engine, created)
    series_id = created.json()["id"]

    reminded = await _reminded(engine, series_id)
    assert {(ada.id, first), (bob.id, first)} <= reminded
    assert all(recurrence_id < day(4) for _, recurrence_id in reminded), "a window ahead, never years of rows"

    # Bob declines tomorrow's stand-up only: no reminder of it for him, his others stay.
    await _processed(
        engine,
        await bob.post(
            f"/api/events/{series_id}/response", json={"status": "declined", "recurrence_id": first.isoformat()}
        ),
    )
    assert (bob.id, first) not in await _reminded(engine, series_id)
    assert (ada.id, first) in await _reminded(engine, series_id)
    (answer,) = await notifications_of(engine, ada.id, "participant_response")
    assert (
        answer.message == f"bob declined your invitation to Stand-up on {first:%a} {first.day} {first:%b} 10:00 (UTC)"
    )

    # The whole series moves to 09:30: Bob is told once, of the series, from its first date.
    await _processed(
        engine,
        await ada.patch(
            f"/api/events/{series_id}",
            json={"starts_at": at(9, 30, offset_days=1), "ends_at": at(9, 45, offset_days=1)},
        ),
    )
    (updated,) = await notifications_of(engine, bob.id, "event_updated")
    assert updated.message == (
        f"ada changed the time of the daily Stand-up: now starts at 09:30 (UTC), from {first:%a} {first.day} {first:%b}"
    )

    # One occurrence cancelled: told by its date, and nobody is reminded of it.
    moved_second = second - timedelta(minutes=30)
    await _processed(engine, await ada.delete(f"/api/events/{series_id}/occurrences/{quote(moved_second.isoformat())}"))
    (cancelled,) = await notifications_of(engine, bob.id, "event_cancelled")
    assert cancelled.message == f"ada cancelled Stand-up on {second:%a} {second.day} {second:%b} 09:30 (UTC)"
    assert moved_second not in {recurrence_id for _, recurrence_id in await _reminded(engine, series_id)}
