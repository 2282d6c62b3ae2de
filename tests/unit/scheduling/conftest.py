"""A fresh office for every scheduling test."""

import pytest

from tests.unit.scheduling.office import Office


@pytest.fixture
def office() -> Office:
    """A planner in memory, with nobody registered yet."""
    return Office()
