"""Planning on the day and week grids in a real browser: drag to add, drag to move and resize, the keyboard too.

A day in Europe/Berlin whose clocks do not change (Wednesday 10 March 2027): row N of the grid is N:00.
"""

from __future__ import annotations

from typing import Any

from playwright.async_api import Browser, BrowserContext, Locator, Page, expect

from tests.browser.test_grid_across_clock_changes import box, made, signed_up_in
from tests.browser.test_live_notifications import api_post

DAY = "2027-03-10"
DAY_NAME = "Wednesday 10 March"


def column(page: Page) -> Locator:
    return page.get_by_role("list", name=f"Events on {DAY_NAME}", exact=True)


async def point_at(page: Page, hour: float) -> tuple[float, float]:
    """Where in the day's column (at its horizontal middle) the time `hour` (10.5 = 10:30) is drawn."""
    found = await box(column(page))
    rows = await page.locator(".axis .hour").count()
    return found["x"] + found["width"] / 2, found["y"] + found["height"] * hour / rows


async def drag(page: Page, start: tuple[float, float], end: tuple[float, float]) -> None:
    await page.mouse.move(*start)
    await page.mouse.down()
    for step in range(1, 6):  # in steps, as a hand does
        await page.mouse.move(start[0] + (end[0] - start[0]) * step / 5, start[1] + (end[1] - start[1]) * step / 5)
    await page.mouse.up()


async def api_get(context: BrowserContext, path: str) -> dict[str, Any]:
    answer = await context.request.get(path)
    assert answer.ok, await answer.text()
    return dict(await answer.json())


async def test_dragging_over_empty_slots_opens_the_new_event_form_for_that_time(browser: Browser, site: str) -> None:
    context, page = await signed_up_in(browser, site, "Europe/Berlin")
    await page.goto(f"/day?date={DAY}")

    await drag(page, await point_at(page, 10.05), await point_at(page, 11.45))

    await expect(page).to_have_url(f"{site}/events/new?starts_at={DAY}T09%3A00%3A00Z&ends_at={DAY}T10%3A30%3A00Z")
    await expect(page.get_by_label("Starts")).to_have_value(f"{DAY}T10:00")
    await expect(page.get_by_label("Ends")).to_have_value(f"{DAY}T11:30")
    await expect(page.get_by_label("Time zone")).to_have_value("Europe/Berlin")
    await context.close()


async def test_a_click_on_an_empty_slot_opens_an_hour_from_its_half_hour(browser: Browser, site: str) -> None:
    context, page = await signed_up_in(browser, site, "Europe/Berlin")
    await page.goto(f"/day?date={DAY}")

    await page.mouse.click(*await point_at(page, 14.6))

    await expect(page.get_by_label("Starts")).to_have_value(f"{DAY}T14:30")
    await expect(page.get_by_label("Ends")).to_have_value(f"{DAY}T15:30")
    await context.close()


async def test_the_keyboard_chooses_a_slot_on_a_day_and_enter_opens_the_form(browser: Browser, site: str) -> None:
    context, page = await signed_up_in(browser, site, "Europe/Berlin")
    await page.goto(f"/day?date={DAY}")  # opens at 09:00: the working day

    await column(page).focus()
    await page.keyboard.press("ArrowDown")
    await page.keyboard.press("ArrowDown")
    await page.keyboard.press("Shift+ArrowDown")
    await expect(page.locator("#grid-message")).to_contain_text("10:00\u201311:30")
    await page.keyboard.press("Enter")

    await expect(page.get_by_label("Starts")).to_have_value(f"{DAY}T10:00")
    await expect(page.get_by_label("Ends")).to_have_value(f"{DAY}T11:30")
    await context.close()


async def test_dragging_an_event_onto_its_booked_room_puts_it_back_and_says_why_then_a_free_time_is_kept(
    browser: Browser, site: str
) -> None:
    context, page = await signed_up_in(browser, site, "Europe/Berlin")  # the first account: may add rooms
    room = await api_post(context, "/api/rooms", {"name": "Everest", "capacity": 6})
    assert room.status == 201, await room.text()
    room_id = (await room.json())["id"]
    await made(context, "Board", f"{DAY}T10:00:00+01:00", f"{DAY}T11:00:00+01:00", room_id=room_id)
    review = await made(context, "Review", f"{DAY}T13:00:00+01:00", f"{DAY}T14:00:00+01:00", room_id=room_id)
    await page.goto(f"/day?date={DAY}")
    event = column(page).locator(".event", has_text="Review")
    before, day_before = await box(event), await box(column(page))

    # Grabbed at its middle (13:30) and let go at 10:45: it would start at 10:15, in the Board's room.
    await drag(page, (before["x"] + 20, before["y"] + before["height"] / 2), await point_at(page, 10.75))

    await expect(page.locator("#grid-message")).to_contain_text(
        "Review was not moved: its room is already booked Wed 10 Mar 10:00\u201311:00. It is back where it was."
    )
    after, day = await box(event), await box(column(page))
    assert abs(after["y"] - day["y"] - (before["y"] - day_before["y"])) < 1
    assert abs(after["height"] - before["height"]) < 1
    await expect(event).to_contain_text("13:00\u201314:00")
    stored = await api_get(context, f"/api/events/{review}")
    assert stored["starts_at"] == f"{DAY}T12:00:00Z"

    # Later in the day the room is free: the move is kept, and the grid redraws it there.
    await drag(page, (before["x"] + 20, before["y"] + before["height"] / 2), await point_at(page, 15.5))
    await expect(page.locator("#grid-message")).to_contain_text("Review now Wed 10 Mar 15:00\u201316:00.")
    await expect(column(page).locator(".event", has_text="Review")).to_contain_text("15:00\u201316:00")
    stored = await api_get(context, f"/api/events/{review}")
    assert (stored["starts_at"], stored["ends_at"]) == (f"{DAY}T14:00:00Z", f"{DAY}T15:00:00Z")
    await context.close()


async def test_dragging_the_bottom_edge_changes_the_end_and_a_change_made_meanwhile_is_reported(
    browser: Browser, site: str
) -> None:
    context, page = await signed_up_in(browser, site, "Europe/Berlin")
    review = await made(context, "Review", f"{DAY}T13:00:00+01:00", f"{DAY}T14:00:00+01:00")
    await page.goto(f"/day?date={DAY}")
    event = column(page).locator(".event", has_text="Review")
    edge = await box(event.locator(".resize"))

    await drag(page, (edge["x"] + 10, edge["y"] + edge["height"] / 2), await point_at(page, 15.0))

    await expect(page.locator("#grid-message")).to_contain_text("Review now Wed 10 Mar 13:00\u201315:00.")
    stored = await api_get(context, f"/api/events/{review}")
    assert (stored["starts_at"], stored["ends_at"]) == (f"{DAY}T12:00:00Z", f"{DAY}T14:00:00Z")

    # Someone changes the title behind this page's back: the next drag carries a stale ETag.
    await page.locator("#calendar .event[data-editable]").first.wait_for()
    csrf = next(c["value"] for c in await context.cookies() if c["name"] == "planner_csrf")
    renamed = await context.request.patch(
        f"/api/events/{review}", data={"title": "Review (moved room)"}, headers={"x-csrftoken": csrf}
    )
    assert renamed.ok, await renamed.text()
    now = await box(event)
    await drag(page, (now["x"] + 20, now["y"] + 10), await point_at(page, 9.5))

    await expect(page.locator("#grid-message")).to_contain_text("Someone else changed Review meanwhile")
    await expect(column(page).locator(".event", has_text="Review (moved room)")).to_contain_text("13:00\u201315:00")
    await context.close()


async def test_moving_one_occurrence_of_a_series_moves_only_that_one(browser: Browser, site: str) -> None:
    context, page = await signed_up_in(browser, site, "Europe/Berlin")
    series = await made(
        context,
        "Stand-up",
        f"{DAY}T09:30:00+01:00",
        f"{DAY}T09:45:00+01:00",
        timezone="Europe/Berlin",
        recurrence={"rule": "FREQ=DAILY;COUNT=5"},
    )
    await page.goto(f"/?date={DAY}")
    wednesday = column(page).locator(".event", has_text="Stand-up")
    found = await box(wednesday)

    await drag(page, (found["x"] + 10, found["y"] + found["height"] / 2), await point_at(page, 11.6))

    await expect(page.locator("#grid-message")).to_contain_text("Stand-up now Wed 10 Mar 11:30\u201311:45.")
    moved = await api_get(context, f"/api/events/{series}/occurrences/{DAY}T08:30:00Z")
    assert (moved["starts_at"], moved["is_override"]) == (f"{DAY}T10:30:00Z", True)
    thursday = await api_get(context, f"/api/events/{series}/occurrences/2027-03-11T08:30:00Z")
    assert thursday["starts_at"] == "2027-03-11T08:30:00Z"
    thursday_column = page.get_by_role("list", name="Events on Thursday 11 March", exact=True)
    await expect(thursday_column.locator(".event")).to_contain_text("09:30")
    await context.close()


async def test_arrow_keys_on_an_event_move_it_by_a_quarter_hour_and_shift_changes_its_length(
    browser: Browser, site: str
) -> None:
    context, page = await signed_up_in(browser, site, "Europe/Berlin")
    review = await made(context, "Review", f"{DAY}T13:00:00+01:00", f"{DAY}T14:00:00+01:00")
    await page.goto(f"/day?date={DAY}")

    await column(page).get_by_role("link", name="Review").focus()
    await page.keyboard.press("ArrowDown")
    await page.keyboard.press("ArrowDown")
    await expect(page.locator("#grid-message")).to_contain_text("Review now Wed 10 Mar 13:30\u201314:30.")
    await expect(column(page).get_by_role("link", name="Review")).to_be_focused()
    await page.keyboard.press("Shift+ArrowUp")
    await expect(page.locator("#grid-message")).to_contain_text("Review now Wed 10 Mar 13:30\u201314:15.")

    stored = await api_get(context, f"/api/events/{review}")
    assert (stored["starts_at"], stored["ends_at"]) == (f"{DAY}T12:30:00Z", f"{DAY}T13:15:00Z")
    await context.close()


async def test_left_and_right_on_an_event_move_it_a_day_keeping_its_time_across_the_clock_change(
    browser: Browser, site: str
) -> None:
    context, page = await signed_up_in(browser, site, "Europe/Berlin")
    review = await made(context, "Review", "2027-03-27T13:00:00+01:00", "2027-03-27T14:00:00+01:00")  # a Saturday
    await page.goto("/?date=2027-03-27")

    await page.get_by_role("link", name="Review").focus()
    await page.keyboard.press("ArrowRight")  # to Sunday 28 March, the day clocks go forward

    await expect(page.locator("#grid-message")).to_contain_text("Review now Sun 28 Mar 13:00\u201314:00.")
    stored = await api_get(context, f"/api/events/{review}")
    assert (stored["starts_at"], stored["ends_at"]) == ("2027-03-28T11:00:00Z", "2027-03-28T12:00:00Z")
    await expect(
        page.get_by_role("list", name="Events on Sunday 28 March", exact=True).get_by_role("link")
    ).to_be_focused()
    await page.keyboard.press("ArrowRight")  # Sunday is the last day shown
    await expect(page.locator("#grid-message")).to_contain_text("first or last day shown")
    await context.close()


async def test_the_grid_opens_at_the_working_day_or_an_earlier_event_and_hints_at_events_above(
    browser: Browser, site: str
) -> None:
    context, page = await signed_up_in(browser, site, "Europe/Berlin")
    await page.goto(f"/day?date={DAY}")
    scroller = page.locator("#calendar .scroller")
    hour = (await box(page.locator(".axis .hour").first))["height"]
    assert abs(await scroller.evaluate("s => s.scrollTop") - (9 - 1 / 3) * hour) < 2  # opens at 09:00

    await made(context, "Early call", f"{DAY}T04:00:00+01:00", f"{DAY}T04:30:00+01:00")
    await page.goto(f"/day?date={DAY}")
    assert abs(await scroller.evaluate("s => s.scrollTop") - (4 - 1 / 3) * hour) < 2  # the 04:00 call is in sight
    await expect(page.locator("#earlier-hint")).to_be_hidden()

    await scroller.evaluate("s => { s.scrollTop = 12 * s.querySelector('.hour').offsetHeight; }")
    hint = page.locator("#earlier-hint")
    await expect(hint).to_be_visible()
    await expect(hint).to_contain_text("Early call at 04:00 is above")
    await hint.get_by_role("button").click()
    await expect(column(page).get_by_role("link", name="Early call")).to_be_in_viewport()
    await expect(hint).to_be_hidden()
    await context.close()


async def test_find_a_time_shows_who_is_busy_and_picking_a_suggestion_fills_the_times_and_the_room(
    browser: Browser, site: str
) -> None:
    ada_context, ada = await signed_up_in(browser, site, "Europe/Berlin")  # the administrator: adds the room
    bob_context, _ = await signed_up_in(browser, site, "Europe/Berlin")
    bob_email = (await api_get(bob_context, "/api/me"))["email"]
    room = await api_post(ada_context, "/api/rooms", {"name": "Everest", "capacity": 6})
    assert room.status == 201, await room.text()
    await made(bob_context, "Busy morning", f"{DAY}T09:00:00+01:00", f"{DAY}T10:30:00+01:00")

    await ada.goto(f"/events/new?starts_at={DAY}T08:00:00Z&ends_at={DAY}T09:00:00Z")
    await ada.get_by_label("Title").fill("Planning")
    await ada.get_by_label("Participant email").first.fill(bob_email)
    await ada.get_by_role("button", name="Find a time").click()

    schedule = ada.locator("#find-a-time")
    await expect(schedule.get_by_role("heading", level=2)).to_have_text("Find a time: Wednesday 10 March 2027")
    await expect(schedule.get_by_role("listitem").filter(has_text=bob_email)).to_contain_text("busy 09:00\u201310:30")
    await expect(schedule.locator(".busy")).not_to_have_count(0)
    await expect(schedule.locator(".working")).not_to_have_count(0)
    first = schedule.get_by_role("list", name="Suggested times").get_by_role("button").first
    await expect(first).to_have_text("Wed 10 Mar 10:30\u201311:30")

    await first.click()

    await expect(ada.get_by_label("Starts")).to_have_value(f"{DAY}T10:30")
    await expect(ada.get_by_label("Ends")).to_have_value(f"{DAY}T11:30")
    await expect(ada.locator("#room_id option:checked")).to_contain_text("Everest")
    await expect(schedule.locator(".proposal").first).to_have_attribute("title", "this event 10:30\u201311:30")
    await ada.get_by_role("button", name="Create event").click()
    await expect(ada.get_by_role("heading", level=1)).to_have_text("Planning")
    await expect(ada.locator(".facts")).to_contain_text("Everest")
    await ada_context.close()
    await bob_context.close()


async def test_a_click_on_an_event_i_may_move_still_opens_it(browser: Browser, site: str) -> None:
    context, page = await signed_up_in(browser, site, "Europe/Berlin")
    await made(context, "Review", f"{DAY}T13:00:00+01:00", f"{DAY}T14:00:00+01:00")
    await page.goto(f"/day?date={DAY}")

    await column(page).get_by_role("link", name="Review").click()

    await expect(page.get_by_role("heading", level=1)).to_have_text("Review")
    await context.close()
