"""The guests of a mirrored Google event, as Google lists them: shown on the event's page, never invited by planner."""

from __future__ import annotations

from uuid import UUID

from application.unit_of_work import UnitOfWork
from domain.google_sync.model import RemoteAttendee


async def mirrored_guests(event_id: UUID, *, uow: UnitOfWork) -> tuple[RemoteAttendee, ...]:
    """The guests and their answers of the Google event the mirror `event_id` shows (none for planner's events)."""
    async with uow:
        return await uow.google.mirrored_guests(event_id)
