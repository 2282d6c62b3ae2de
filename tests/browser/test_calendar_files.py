"""Each calendar's Subscribe (copy its feed address) and Import .ics (the job's progress bar), in a real browser."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.async_api import Browser, expect

from tests.browser.test_grid_across_clock_changes import signed_up_in

FILE = "\r\n".join(
    [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//planner tests//EN",
        "BEGIN:VEVENT",
        "UID:weekly-1@browser",
        "DTSTAMP:20261101T000000Z",
        "SUMMARY:Imported weekly",
        "DTSTART;TZID=Europe/Berlin:20270302T150000",
        "DTEND;TZID=Europe/Berlin:20270302T160000",
        "RRULE:FREQ=WEEKLY;COUNT=4",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:no-start@browser",
        "DTSTAMP:20261101T000000Z",
        "SUMMARY:No start",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
)


async def test_subscribe_shows_a_secret_feed_address_ready_to_copy(browser: Browser, site: str) -> None:
    context, page = await signed_up_in(browser, site, "Europe/Berlin")
    await page.get_by_role("link", name="Subscribe or import").click()

    await page.get_by_role("button", name="Subscribe").click()

    address = page.get_by_label("Subscription address of Clara")
    await expect(address).to_have_value(re.compile(r"/ics/[^/]+\.ics$"))
    first = await address.input_value()
    path = urlsplit(first).path  # the address names PUBLIC_BASE_URL; the test server listens elsewhere
    await page.get_by_role("button", name="Copy").click()
    await expect(page.locator(".feed [role=status]")).to_contain_text(re.compile("Copied|Selected"))
    feed = await context.request.get(path)
    assert feed.status == 200
    assert "BEGIN:VCALENDAR" in await feed.text()
    await page.get_by_role("button", name="Subscribe").click()  # a new address; the old one stops
    await expect(address).not_to_have_value(first)
    assert (await context.request.get(path)).status == 404
    await context.close()


async def test_an_imported_file_shows_its_progress_then_what_was_imported_and_skipped(
    browser: Browser, site: str
) -> None:
    context, page = await signed_up_in(browser, site, "Europe/Berlin")
    await page.goto("/calendars")

    await page.get_by_label("Import .ics into Clara").set_input_files(
        files=[{"name": "team.ics", "mimeType": "text/calendar", "buffer": FILE.encode()}]
    )

    status = page.locator(".import-progress [role=status]")
    await expect(status).to_have_text("Imported 1 event; 1 skipped:", timeout=20_000)
    await expect(page.get_by_role("progressbar", name="Import into Clara")).to_have_attribute("value", "100")
    await expect(page.locator(".skipped li")).to_contain_text("no-start@browser")
    await page.goto("/?date=2027-03-09")
    await expect(page.locator(".day-column .event", has_text="Imported weekly")).to_have_count(1)
    await context.close()


async def test_a_file_that_is_not_icalendar_is_refused_at_once(browser: Browser, site: str) -> None:
    context, page = await signed_up_in(browser, site, "Europe/Berlin")
    await page.goto("/calendars")

    await page.get_by_label("Import .ics into Clara").set_input_files(
        files=[{"name": "notes.ics", "mimeType": "text/calendar", "buffer": b"just some notes"}]
    )

    await expect(page.locator(".import-progress [role=status]")).to_contain_text("Not imported:")
    await context.close()
