"""Planner against a fake Google that the real google-api-python-client talks to."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from entrypoints.settings import Settings
from tests.fakes.google import FakeGoogle, running_fake_google
from tests.support.google import Planner, serving


@pytest.fixture
def fake() -> Iterator[FakeGoogle]:
    """A fake Google; a request the real Google would refuse fails the test."""
    with running_fake_google() as fake:
        yield fake
    assert fake.violations == [], "planner sent requests Google would refuse"


@pytest.fixture
async def planner(settings: Settings, fake: FakeGoogle) -> AsyncIterator[Planner]:
    """planner's app and worker, talking to the fake Google."""
    async with serving(settings, fake) as planner:
        yield planner
