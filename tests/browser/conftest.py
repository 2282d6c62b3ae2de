"""Real headless Chromium (Debian's `chromium`) driven by Playwright, against the real app and a real worker."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, async_playwright

from entrypoints.app import create_app
from entrypoints.settings import Settings
from tests.support.assets import installed_assets
from tests.support.live_server import live_server


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session", autouse=True)
def _chromium_and_assets() -> None:
    if chromium_path() is None:
        reason = "Debian's chromium is not installed (apt-get install -y chromium); browser tests need it"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true: {reason}")
        pytest.skip(reason)
    installed_assets()


@pytest.fixture
async def browser(site: str) -> AsyncIterator[Browser]:
    """Closed before the site stops, so no open notification stream holds the server's shutdown up."""
    # As root (CI containers), Chromium's sandbox cannot start; --no-sandbox is what Debian's package needs there.
    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=args)
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def site(settings: Settings, worker: None) -> AsyncIterator[str]:
    """The app on a real port, with a worker delivering notifications; answers its base URL."""
    async with live_server(create_app(settings, configure_logs=False)) as base:
        yield base
