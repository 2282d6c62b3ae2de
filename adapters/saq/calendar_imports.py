"""Import jobs on the SAQ queue: one SAQ job per import, keyed by planner's job id."""

from __future__ import annotations

from typing import Any
from uuid import UUID

IMPORT_TASK = "import_calendar_file"
IMPORT_TIMEOUT_S = 600


class SaqCalendarImportQueue:
    """Implements application.scheduling.start_calendar_import.CalendarImportQueue on the SAQ queue.

    The file travels in the SAQ job (at most 10 MB of UTF-8 text). A run that dies is retried: the
    import commits its events with the job's completion, so a second run finds it done.
    """

    def __init__(self, queue: Any) -> None:
        self._queue = queue

    async def run_import(self, *, job_id: UUID, calendar_id: UUID, data: bytes) -> str:
        key = f"ics-import:{job_id}"
        await self._queue.enqueue(
            IMPORT_TASK,
            key=key,
            job_id=str(job_id),
            calendar_id=str(calendar_id),
            data=data.decode("utf-8"),
            timeout=IMPORT_TIMEOUT_S,
            retries=2,
        )
        return key
