"""A clock that tests set and move by hand."""

from datetime import UTC, datetime, timedelta


class ManualClock:
    """Stands still until told to move."""

    def __init__(self, now: datetime | None = None) -> None:
        self._now = now or datetime(2026, 11, 23, 8, 0, tzinfo=UTC)

    def now(self) -> datetime:
        """Return the time the clock was set to."""
        return self._now

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward."""
        self._now += delta
