"""The repeat picker in a real browser: found by its labels, showing only the inputs the choice uses."""

from __future__ import annotations

from playwright.async_api import Browser, expect

from tests.browser.test_grid_across_clock_changes import signed_up_in


async def test_the_repeat_picker_shows_the_inputs_of_the_chosen_repeat(browser: Browser, site: str) -> None:
    context, page = await signed_up_in(browser, site, "Europe/Berlin")
    await page.goto("/events/new?date=2027-03-17&hour=9")  # the third Wednesday of March

    repeats = page.get_by_label("Repeats")
    await expect(repeats).to_have_value("none")
    await expect(page.get_by_label("Monday")).to_be_hidden()
    await expect(page.get_by_role("group", name="Ends")).to_be_hidden()

    await repeats.select_option(label="Every week")
    await expect(page.get_by_label("Monday")).to_be_visible()
    await expect(page.get_by_role("group", name="Ends")).to_be_visible()
    await expect(page.get_by_label("Every", exact=True)).to_be_hidden()

    await repeats.select_option(label="Every month")
    await expect(page.get_by_label("Monday")).to_be_hidden()
    each_month = page.get_by_label("Each month")
    await expect(each_month.locator("option")).to_have_text(["on day 17", "on the third Wednesday"])

    await repeats.select_option(label="Custom interval")
    await page.get_by_label("Unit").select_option(label="weeks")
    await expect(page.get_by_label("Every", exact=True)).to_be_visible()
    await expect(page.get_by_label("Monday")).to_be_visible()
    await expect(each_month).to_be_hidden()
    await context.close()


async def test_the_monthly_choices_follow_the_start_typed(browser: Browser, site: str) -> None:
    context, page = await signed_up_in(browser, site, "Europe/Berlin")
    await page.goto("/events/new?date=2027-03-17&hour=9")
    await page.get_by_label("Repeats").select_option(label="Every month")

    await page.get_by_label("Starts").fill("2027-03-29T09:00")  # the last Monday of March
    await page.get_by_label("Starts").dispatch_event("change")

    each_month = page.get_by_label("Each month")
    await expect(each_month.locator("option")).to_have_text(["on day 29", "on the fifth Monday", "on the last Monday"])
    await expect(page.get_by_label("Repeats")).to_have_value("monthly")
    await expect(each_month).to_be_visible()
    await context.close()
