"""Every page works under the Content-Security-Policy: visiting each and doing the main actions reports no violation."""

from __future__ import annotations

from playwright.async_api import Browser, ConsoleMessage, Page, expect

from tests.browser.test_live_notifications import fill_event, signed_up, stream_open, tomorrow

COLLECT_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  var where = e.sourceFile + ":" + e.lineNumber;
  window.cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + where);
});
"""


async def violations(page: Page) -> list[str]:
    return list(await page.evaluate("window.cspViolations || []"))


async def test_no_page_or_main_action_breaks_the_content_security_policy(browser: Browser, site: str) -> None:
    console: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            console.append(message.text)

    anonymous = await browser.new_context(base_url=site)
    await anonymous.add_init_script(COLLECT_VIOLATIONS)
    visitor = await anonymous.new_page()
    visitor.on("console", note)
    seen: list[str] = []
    for path in ("/login", "/signup"):
        answer = await visitor.goto(path)
        assert answer is not None
        assert "default-src 'self'" in (await answer.header_value("content-security-policy") or "")
        seen += await violations(visitor)
    await anonymous.close()

    context, page, _ = await signed_up(browser, site, "Ada")
    await context.add_init_script(COLLECT_VIOLATIONS)
    page.on("console", note)

    await fill_event(page, "Planning", tomorrow(10), tomorrow(11))
    await page.get_by_role("button", name="Add another person").click()  # htmx fetches another field
    await expect(page.get_by_label("Participant email")).to_have_count(2)
    seen += await violations(page)
    await page.get_by_role("button", name="Create event").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Planning")
    seen += await violations(page)
    event_path = page.url.removeprefix(site)

    date = tomorrow(0)[:10]
    for path in (
        "/",
        f"/?date={date}",
        f"/day?date={date}",
        "/rooms",
        "/notifications",
        "/google",
        "/events/new",
        event_path,
        f"{event_path}/edit",
        "/no-such-page",
    ):
        await page.goto(path)
        seen += await violations(page)

    await page.goto(f"/?date={date}")
    await stream_open(page)
    event = page.locator(".event", has_text="Planning").first
    await expect(event).to_be_visible()
    # Positions come from data-style through the DOM: the event sits in its hour, not at the grid's top.
    assert await event.evaluate("el => el.style.top") not in ("", "auto")
    await page.locator(".toggles a").first.click()  # htmx-boosted: hides the calendar
    await expect(page.locator(".event", has_text="Planning")).to_have_count(0)
    seen += await violations(page)

    await context.close()
    assert seen == [], seen
    assert console == [], console
