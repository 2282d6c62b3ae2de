"""room.booked and room.released follow each way an event's room changes: swapped, taken off, cancelled."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from application.scheduling.cancel_event import cancel_event
from application.scheduling.dto import CancelEvent, CancelOccurrence, UpdateEvent, UpdateOccurrence
from application.scheduling.occurrences import cancel_occurrence, update_occurrence
from application.scheduling.update_event import update_event
from domain.accounts.user import User
from domain.scheduling.event import Event, EventChanges
from domain.scheduling.occurrence import OccurrenceScope
from domain.scheduling.recurrence import Recurrence
from domain.webhooks.subscription import WebhookSubscription
from tests.integration.webhooks.conftest import Webhooks

ROOM_TYPES = ["room.booked", "room.released"]


async def room_messages(hooks: Webhooks, subscription: WebhookSubscription) -> list[tuple[str, str, Any]]:
    """(type, room id, recurrence id) of the room messages planned for the subscription since the last call, sorted."""
    await hooks.act_on_outbox()
    rows = await hooks.office.rows(
        "SELECT id, payload FROM webhook_deliveries WHERE subscription_id = :id", id=subscription.id
    )
    seen = _seen.setdefault(subscription.id, set())
    messages = [json.loads(row.payload) for row in rows if row.id not in seen]
    seen.update(row.id for row in rows)
    return sorted((m["type"], m["data"]["room_id"], m["data"]["recurrence_id"]) for m in messages)


_seen: dict[Any, set[Any]] = {}


async def organizer_with_rooms(hooks: Webhooks) -> tuple[User, Any, Any, WebhookSubscription]:
    alice = await hooks.office.person()
    first, second = await hooks.office.room(), await hooks.office.room()
    subscription = await hooks.subscribe(alice, "http://127.0.0.1:9/rooms", ROOM_TYPES)
    return alice, first, second, subscription


async def weekly(hooks: Webhooks, organizer: User, room_id: Any) -> Event:
    return await hooks.office.event(organizer, room_id=room_id, recurrence=Recurrence.of("FREQ=WEEKLY;COUNT=4"))


async def test_swapping_an_events_room_releases_the_old_one_and_books_the_new_one(hooks: Webhooks) -> None:
    alice, first, second, subscription = await organizer_with_rooms(hooks)
    event = await hooks.office.event(alice, room_id=first.id)
    await room_messages(hooks, subscription)

    changes = EventChanges(room_id=second.id)
    await update_event(
        UpdateEvent(actor_id=alice.id, event_id=event.id, changes=changes),
        uow=hooks.office.unit_of_work(),
        clock=hooks.clock,
    )

    assert await room_messages(hooks, subscription) == [
        ("room.booked", str(second.id), None),
        ("room.released", str(first.id), None),
    ]


async def test_taking_the_room_off_an_event_releases_it(hooks: Webhooks) -> None:
    alice, first, _, subscription = await organizer_with_rooms(hooks)
    event = await hooks.office.event(alice, room_id=first.id)
    assert await room_messages(hooks, subscription) == [("room.booked", str(first.id), None)]

    await update_event(
        UpdateEvent(actor_id=alice.id, event_id=event.id, changes=EventChanges(room_id=None)),
        uow=hooks.office.unit_of_work(),
        clock=hooks.clock,
    )

    assert await room_messages(hooks, subscription) == [("room.released", str(first.id), None)]


async def test_a_change_that_keeps_the_room_tells_no_room_message(hooks: Webhooks) -> None:
    alice, first, _, subscription = await organizer_with_rooms(hooks)
    event = await hooks.office.event(alice, room_id=first.id)

    await update_event(
        UpdateEvent(actor_id=alice.id, event_id=event.id, changes=EventChanges(title="Renamed")),
        uow=hooks.office.unit_of_work(),
        clock=hooks.clock,
    )

    assert await room_messages(hooks, subscription) == [("room.booked", str(first.id), None)]


async def test_cancelling_an_event_releases_its_room(hooks: Webhooks) -> None:
    alice, first, _, subscription = await organizer_with_rooms(hooks)
    event = await hooks.office.event(alice, room_id=first.id)
    await room_messages(hooks, subscription)

    await cancel_event(
        CancelEvent(actor_id=alice.id, event_id=event.id), uow=hooks.office.unit_of_work(), clock=hooks.clock
    )

    assert await room_messages(hooks, subscription) == [("room.released", str(first.id), None)]


async def test_one_occurrence_moved_to_another_room_releases_and_books_for_that_occurrence(hooks: Webhooks) -> None:
    alice, first, second, subscription = await organizer_with_rooms(hooks)
    series = await weekly(hooks, alice, first.id)
    second_week = series.starts_at + timedelta(days=7)
    await room_messages(hooks, subscription)

    await update_occurrence(
        UpdateOccurrence(
            actor_id=alice.id, event_id=series.id, recurrence_id=second_week, changes=EventChanges(room_id=second.id)
        ),
        uow=hooks.office.unit_of_work(),
        clock=hooks.clock,
    )

    assert await room_messages(hooks, subscription) == [
        ("room.booked", str(second.id), second_week.isoformat()),
        ("room.released", str(first.id), second_week.isoformat()),
    ]


async def test_this_and_following_occurrences_in_another_room_release_the_old_room(hooks: Webhooks) -> None:
    alice, first, second, subscription = await organizer_with_rooms(hooks)
    series = await weekly(hooks, alice, first.id)
    third_week = series.starts_at + timedelta(days=14)
    await room_messages(hooks, subscription)

    await update_occurrence(
        UpdateOccurrence(
            actor_id=alice.id,
            event_id=series.id,
            recurrence_id=third_week,
            changes=EventChanges(room_id=second.id),
            scope=OccurrenceScope.FOLLOWING,
        ),
        uow=hooks.office.unit_of_work(),
        clock=hooks.clock,
    )

    # The split-off series is created holding the old room, then moved to the new one.
    assert [(kind, room) for kind, room, _ in await room_messages(hooks, subscription)] == sorted(
        [("room.booked", str(first.id)), ("room.released", str(first.id)), ("room.booked", str(second.id))]
    )


async def test_the_whole_series_in_another_room_releases_the_old_room(hooks: Webhooks) -> None:
    alice, first, second, subscription = await organizer_with_rooms(hooks)
    series = await weekly(hooks, alice, first.id)
    await room_messages(hooks, subscription)

    await update_occurrence(
        UpdateOccurrence(
            actor_id=alice.id,
            event_id=series.id,
            recurrence_id=series.starts_at,
            changes=EventChanges(room_id=second.id),
            scope=OccurrenceScope.FOLLOWING,
        ),
        uow=hooks.office.unit_of_work(),
        clock=hooks.clock,
    )

    assert await room_messages(hooks, subscription) == [
        ("room.booked", str(second.id), None),
        ("room.released", str(first.id), None),
    ]


async def test_one_cancelled_occurrence_releases_its_own_room(hooks: Webhooks) -> None:
    alice, first, second, subscription = await organizer_with_rooms(hooks)
    series = await weekly(hooks, alice, first.id)
    second_week = series.starts_at + timedelta(days=7)
    await update_occurrence(
        UpdateOccurrence(
            actor_id=alice.id, event_id=series.id, recurrence_id=second_week, changes=EventChanges(room_id=second.id)
        ),
        uow=hooks.office.unit_of_work(),
        clock=hooks.clock,
    )
    await room_messages(hooks, subscription)

    await cancel_occurrence(
        CancelOccurrence(actor_id=alice.id, event_id=series.id, recurrence_id=second_week),
        uow=hooks.office.unit_of_work(),
        clock=hooks.clock,
    )

    assert await room_messages(hooks, subscription) == [("room.released", str(second.id), second_week.isoformat())]
