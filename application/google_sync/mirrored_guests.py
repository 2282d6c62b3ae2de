"""The guests of mirrored Google events, as Google lists them: shown with the events, never invited by planner."""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

from application.unit_of_work import UnitOfWork
from domain.google_sync.model import RemoteAttendee


async def mirrored_guests(event_id: UUID, *, uow: UnitOfWork) -> tuple[RemoteAttendee, ...]:
    """The guests and their answers of the Google event the mirror `event_id` shows (none for planner's events)."""
    return (await guests_of_mirrors([event_id], uow=uow)).get(event_id, ())


async def guests_of_mirrors(event_ids: Collection[UUID], *, uow: UnitOfWork) -> dict[UUID, tuple[RemoteAttendee, ...]]:
    """The guests of each mirrored Google event among `event_ids`, by planner id (planner's own events: absent)."""
    async with uow:
        return await uow.google.mirrored_guests(event_ids)
