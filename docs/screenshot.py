"""Render the web client with sample data to docs/week-view.png and docs/find-a-time.png, in headless Chromium.

    uv run python docs/screenshot.py

Starts `planner up` on a free port with a throwaway data dir (embedded PostgreSQL and Redis), signs
a few people up and books a week of meetings through the public API, then photographs Ada's week,
and the event form's "Find a time" grid for a meeting with her colleagues and a room.
Needs Debian's `chromium` (or CHROMIUM=/path/to/chrome).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "docs" / "week-view.png"
FIND_A_TIME = ROOT / "docs" / "find-a-time.png"
PASSWORD = "correct horse battery staple"  # noqa: S105 - sample accounts on a throwaway server
ZONE = "Europe/Berlin"


class Api:
    def __init__(self, base: str, token: str | None = None) -> None:
        self.base, self.token = base, token

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)  # noqa: S310
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - our own loopback server
            return json.loads(answer.read() or b"null")

    def person(self, name: str, zone: str = ZONE) -> Api:
        email = f"{name.lower()}@example.com"
        self.call("POST", "/api/auth/register", {"email": email, "password": PASSWORD, "name": name, "timezone": zone})
        token = self.call("POST", "/api/auth/login", {"email": email, "password": PASSWORD})["access_token"]
        return Api(self.base, token)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(base: str, process: subprocess.Popen[bytes], deadline_s: float = 240) -> None:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if process.poll() is not None:
            sys.exit(f"planner up exited with {process.returncode}")
        try:
            with urllib.request.urlopen(base + "/health", timeout=3) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.5)
    sys.exit("planner did not become healthy in time")


def at(day: date, hour: int, minute: int = 0) -> str:
    return datetime.combine(day, clock_time(hour, minute), ZoneInfo(ZONE)).isoformat()


def seed(base: str, monday: date) -> None:
    """A believable week for Ada: a team calendar, rooms, a daily stand-up and a weekly 1:1 (series),
    overlapping meetings, an all-day offsite, and fresh invitations."""
    ada = Api(base).person("Ada")  # the first account administers planner: she adds the rooms
    bob, chen = (Api(base).person(name) for name in ("Bob", "Chen"))
    dana = Api(base).person("Dana", "America/New_York")  # her working day overlaps Berlin's afternoon
    rooms = {
        name: ada.call("POST", "/api/rooms", {"name": name, "capacity": seats, "location": floor})["id"]
        for name, seats, floor in (("Everest", 8, "3rd floor"), ("Fuji", 12, "2nd floor"), ("Kilimanjaro", 4, "1st"))
    }
    team = ada.call("POST", "/api/calendars", {"name": "Product team", "color": "#16a34a"})["id"]
    guests = ["bob@example.com", "chen@example.com"]

    def event(who: Api, title: str, day: int, start: tuple[int, int], end: tuple[int, int], **more: Any) -> None:
        d = monday + timedelta(days=day)
        who.call("POST", "/api/events", {"title": title, "starts_at": at(d, *start), "ends_at": at(d, *end), **more})

    every_weekday = {"rule": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"}
    event(ada, "Stand-up", 0, (9, 30), (9, 45), calendar_id=team, recurrence=every_weekday)
    event(ada, "Sprint planning", 0, (10, 0), (11, 30), room_id=rooms["Everest"], participants=guests)
    weekly = {"rule": "FREQ=WEEKLY;BYDAY=TU"}
    event(
        ada,
        "1:1 Bob",
        1,
        (14, 0),
        (14, 30),
        participants=["bob@example.com"],
        room_id=rooms["Kilimanjaro"],
        recurrence=weekly,
    )
    event(ada, "Design review", 2, (10, 0), (12, 0), room_id=rooms["Fuji"], calendar_id=team, participants=guests)
    event(ada, "Customer call", 2, (11, 0), (12, 0))
    event(ada, "Focus time", 2, (11, 30), (13, 0))
    event(ada, "Lunch & learn: SSE", 3, (12, 0), (13, 0), calendar_id=team, room_id=rooms["Fuji"])
    event(ada, "Roadmap draft", 3, (15, 0), (17, 0))
    event(ada, "Retro", 4, (15, 0), (16, 0), calendar_id=team, room_id=rooms["Everest"], participants=guests)
    event(bob, "Budget review", 1, (10, 0), (11, 0), participants=["ada@example.com"])
    event(chen, "Hiring sync", 3, (9, 0), (9, 30), participants=["ada@example.com", "dana@example.com"])
    event(dana, "Offsite prep", 4, (11, 0), (12, 30), participants=["ada@example.com"])
    friday, saturday = (monday + timedelta(days=4)).isoformat(), (monday + timedelta(days=5)).isoformat()
    offsite = {"title": "Team offsite", "all_day": True, "start_date": friday, "end_date": saturday}
    ada.call("POST", "/api/events", offsite | {"calendar_id": team})
    # For "Find a time": Chen starts late, Bob is away on Wednesday afternoon.
    late = {day: [["10:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
    chen.call("PUT", "/api/me/working-hours", {"timezone": ZONE, "days": late})
    wednesday = monday + timedelta(days=2)
    bob.call("POST", "/api/me/out-of-office", {"starts_at": at(wednesday, 15), "ends_at": at(wednesday, 19)})


def photograph(base: str, monday: date) -> None:
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("Chromium not found: apt-get install -y chromium (or set CHROMIUM=/path/to/chrome)")
    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=args)
        context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 860}, device_scale_factor=1)
        page = context.new_page()
        page.goto("/login")  # the pages use a cookie session: sign in as a person would
        page.get_by_label("Email").fill("ada@example.com")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_selector("#calendar")
        page.goto(f"/?date={monday.isoformat()}")
        page.wait_for_selector("body[data-stream='open']", timeout=15_000)
        page.wait_for_function("document.getElementById('unread-count').textContent.trim() === '3'", timeout=15_000)
        page.screenshot(path=str(OUTPUT))
        find_a_time(page, monday + timedelta(days=2))
        browser.close()


def find_a_time(page: Page, day: date) -> None:
    """Ada plans a meeting with Bob, Chen and Dana in Fuji on Wednesday: the scheduling grid and its suggestions."""
    page.goto(f"/events/new?date={day.isoformat()}&hour=14")
    page.get_by_label("Title").fill("Quarterly planning")
    for number, email in enumerate(("bob@example.com", "chen@example.com", "dana@example.com")):
        if number:
            page.get_by_role("button", name="Add another person").click()
        page.get_by_label("Participant email").nth(number).fill(email)
    page.get_by_label("People in the room").fill("4")
    page.get_by_label("People in the room").dispatch_event("change")
    page.wait_for_selector("#room_id option:text-matches('Fuji')", state="attached")
    page.locator("#room_id").select_option(label="Fuji (12 seats, 2nd floor)")
    page.get_by_role("button", name="Find a time").click()
    page.wait_for_selector("#find-a-time .suggestions")
    page.locator("#find-a-time").screenshot(path=str(FIND_A_TIME))


def main() -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    data_dir = tempfile.mkdtemp(prefix="planner-screenshot-")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "REDIS_CACHE_URL")}
    process = subprocess.Popen(  # noqa: S603
        ["uv", "run", "planner", "up", "--port", str(port), "--data-dir", data_dir],  # noqa: S607
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_healthy(base, process)
        today = datetime.now().date()  # noqa: DTZ005 - the local week of whoever takes the picture
        monday = today - timedelta(days=today.weekday())
        if today.weekday() > 1:  # "Find a time" plans a Wednesday still ahead: from Wednesday on, next week's
            monday += timedelta(days=7)
        seed(base, monday)
        photograph(base, monday)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        shutil.rmtree(data_dir, ignore_errors=True)
    print(f"wrote {OUTPUT.relative_to(ROOT)} and {FIND_A_TIME.relative_to(ROOT)}")  # noqa: T201


if __name__ == "__main__":
    main()
