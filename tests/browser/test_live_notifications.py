"""Two people in two real browsers: an invitation rings the other's bell live, the answer rings back.

Also in a real browser: a room taken while the form was open is refused next to the room picker,
and a `<script>` title is shown as text and never runs.
"""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime, timedelta
from uuid import UUID

from playwright.async_api import APIResponse, Browser, BrowserContext, Page, Route, expect

from entrypoints.bootstrap import bootstrap
from entrypoints.settings import Settings

PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)


def tomorrow(hour: int, minute: int = 0) -> str:
    day = datetime.now(UTC) + timedelta(days=1)
    return f"{day:%Y-%m-%d}T{hour:02d}:{minute:02d}"


async def signed_up(browser: Browser, base: str, name: str) -> tuple[BrowserContext, Page, str]:
    context = await browser.new_context(base_url=base, viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    email = f"{name.lower()}-{next(_numbers)}@example.com"
    await page.goto("/signup")
    await page.get_by_label("Name").fill(name)
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_label("Time zone").fill("UTC")
    await page.get_by_role("button", name="Sign up").click()
    await expect(page.locator("#calendar")).to_be_visible()
    return context, page, email


async def api_post(context: BrowserContext, path: str, data: object) -> APIResponse:
    """A JSON call with the browser's session cookie and, as htmx sends it on our pages, the CSRF header."""
    csrf = next(cookie["value"] for cookie in await context.cookies() if cookie["name"] == "planner_csrf")
    return await context.request.post(path, data=data, headers={"x-csrftoken": csrf})


async def stream_open(page: Page, timeout_s: float = 10) -> None:
    """The page's live notification stream is connected."""
    await expect(page.locator("body")).to_have_attribute("data-stream", "open", timeout=timeout_s * 1000)


async def fill_event(page: Page, title: str, start: str, end: str) -> None:
    await page.goto("/events/new")
    await page.get_by_label("Title").fill(title)
    await page.get_by_label("Starts").fill(start)
    await page.get_by_label("Ends").fill(end)
    await page.get_by_label("Time zone").fill("UTC")
    await page.get_by_label("Time zone").dispatch_event("change")


async def choose_room(page: Page, room: str) -> None:
    # The picker is refreshed by htmx for the slot just typed: wait for the room to be offered.
    await expect(page.locator("#room_id option", has_text=room)).to_have_count(1)
    await page.locator("#room_id").select_option(label=page_room_label(room))


def page_room_label(room: str) -> str:
    return f"{room} (6 seats, 2nd floor)"


async def test_an_invitation_rings_the_bell_live_and_the_answer_rings_back(browser: Browser, site: str) -> None:
    ada_context, ada, _ = await signed_up(browser, site, "Ada")  # the first to sign up administers planner
    bob_context, bob, bob_email = await signed_up(browser, site, "Bob")
    room = {"name": "Everest", "capacity": 6, "location": "2nd floor"}
    made = await api_post(ada_context, "/api/rooms", room)
    assert made.status == 201, await made.text()
    await bob.goto(f"/?date={tomorrow(0)[:10]}")  # the week the meeting will be in
    await stream_open(bob)
    await expect(bob.locator("#unread-count")).to_have_text("0")

    # A second form, opened and filled while the room is still free, to be sent after the booking.
    late = await ada_context.new_page()
    await fill_event(late, "Late booking", tomorrow(10, 30), tomorrow(11, 30))
    await choose_room(late, "Everest")

    await fill_event(ada, "Planning", tomorrow(10), tomorrow(11))
    await choose_room(ada, "Everest")
    await ada.get_by_label("Participant email").first.fill(bob_email)
    await ada.get_by_role("button", name="Create event").click()
    await expect(ada.get_by_role("heading", level=1)).to_have_text("Planning")
    await stream_open(ada)

    await expect(bob.locator("#unread-count")).to_have_text("1", timeout=3_000)
    await expect(bob.locator("#toasts")).to_contain_text("Planning")
    await expect(bob.locator("#calendar .event-title", has_text="Planning")).to_be_visible()  # no reload

    await bob.locator("#toasts a", has_text="Open").first.click()
    await expect(bob.get_by_role("heading", level=1)).to_have_text("Planning")
    await bob.get_by_role("button", name="Accept").click()
    await expect(bob.locator("#my-status")).to_have_text("accepted")

    await expect(ada.locator("#unread-count")).to_have_text("1", timeout=3_000)
    await expect(ada.locator("#attendance")).to_contain_text("accepted")

    await late.get_by_role("button", name="Create event").click()
    await expect(late.locator("#room_id-error")).to_contain_text("already booked")
    await expect(late.get_by_label("Title")).to_have_value("Late booking")

    await ada_context.close()
    await bob_context.close()


async def test_a_room_chosen_while_the_room_picker_refreshes_stays_chosen(browser: Browser, site: str) -> None:
    """The picker is refreshed for each slot typed; its answer only knew the choice made before it left."""
    context, page, _ = await signed_up(browser, site, "Ada")
    made = await api_post(context, "/api/rooms", {"name": "Everest", "capacity": 6, "location": "2nd floor"})
    assert made.status == 201, await made.text()
    everest = (await made.json())["id"]
    asked, release = asyncio.Event(), asyncio.Event()

    async def held(route: Route) -> None:
        asked.set()
        await release.wait()
        await route.continue_()

    await page.goto("/events/new")
    await page.get_by_label("Title").fill("Planning")
    await expect(page.locator("#room_id option", has_text="Everest")).to_have_count(1)
    await page.route("**/events/free-rooms*", held)
    await page.get_by_label("Starts").fill(tomorrow(10))
    await page.get_by_label("Ends").fill(tomorrow(11))
    await page.get_by_label("Ends").dispatch_event("change")
    await asyncio.wait_for(asked.wait(), 5)  # the refresh left, with no room chosen
    await page.locator("#room_id").select_option(value=everest)
    await page.evaluate("document.getElementById('room-picker').dataset.before = 'yes'")
    release.set()

    await expect(page.locator("#room-picker[data-before]")).to_have_count(0)  # the answer was swapped in
    await expect(page.locator("#room_id")).to_have_value(everest)
    await context.close()


async def test_a_script_in_a_title_is_shown_as_text_and_never_runs(browser: Browser, site: str) -> None:
    context, page, _ = await signed_up(browser, site, "Mallory")
    title = "<script>window.pwned = true</script>"

    await fill_event(page, title, tomorrow(9), tomorrow(10))
    await page.get_by_role("button", name="Create event").click()

    await expect(page.get_by_role("heading", level=1)).to_have_text(title)
    assert await page.evaluate("window.pwned === undefined")
    await page.goto(f"/?date={tomorrow(0)[:10]}")
    await expect(page.locator(".event-title")).to_have_text(title)
    assert await page.evaluate("window.pwned === undefined")
    await context.close()


async def test_without_the_stream_the_bell_polls_and_the_stream_comes_back(browser: Browser, site: str) -> None:
    ada_context, _, _ = await signed_up(browser, site, "Ada")
    bob_context, bob, bob_email = await signed_up(browser, site, "Bob")
    # Bob's network drops the stream: the page must fall back to polling (shortened from 60 s here).
    await bob_context.add_init_script("window.plannerPollMs = 500")

    async def refuse(route: Route) -> None:
        await route.fulfill(status=503, body="down")

    await bob_context.route("**/api/notifications/stream", refuse)
    await bob.reload()
    await expect(bob.locator("body")).to_have_attribute("data-stream", "down")

    invited = await api_post(
        ada_context,
        "/api/events",
        {
            "title": "Planning",
            "starts_at": f"{tomorrow(10)}:00Z",
            "ends_at": f"{tomorrow(11)}:00Z",
            "participants": [bob_email],
        },
    )
    assert invited.status == 201, await invited.text()
    await expect(bob.locator("#unread-count")).to_have_text("1", timeout=10_000)

    await bob_context.unroute("**/api/notifications/stream", refuse)
    await stream_open(bob, timeout_s=70)  # reconnected by itself: the delay doubles up to 64 s

    await ada_context.close()
    await bob_context.close()


async def test_the_week_is_worked_by_keyboard_and_fits_a_phone(browser: Browser, site: str) -> None:
    context, page, _ = await signed_up(browser, site, "Kim")
    await fill_event(page, "Standup", tomorrow(9), tomorrow(10))
    await page.get_by_role("button", name="Create event").click()
    await page.goto(f"/?date={tomorrow(0)[:10]}")
    await expect(page.locator(".event-title", has_text="Standup")).to_be_visible()

    toggle = page.locator(".toggles a", has_text="Kim")
    await toggle.focus()
    await page.keyboard.press("Enter")  # hide my calendar
    await expect(page.locator(".event-title", has_text="Standup")).to_have_count(0)
    await page.locator(".toggles a", has_text="Kim").focus()
    await page.keyboard.press("Enter")  # and show it again
    await expect(page.locator(".event-title", has_text="Standup")).to_be_visible()

    await page.set_viewport_size({"width": 375, "height": 740})
    for path in ("/", "/events/new", "/rooms", "/notifications", f"/day?date={tomorrow(0)[:10]}"):
        await page.goto(path)
        # Nothing sticks out sideways (the week grid scrolls inside its own box).
        assert await page.evaluate("document.documentElement.scrollWidth") <= 375, path
    await page.locator(".event a", has_text="Standup").focus()
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Standup")
    await context.close()


async def test_a_calendars_changed_frame_reloads_the_open_week(browser: Browser, site: str, settings: Settings) -> None:
    context, page, _ = await signed_up(browser, site, "Gus")
    await page.goto(f"/?date={tomorrow(0)[:10]}")
    await stream_open(page)
    me = await (await context.request.get("/api/me")).json()
    # Made behind the page's back (as a Google sync does): nobody is notified of one's own event.
    made = await api_post(
        context,
        "/api/events",
        {"title": "Mirrored from Google", "starts_at": tomorrow(9) + ":00Z", "ends_at": tomorrow(10) + ":00Z"},
    )
    assert made.status == 201, await made.text()
    await expect(page.locator("#calendar .event-title", has_text="Mirrored from Google")).to_have_count(0)

    container = bootstrap(settings)
    try:
        await container.publisher.calendars_changed([UUID(me["id"])])
    finally:
        await container.close()

    await expect(page.locator("#calendar .event-title", has_text="Mirrored from Google")).to_be_visible(timeout=3_000)
    await context.close()
