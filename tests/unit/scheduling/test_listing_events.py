from datetime import datetime, timedelta

import pytest

from application.scheduling.cancel_event import cancel_event
from application.scheduling.create_calendar import create_calendar
from application.scheduling.dto import CancelEvent, CreateCalendar
from application.scheduling.list_events import MAX_EVENTS_IN_WINDOW, list_events, list_events_capped
from domain.accounts.user import User
from domain.errors import InvalidInput, NotFound
from tests.unit.scheduling.factories import at
from tests.unit.scheduling.office import Office

WEEK = (at(0), at(0, day=7))


async def titles_seen_by(office: Office, user: User, start: datetime = WEEK[0], end: datetime = WEEK[1]) -> list[str]:
    return [event.title for event in await list_events(actor_id=user.id, start=start, end=end, uow=office.uow)]


async def test_week_view_lists_my_events_sorted_by_start(office: Office) -> None:
    ada = await office.person()
    await office.event(ada, title="Wednesday", starts_at=at(9, day=2), ends_at=at(10, day=2))
    await office.event(ada, title="Monday", starts_at=at(9), ends_at=at(10))
    await office.event(ada, title="Next week", starts_at=at(9, day=7), ends_at=at(10, day=7))
    assert await titles_seen_by(office, ada) == ["Monday", "Wednesday"]


async def test_events_overlapping_the_window_edges_are_listed_but_touching_ones_are_not(office: Office) -> None:
    ada = await office.person()
    await office.event(ada, title="Straddles start", starts_at=at(8), ends_at=at(10))
    await office.event(ada, title="Ends at start", starts_at=at(7), ends_at=at(9))
    await office.event(ada, title="Starts at end", starts_at=at(12), ends_at=at(13))
    assert await titles_seen_by(office, ada, at(9), at(12)) == ["Straddles start"]


async def test_other_peoples_private_events_are_not_listed_but_invitations_are(office: Office) -> None:
    ada, bob = await office.person(), await office.person()
    await office.event(ada, title="Ada alone")
    await office.event(ada, title="Ada with Bob", participants=[bob.email])
    assert await titles_seen_by(office, bob) == ["Ada with Bob"]


async def test_cancelled_events_drop_out_of_the_list(office: Office) -> None:
    ada = await office.person()
    event = await office.event(ada, title="Called off")
    await cancel_event(CancelEvent(actor_id=ada.id, event_id=event.id), uow=office.uow, clock=office.clock)
    assert await titles_seen_by(office, ada) == []


async def test_listing_one_calendar_leaves_the_others_out(office: Office) -> None:
    ada = await office.person()
    team = await create_calendar(CreateCalendar(actor_id=ada.id, name="Team"), uow=office.uow, clock=office.clock)
    await office.event(ada, title="Personal")
    await office.event(ada, title="Team's", calendar_id=team.id)
    listed = await list_events(actor_id=ada.id, start=WEEK[0], end=WEEK[1], calendar_id=team.id, uow=office.uow)
    assert [event.title for event in listed] == ["Team's"]


async def test_listing_a_calendar_i_am_not_in_is_not_found(office: Office) -> None:
    ada, mallory = await office.person(), await office.person()
    team = await create_calendar(CreateCalendar(actor_id=ada.id, name="Team"), uow=office.uow, clock=office.clock)
    with pytest.raises(NotFound):
        await list_events(actor_id=mallory.id, start=WEEK[0], end=WEEK[1], calendar_id=team.id, uow=office.uow)


async def test_window_longer_than_a_year_is_refused(office: Office) -> None:
    ada = await office.person()
    with pytest.raises(InvalidInput) as refused:
        await list_events(actor_id=ada.id, start=at(0), end=at(0) + timedelta(days=367), uow=office.uow)
    assert refused.value.field == "end"


async def test_a_window_past_the_cap_is_refused_asking_to_narrow_it_and_pages_get_the_first_and_a_count(
    office: Office,
) -> None:
    assert MAX_EVENTS_IN_WINDOW == 2000
    ada = await office.person()
    for n in range(7):
        await office.event(ada, title=f"e{n}", starts_at=at(9, day=n % 5), ends_at=at(10, day=n % 5))
    with pytest.raises(InvalidInput, match="narrow the window") as refused:
        await list_events(actor_id=ada.id, start=WEEK[0], end=WEEK[1], uow=office.uow, limit=5)
    assert refused.value.field == "end"
    assert len(await list_events(actor_id=ada.id, start=WEEK[0], end=WEEK[1], uow=office.uow, limit=7)) == 7
    listing = await list_events_capped(actor_id=ada.id, start=WEEK[0], end=WEEK[1], uow=office.uow, limit=5)
    assert (len(listing.events), listing.more) == (5, 2)
    assert [e.starts_at for e in listing.events] == sorted(e.starts_at for e in listing.events)
