"""Writes of people's own events to Google on the SAQ queue: one queued write per event, retried with backoff."""

from __future__ import annotations

from typing import Any
from uuid import UUID

WRITE_EVENT_TASK = "write_event_to_google"
RETRIED_WRITE: dict[str, Any] = {"timeout": 120, "retries": 8, "retry_delay": 2.0, "retry_backoff": 300.0}
"""Up to 8 attempts, 2 s, 4 s, 8 s ... apart (at most 5 minutes); then the pending-writes cron takes over."""


def write_event_key(organizer_id: UUID | str, event_id: UUID | str) -> str:
    """The SAQ key of an event's write: changes made while one is queued queue nothing more (it writes the latest)."""
    return f"google-write:{organizer_id}:{event_id}"


class SaqWriteQueue:
    """Implements application.google_sync.write_event_to_google.WriteQueue on the SAQ queue."""

    def __init__(self, queue: Any) -> None:
        self._queue = queue

    async def write_event(self, organizer_id: UUID, event_id: UUID) -> str:
        key = write_event_key(organizer_id, event_id)
        await self._queue.enqueue(WRITE_EVENT_TASK, key=key, event_id=str(event_id), **RETRIED_WRITE)
        return key
