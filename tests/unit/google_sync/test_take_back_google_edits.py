"""Google's copies of planner's own events met while syncing: echoes ignored, edits taken in, last writer wins."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

from application.google_sync.take_back_google_edits import take_back_google_edits
from domain.google_sync.model import MirroredCalendar, RemoteEvent
from domain.google_sync.write_back import WriteState, WrittenEvent
from domain.scheduling.event import Event, EventChanges
from tests.fakes.unit_of_work import FakeUnitOfWork
from tests.unit.scheduling.factories import NOW, an_event, at

WRITTEN_AT = NOW + timedelta(minutes=1)


async def written(uow: FakeUnitOfWork) -> tuple[Event, WrittenEvent, MirroredCalendar]:
    event = an_event()
    async with uow:
        await uow.events.add(event)
        await uow.commit()
    copy = WrittenEvent(
        event_id=event.id,
        user_id=event.organizer_id,
        google_calendar_id="primary",
        google_event_id="g1",
        written_version=event.version,
        google_updated=WRITTEN_AT,
        state=WriteState.WRITTEN,
        updated_at=WRITTEN_AT,
    )
    await uow.google.save_written_event(copy)
    mirror = MirroredCalendar(
        user_id=event.organizer_id,
        google_calendar_id="ada@example.com",
        calendar_id=uuid4(),
        name="Ada",
        time_zone="UTC",
    )
    return event, copy, mirror


def google_copy(event: Event, *, updated: object, **changes: object) -> RemoteEvent:
    fields: dict[str, object] = {
        "id": "g1",
        "cancelled": False,
        "title": event.title,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "updated": updated,
        "planner_event_id": event.id,
    }
    return RemoteEvent(**(fields | changes))  # type: ignore[arg-type]


async def stored(uow: FakeUnitOfWork, event: Event) -> Event:
    async with uow:
        found = await uow.events.get(event.id)
    assert found is not None
    return found


async def test_the_echo_of_planners_own_write_changes_nothing_and_is_not_mirrored() -> None:
    uow = FakeUnitOfWork()
    event, _, mirror = await written(uow)
    other = RemoteEvent(id="someone-elses", cancelled=False, title="Lunch", starts_at=at(12), ends_at=at(13))

    rest, taken = await take_back_google_edits(
        mirror, [google_copy(event, updated=WRITTEN_AT), other], uow=uow, now=NOW + timedelta(hours=1)
    )

    assert (rest, taken) == ([other], 0)
    assert (await stored(uow, event)).version == event.version


async def test_an_edit_made_in_google_after_planners_last_change_is_taken_in_and_not_written_back() -> None:
    uow = FakeUnitOfWork()
    event, copy, mirror = await written(uow)
    edited_at = WRITTEN_AT + timedelta(minutes=5)

    rest, taken = await take_back_google_edits(
        mirror,
        [google_copy(event, updated=edited_at, title="Planning (Google)", starts_at=at(14), ends_at=at(15))],
        uow=uow,
        now=edited_at,
    )

    changed = await stored(uow, event)
    assert (rest, taken) == ([], 1)
    assert (changed.title, changed.starts_at) == ("Planning (Google)", at(14))
    assert copy.google_updated == edited_at
    assert not copy.needs_write(changed)  # taken in, so nothing goes back to Google


async def test_an_older_google_edit_loses_to_planners_later_change() -> None:
    uow = FakeUnitOfWork()
    event, copy, mirror = await written(uow)
    google_edit_at = WRITTEN_AT + timedelta(minutes=5)
    async with uow:
        mine = await uow.events.get_for_update(event.id)
        assert mine is not None
        mine.update(
            EventChanges(title="Planning (planner)"),
            by_user_id=mine.organizer_id,
            now=google_edit_at + timedelta(minutes=1),
        )
        await uow.events.save(mine)
        await uow.commit()

    _, taken = await take_back_google_edits(
        mirror, [google_copy(event, updated=google_edit_at, title="Planning (Google)")], uow=uow, now=google_edit_at
    )

    kept = await stored(uow, event)
    assert (taken, kept.title) == (0, "Planning (planner)")
    assert copy.needs_write(kept)  # planner's version goes to Google


async def test_a_copy_deleted_in_google_cancels_the_planner_event() -> None:
    uow = FakeUnitOfWork()
    event, copy, mirror = await written(uow)

    _, taken = await take_back_google_edits(
        mirror,
        [RemoteEvent(id="g1", cancelled=True, updated=WRITTEN_AT + timedelta(minutes=5))],
        uow=uow,
        now=WRITTEN_AT + timedelta(minutes=5),
    )

    assert taken == 1
    assert (await stored(uow, event)).is_cancelled
    assert copy.state is WriteState.DELETED
