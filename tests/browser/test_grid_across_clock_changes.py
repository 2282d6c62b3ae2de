"""The week grid in a real browser on the weeks clocks change in Berlin, and all-day events across zones.

Heights are measured on the page: an hour is an hour of elapsed time, whatever the wall clock says.
"""

from __future__ import annotations

import itertools

from playwright.async_api import Browser, BrowserContext, Locator, Page, expect

from tests.browser.test_live_notifications import PASSWORD, api_post

_numbers = itertools.count(1)


async def signed_up_in(browser: Browser, base: str, zone: str) -> tuple[BrowserContext, Page]:
    context = await browser.new_context(base_url=base, viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    await page.goto("/signup")
    await page.get_by_label("Name").fill("Clara")
    await page.get_by_label("Email").fill(f"clara-{next(_numbers)}@example.com")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_label("Time zone").fill(zone)
    await page.get_by_role("button", name="Sign up").click()
    await expect(page.locator("#calendar")).to_be_visible()
    return context, page


async def made(context: BrowserContext, title: str, starts_at: str, ends_at: str, **more: object) -> str:
    answer = await api_post(context, "/api/events", {"title": title, "starts_at": starts_at, "ends_at": ends_at} | more)
    assert answer.status == 201, await answer.text()
    return str((await answer.json())["id"])


async def box(locator: Locator) -> dict[str, float]:
    await expect(locator).to_be_visible()
    found = await locator.bounding_box()
    assert found is not None
    return found


async def hour_height(page: Page) -> float:
    return (await box(page.locator(".axis .hour").first))["height"]


def event_in(page: Page, day: str, title: str) -> Locator:
    return page.get_by_role("list", name=f"Events on {day}").locator(".event", has_text=title)


async def test_the_repeated_hour_of_25_october_is_drawn_twice_one_below_the_other(browser: Browser, site: str) -> None:
    context, page = await signed_up_in(browser, site, "Europe/Berlin")
    await made(context, "Summer half", "2026-10-25T02:15:00+02:00", "2026-10-25T02:45:00+02:00")
    await made(context, "Winter half", "2026-10-25T02:15:00+01:00", "2026-10-25T02:45:00+01:00")
    await made(context, "Across the change", "2026-10-25T01:00:00+02:00", "2026-10-25T04:00:00+01:00")

    await page.goto("/?date=2026-10-25")

    hour = await hour_height(page)
    await expect(page.locator(".axis .hour")).to_have_count(25)
    await expect(page.locator(".axis .hour", has_text="CEST")).to_have_count(1)
    await expect(page.locator(".axis .hour", has_text="CET")).to_have_count(1)
    summer = await box(event_in(page, "Sunday 25 October", "Summer half"))
    winter = await box(event_in(page, "Sunday 25 October", "Winter half"))
    across = await box(event_in(page, "Sunday 25 October", "Across the change"))
    assert abs((winter["y"] - summer["y"]) - hour) < 1.5  # an hour apart, not on top of each other
    assert summer["y"] + summer["height"] <= winter["y"]
    assert abs(across["height"] - 4 * hour) < 1.5  # 01:00 CEST to 04:00 CET: four hours elapse
    await expect(event_in(page, "Sunday 25 October", "Winter half")).to_contain_text("02:15 CET")
    # The other days of the week show the repeated hour as a gap.
    await expect(page.get_by_role("list", name="Events on Saturday 24 October").locator(".gap")).to_have_count(1)
    # The day view of that day alone: 25 rows, no gap, the two halves an hour apart.
    await page.goto("/day?date=2026-10-25")
    await expect(page.locator(".axis .hour")).to_have_count(25)
    await expect(page.locator(".gap")).to_have_count(0)
    summer = await box(event_in(page, "Sunday 25 October", "Summer half"))
    winter = await box(event_in(page, "Sunday 25 October", "Winter half"))
    assert abs((winter["y"] - summer["y"]) - hour) < 1.5
    await context.close()


async def test_the_skipped_hour_of_28_march_takes_no_room(browser: Browser, site: str) -> None:
    context, page = await signed_up_in(browser, site, "Europe/Berlin")
    jump_id = await made(context, "Across the jump", "2027-03-28T01:30:00+01:00", "2027-03-28T03:30:00+02:00")
    await made(context, "Same wall clock", "2027-03-27T01:30:00+01:00", "2027-03-27T03:30:00+01:00")
    await made(context, "Breakfast", "2027-03-28T09:00:00+02:00", "2027-03-28T10:00:00+02:00")
    await made(context, "Breakfast too", "2027-03-27T09:00:00+01:00", "2027-03-27T10:00:00+01:00")

    await page.goto("/?date=2027-03-28")

    hour = await hour_height(page)
    await expect(page.locator(".axis .hour")).to_have_count(24)
    same = await box(event_in(page, "Saturday 27 March", "Same wall clock"))
    # One hour elapses: half an hour above the hatched gap, half an hour below it.
    jump = page.get_by_role("list", name="Events on Sunday 28 March").locator(f'[data-event-id="{jump_id}"]')
    await expect(jump).to_have_count(2)
    above, below = [await box(piece) for piece in await jump.all()]
    assert abs(above["height"] + below["height"] - hour) < 1.5
    assert abs(below["y"] - (above["y"] + above["height"]) - hour) < 1.5
    assert abs(same["height"] - 2 * hour) < 1.5
    # Both breakfasts sit on the 09:00 row: the skipped hour is a gap on Sunday, not a shift.
    sunday = await box(event_in(page, "Sunday 28 March", "Breakfast"))
    saturday = await box(event_in(page, "Saturday 27 March", "Breakfast too"))
    assert abs(sunday["y"] - saturday["y"]) < 1.5
    await expect(page.get_by_role("list", name="Events on Sunday 28 March").locator(".gap")).to_have_count(1)
    # The day view of that day alone: 23 rows, and the hour across the jump is one piece an hour tall.
    await page.goto("/day?date=2027-03-28")
    await expect(page.locator(".axis .hour")).to_have_count(23)
    await expect(page.locator(f'[data-event-id="{jump_id}"]')).to_have_count(1)
    assert abs((await box(page.locator(f'[data-event-id="{jump_id}"]')))["height"] - hour) < 1.5
    await context.close()


async def test_a_berlin_holiday_shows_on_its_date_only_for_a_viewer_in_new_york(browser: Browser, site: str) -> None:
    context, page = await signed_up_in(browser, site, "America/New_York")
    holiday = {"all_day": True, "timezone": "Europe/Berlin"}
    await made(context, "Berlin holiday", "2027-03-17T00:00:00+01:00", "2027-03-18T00:00:00+01:00", **holiday)

    await page.goto("/?date=2027-03-17")

    on_the_day = page.get_by_role("list", name="All-day events on Wednesday 17 March")
    await expect(on_the_day.locator(".event", has_text="Berlin holiday")).to_have_count(1)
    await expect(page.locator(".allday .event", has_text="Berlin holiday")).to_have_count(1)
    await context.close()
