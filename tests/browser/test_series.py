"""A weekly meeting made with the repeat picker in a real browser, across the 2027 clock change in Berlin."""

from __future__ import annotations

from playwright.async_api import Browser, Dialog, expect

from tests.browser.test_grid_across_clock_changes import signed_up_in


async def test_a_weekly_meeting_keeps_its_hour_across_the_clock_change_and_one_date_can_be_cancelled(
    browser: Browser, site: str
) -> None:
    context, page = await signed_up_in(browser, site, "Europe/Berlin")
    await page.goto("/events/new?date=2027-03-23&hour=10")  # a Tuesday, the week before clocks go forward
    await page.get_by_label("Title").fill("Weekly review")
    await page.get_by_label("Starts").fill("2027-03-23T10:00")
    await page.get_by_label("Ends").fill("2027-03-23T11:00")
    await page.get_by_label("Time zone").fill("Europe/Berlin")
    await page.get_by_label("Repeats").select_option(label="Every week")
    await page.get_by_label("Thursday").check()
    await page.get_by_label("After a number of times").check()
    await page.get_by_label("How many times").fill("6")
    await page.get_by_role("button", name="Create event").click()

    await expect(page.locator("#repeats")).to_have_text("Every week on Tuesday and Thursday, 6 times")
    await page.goto("/?date=2027-03-30")  # after the change: still 10:00 Berlin time
    meetings = page.locator(".day-column .event", has_text="Weekly review")
    await expect(meetings).to_have_count(2)
    await expect(meetings.first).to_contain_text("10:00")
    await expect(meetings.first.get_by_role("img", name="Repeats")).to_be_visible()

    await meetings.first.get_by_role("link").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Weekly review")

    async def accept(dialog: Dialog) -> None:
        await dialog.accept()

    page.on("dialog", accept)
    await page.get_by_role("group", name="Cancel").get_by_label("This event").check()
    await page.get_by_role("button", name="Cancel event").click()
    await expect(page.locator("#calendar")).to_be_visible()
    await page.goto("/?date=2027-03-30")
    await expect(meetings).to_have_count(1)
    await context.close()


async def test_an_all_day_event_is_made_from_dates_and_shows_on_them(browser: Browser, site: str) -> None:
    context, page = await signed_up_in(browser, site, "America/New_York")
    await page.goto("/events/new?date=2027-03-17&hour=9")
    await page.get_by_label("Title").fill("Holiday")
    await page.get_by_label("Time zone").fill("Europe/Berlin")
    await page.get_by_label("All day").check()
    await expect(page.get_by_label("Starts")).to_have_attribute("type", "date")
    await expect(page.get_by_label("Starts")).to_have_value("2027-03-17")
    await page.get_by_label("Ends").fill("2027-03-18")
    await page.get_by_role("button", name="Create event").click()

    await expect(page.locator(".facts")).to_contain_text("Wednesday 17 March 2027")
    await expect(page.locator(".facts")).to_contain_text("Thursday 18 March 2027")
    await page.goto("/?date=2027-03-17")
    shown_on = page.locator(".allday", has=page.locator(".event", has_text="Holiday"))
    await expect(shown_on).to_have_count(2)
    await expect(shown_on.first).to_have_attribute("aria-label", "All-day events on Wednesday 17 March")
    await context.close()


async def test_this_and_following_shows_the_repeat_picker_and_repeats_the_following_dates_by_it(
    browser: Browser, site: str
) -> None:
    context, page = await signed_up_in(browser, site, "Europe/Berlin")
    await page.goto("/events/new?date=2027-06-01&hour=9")  # a Tuesday
    await page.get_by_label("Title").fill("Planning")
    await page.get_by_label("Starts").fill("2027-06-01T09:00")
    await page.get_by_label("Ends").fill("2027-06-01T10:00")
    await page.get_by_label("Time zone").fill("Europe/Berlin")
    await page.get_by_label("Repeats").select_option(label="Every week")
    await page.get_by_role("button", name="Create event").click()
    await expect(page.locator("#repeats")).to_have_text("Every week on Tuesday")
    await page.goto("/?date=2027-06-08")
    await page.locator(".day-column .event", has_text="Planning").get_by_role("link").click()
    await page.get_by_role("link", name="Edit", exact=True).click()

    picker = page.locator("#repeat-picker")
    await expect(picker).to_be_hidden()  # "This event" keeps the series' rule
    await page.get_by_role("group", name="Change").get_by_label("This and following events").check()
    await expect(picker).to_be_visible()
    await expect(page.get_by_label("Repeats")).to_have_value("weekly")
    await page.get_by_label("Repeats").select_option(label="Custom interval")
    await page.get_by_label("Every", exact=True).fill("2")
    await page.get_by_role("button", name="Save changes").click()

    await expect(page.locator("#repeats")).to_contain_text("Every 2 weeks on Tuesday")
    planning = page.locator(".day-column .event", has_text="Planning")
    for week, shown in (("2027-06-01", 1), ("2027-06-08", 1), ("2027-06-15", 0), ("2027-06-22", 1)):
        await page.goto(f"/?date={week}")
        await expect(planning).to_have_count(shown)
    await context.close()
