"""ICS feeds and imports as the API shows them."""

from __future__ import annotations

import msgspec


class CalendarFeed(msgspec.Struct):
    """A calendar's secret subscription address: anyone holding it reads the calendar (shown once)."""

    url: str


class ImportQueued(msgspec.Struct):
    """An import job: follow it at /api/jobs/{job_id}; its result has `imported` and `skipped: [{uid, reason}]`."""

    job_id: str
