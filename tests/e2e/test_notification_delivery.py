"""Through the API and a real worker: commit -> outbox -> SAQ -> PostgreSQL -> Redis, and reminders on time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from saq.queue.redis import RedisQueue
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.saq.notifications import enqueue_notification, notification_job_key
from adapters.saq.queue import create_queue
from domain.notifications.notification import NotificationDraft, NotificationType
from entrypoints.settings import Settings
from tests.e2e.delivery import Listener, all_processed, finished_job, listening, notifications_of, rows
from tests.e2e.people import Person, at, sign_up
from tests.support.waiting import wait_for


@pytest.fixture
async def queue(settings: Settings) -> AsyncIterator[RedisQueue]:
    """The SAQ queue on the test Redis, to enqueue jobs as the cron would."""
    queue = create_queue(settings.redis.url or "")
    yield queue
    await queue.disconnect()


async def test_an_invitee_is_told_once_and_live_within_seconds(
    client: AsyncTestClient[Litestar], worker: None, settings: Settings, engine: AsyncEngine
) -> None:
    ada, bob = await sign_up(client, "ada"), await sign_up(client, "bob")

    async with listening(settings.redis.url or "", [bob.id]) as bobs_channel:
        created = await ada.post(
            "/api/events",
            json={"title": "Planning", "starts_at": at(10), "ends_at": at(11), "participants": [bob.email]},
        )
        assert created.status_code == 201, created.text

        async def told() -> bool:
            return bool(bobs_channel.notifications("event_invited")) and await all_processed(engine)

        await wait_for(told, timeout=10, what="bob's invitation to be stored and published")

    invitations = await notifications_of(engine, bob.id)
    assert [(row.type, row.title, str(row.event_id)) for row in invitations] == [
        ("event_invited", "Invitation: Planning", created.json()["id"])
    ]
    assert invitations[0].message.startswith("ada invited you to Planning on ")
    (live,) = bobs_channel.notifications()
    assert live.notification is not None
    assert (live.seq, live.unread_count, live.notification.id) == (1, 1, invitations[0].id)
    assert await notifications_of(engine, ada.id) == []


async def test_an_answer_a_change_and_a_cancellation_reach_the_right_people(
    client: AsyncTestClient[Litestar], worker: None, engine: AsyncEngine
) -> None:
    ada, bob, carol = await sign_up(client, "ada"), await sign_up(client, "bob"), await sign_up(client, "carol")
    event = (
        await ada.post(
            "/api/events",
            json={
                "title": "Planning",
                "starts_at": at(10),
                "ends_at": at(11),
                "participants": [bob.email, carol.email],
            },
        )
    ).json()

    await _step(engine, bob.post(f"/api/events/{event['id']}/response", json={"status": "accepted"}))
    await _step(engine, ada.patch(f"/api/events/{event['id']}", json={"location": "Roof terrace"}))
    await _step(engine, ada.patch(f"/api/events/{event['id']}", json={"description": "Agenda inside"}))
    await _step(engine, ada.delete(f"/api/events/{event['id']}"))

    assert await _types(engine, ada) == ["participant_response"]
    assert await _types(engine, bob) == ["event_invited", "event_updated", "event_cancelled"]
    assert await _types(engine, carol) == ["event_invited", "event_updated", "event_cancelled"]
    (updated,) = await notifications_of(engine, carol.id, "event_updated")
    assert updated.message.startswith("ada changed the location of Planning: now on ")
    assert updated.message.endswith(" at Roof terrace")


async def test_a_declined_participant_gets_no_reminder(
    client: AsyncTestClient[Litestar], worker: None, engine: AsyncEngine, queue: RedisQueue
) -> None:
    ada, bob, carol = await sign_up(client, "ada"), await sign_up(client, "bob"), await sign_up(client, "carol")
    # The 10-minute reminder comes due two seconds from now.
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=10, seconds=2)
    event = (
        await ada.post(
            "/api/events",
            json={
                "title": "Standup",
                "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(minutes=15)).isoformat(),
                "participants": [bob.email, carol.email],
                "reminders": [10],
            },
        )
    ).json()
    await _step(engine, bob.post(f"/api/events/{event['id']}/response", json={"status": "declined"}))
    assert await _reminded(engine, event["id"]) == {UUID(ada.id), UUID(carol.id)}

    async def due() -> bool:
        return datetime.now(UTC) >= starts - timedelta(minutes=10)

    await wait_for(due, timeout=10, what="the reminder to come due")
    await queue.enqueue("send_scheduled_reminders", key="test:reminders-now")
    run = await finished_job(queue, "test:reminders-now", timeout=10)

    assert run.result == {"sent": 2, "dropped": 0, "postponed": 0}
    assert await _types(engine, bob) == ["event_invited"]
    for person in (ada, carol):
        (reminder,) = await notifications_of(engine, person.id, "event_reminder")
        assert reminder.title == "Reminder: Standup"


async def test_a_reminder_moves_when_the_event_moves(
    client: AsyncTestClient[Litestar], worker: None, engine: AsyncEngine
) -> None:
    ada, bob = await sign_up(client, "ada"), await sign_up(client, "bob")
    event = (
        await ada.post(
            "/api/events",
            json={
                "title": "Planning",
                "starts_at": at(10),
                "ends_at": at(11),
                "participants": [bob.email],
                "reminders": [10, 60],
            },
        )
    ).json()
    await wait_for(lambda: all_processed(engine), timeout=10, what="the event to be planned")
    before = await _due_times(engine, event["id"])

    moved = await ada.patch(f"/api/events/{event['id']}", json={"starts_at": at(14), "ends_at": at(15)})
    assert moved.status_code == 200, moved.text

    async def moved_along() -> bool:
        return await _due_times(engine, event["id"]) == {key: due + timedelta(hours=4) for key, due in before.items()}

    await wait_for(moved_along, timeout=10, what="the reminders to move with the event")
    assert len(before) == 4


async def test_a_notification_asked_for_twice_through_the_queue_is_stored_and_published_once(
    client: AsyncTestClient[Litestar], worker: None, settings: Settings, engine: AsyncEngine, queue: RedisQueue
) -> None:
    bob = await sign_up(client, "bob")
    draft = NotificationDraft(
        user_id=UUID(bob.id),
        type=NotificationType.JOB_FAILED,
        title="Import failed",
        message="3 of 5 calendars could not be imported",
        event_id=None,
        dedupe_key="job_failed:import-42",
    )

    async with listening(settings.redis.url or "", [bob.id]) as bobs_channel:
        await enqueue_notification(queue, draft)
        await finished_job(queue, notification_job_key(draft), timeout=10)
        await enqueue_notification(queue, draft)
        again = await finished_job(queue, notification_job_key(draft), timeout=10)
        await wait_for(lambda: _published(bobs_channel, 1), timeout=5, what="the notification to be published")

    assert again.result == {"dedupe_key": "job_failed:import-42", "status": "stored_before"}
    assert [(row.type, row.title) for row in await notifications_of(engine, bob.id)] == [
        ("job_failed", "Import failed")
    ]
    assert len(bobs_channel.notifications()) == 1


async def _published(listener: Listener, count: int) -> bool:
    return len(listener.notifications()) >= count


async def _step(engine: AsyncEngine, request: object) -> None:
    response = await request  # type: ignore[misc]
    assert response.status_code < 300, response.text
    await wait_for(lambda: all_processed(engine), timeout=10, what="the worker to act on the change")


async def _types(engine: AsyncEngine, person: Person) -> list[str]:
    return [row.type for row in await notifications_of(engine, person.id)]


async def _reminded(engine: AsyncEngine, event_id: str) -> set[UUID]:
    found = await rows(engine, "SELECT user_id FROM reminders WHERE event_id = :id", id=UUID(event_id))
    return {row.user_id for row in found}


async def _due_times(engine: AsyncEngine, event_id: str) -> dict[tuple[UUID, int], datetime]:
    found = await rows(engine, "SELECT user_id, minutes, due_at FROM reminders WHERE event_id = :id", id=UUID(event_id))
    return {(row.user_id, row.minutes): row.due_at for row in found}
