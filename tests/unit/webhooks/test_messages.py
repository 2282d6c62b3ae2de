"""Which messages a change gives rise to, and which subscriptions' scopes hold them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.errors import InvalidInput
from domain.scheduling.domain_events import EventCancelled, EventCreated, EventUpdated, ParticipantResponded
from domain.scheduling.participant import ParticipantStatus
from domain.webhooks.messages import Whose, drafts_about, in_scope
from domain.webhooks.subscription import WebhookEventType, WebhookScope, webhook_event_types
from tests.unit.webhooks.test_retry_schedule import subscription

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def created(room: bool = False) -> EventCreated:
    return EventCreated(
        occurred_at=NOW,
        event_id=uuid4(),
        calendar_id=uuid4(),
        organizer_id=uuid4(),
        title="Launch",
        starts_at=NOW + timedelta(days=1),
        ends_at=NOW + timedelta(days=1, hours=1),
        room_id=uuid4() if room else None,
        reminders=(),
    )


def test_a_new_event_with_a_room_tells_event_created_and_room_booked() -> None:
    change = created(room=True)
    drafts = drafts_about(change, None)
    assert [draft.type for draft in drafts] == [WebhookEventType.EVENT_CREATED, WebhookEventType.ROOM_BOOKED]
    assert drafts[0].data["title"] == "Launch"
    assert drafts[1].data["room_id"] == str(change.room_id)
    assert drafts[0].source_key != drafts[1].source_key


def test_a_cancelled_event_whose_event_is_gone_tells_no_room_release() -> None:
    change = EventCancelled(
        occurred_at=NOW,
        event_id=uuid4(),
        calendar_id=uuid4(),
        by_user_id=uuid4(),
        title="Off",
        starts_at=NOW,
        ends_at=NOW + timedelta(hours=1),
    )
    assert [draft.type for draft in drafts_about(change, None)] == [WebhookEventType.EVENT_CANCELLED]


def test_two_answers_of_one_guest_are_two_facts() -> None:
    event_id, guest = uuid4(), uuid4()
    answers = [
        ParticipantResponded(
            occurred_at=NOW + timedelta(minutes=n),
            event_id=event_id,
            user_id=guest,
            organizer_id=uuid4(),
            status=ParticipantStatus.ACCEPTED,
            title="x",
        )
        for n in range(2)
    ]
    keys = {drafts_about(answer, None)[0].source_key for answer in answers}
    assert len(keys) == 2


def test_scopes_hold_my_events_my_calendars_or_everything() -> None:
    me, calendar_id = uuid4(), uuid4()
    mine = Whose(calendar_id=calendar_id, people=frozenset([me]))
    theirs = Whose(calendar_id=uuid4(), people=frozenset([uuid4()]))
    assert in_scope(subscription(owner_id=me), mine)
    assert not in_scope(subscription(owner_id=me), theirs)
    calendar_scope = subscription(owner_id=me, scope=WebhookScope.CALENDAR, calendar_id=calendar_id)
    assert in_scope(calendar_scope, mine)
    assert not in_scope(calendar_scope, theirs)
    assert in_scope(subscription(owner_id=me, scope=WebhookScope.EVERYTHING), theirs)


@pytest.mark.parametrize("names", [[], ["event.exploded"]])
def test_unknown_or_no_event_types_are_refused(names: list[str]) -> None:
    with pytest.raises(InvalidInput) as refused:
        webhook_event_types(names)
    assert refused.value.field == "events"


def test_a_room_swapped_for_another_tells_the_old_one_released_and_the_new_one_booked() -> None:
    old_room, new_room = uuid4(), uuid4()
    change = EventUpdated(
        occurred_at=NOW,
        event_id=uuid4(),
        calendar_id=uuid4(),
        by_user_id=uuid4(),
        title="Launch",
        starts_at=NOW,
        ends_at=NOW + timedelta(hours=1),
        changed_fields=("room_id",),
        version=2,
        room_id=new_room,
        previous_room_id=old_room,
    )
    drafts = drafts_about(change, None)
    assert [(draft.type, draft.data.get("room_id")) for draft in drafts] == [
        (WebhookEventType.EVENT_UPDATED, str(new_room)),
        (WebhookEventType.ROOM_RELEASED, str(old_room)),
        (WebhookEventType.ROOM_BOOKED, str(new_room)),
    ]
    assert len({draft.source_key for draft in drafts}) == 3
    assert all(draft.whose.calendar_id == change.calendar_id for draft in drafts)
