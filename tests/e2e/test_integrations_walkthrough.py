"""docs/integrations.md's Python, run block by block against a live planner, as an integrator would run it."""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar

from entrypoints.settings import Settings
from tests.e2e.people import PASSWORD
from tests.support.live_server import live_server

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "integrations.md"
_SECTION = re.compile(r"^## (\d+)\. ", re.MULTILINE)
_PYTHON = re.compile(r"^```python\n(.*?)^```$", re.MULTILINE | re.DOTALL)
ADA = "ada@example.com"
TOKENS_AND_BOOKING = (1, 2, 3)
WEBHOOKS = (4, 5)


def python_of_sections(*numbers: int) -> list[str]:
    """The guide's Python blocks in the numbered sections, in order."""
    text = GUIDE.read_text()
    starts = [(int(found.group(1)), found.start()) for found in _SECTION.finditer(text)]
    blocks = []
    for index, (number, start) in enumerate(starts):
        end = starts[index + 1][1] if index + 1 < len(starts) else len(text)
        if number in numbers:
            blocks.extend(_PYTHON.findall(text, start, end))
    return blocks


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # The walkthrough's receiver listens on this machine (docs/integrations.md, step 4 says so).
    if "webhook_allow_private" in {field.name for field in dataclasses.fields(settings)}:
        return dataclasses.replace(settings, **{"webhook_allow_private": True})
    return settings


@pytest.fixture
async def planner(app: Litestar) -> AsyncIterator[str]:
    """planner on a real socket, with an administrator who added a room, and Ada, who runs the guide."""
    async with live_server(app) as base_url, httpx.AsyncClient(base_url=base_url) as client:
        for name, email in (("Root", "root@example.com"), ("Ada", ADA)):
            body = {"email": email, "password": PASSWORD, "name": name}
            assert (await client.post("/api/auth/register", json=body)).status_code == 201
        login = await client.post("/api/auth/login", json={"email": "root@example.com", "password": PASSWORD})
        room = {"name": "Everest", "capacity": 8, "location": "3rd floor"}
        made = await client.post(
            "/api/rooms", json=room, headers={"Authorization": f"Bearer {login.json()['access_token']}"}
        )
        assert made.status_code == 201, made.text
        yield base_url


async def run_guide(blocks: list[str], planner: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Run the blocks one after the other in one namespace, as a reader pasting them into Python would."""
    monkeypatch.setenv("PLANNER_URL", planner)
    monkeypatch.setenv("PLANNER_EMAIL", ADA)
    monkeypatch.setenv("PLANNER_PASSWORD", PASSWORD)
    monkeypatch.delenv("RECEIVER_URL", raising=False)
    namespace: dict[str, Any] = {"__name__": "walkthrough"}

    def run() -> None:
        for block in blocks:
            exec(compile(block, str(GUIDE), "exec"), namespace)

    # The guide's code is synchronous: it runs beside the server's event loop, not in it.
    await asyncio.to_thread(run)
    return namespace


async def test_the_guide_makes_a_token_lists_the_week_and_books_a_room(
    planner: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    done = await run_guide(python_of_sections(*TOKENS_AND_BOOKING), planner, monkeypatch)

    assert done["TOKEN"].startswith("plnr_")
    assert done["event"]["room_id"] == done["room"]["id"]
    async with httpx.AsyncClient(base_url=planner, headers={"Authorization": f"Bearer {done['TOKEN']}"}) as api:
        seen = await api.get(f"/api/events/{done['event']['id']}")
    assert seen.status_code == 200
    assert seen.json()["title"] == "Design review"


async def test_the_guide_subscribes_a_webhook_and_verifies_a_delivery(
    planner: str, app: Litestar, worker: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    done = await run_guide(python_of_sections(*TOKENS_AND_BOOKING, *WEBHOOKS), planner, monkeypatch)

    assert done["message"]["type"] == "event.updated"
    assert done["message"]["data"]["event_id"] == done["event"]["id"]
    assert done["headers"]["webhook-id"]


def test_the_guide_has_python_for_every_step() -> None:
    assert len(python_of_sections(*TOKENS_AND_BOOKING)) == 3
    assert len(python_of_sections(*WEBHOOKS)) == 3
