"""Disconnect Google Calendar: stop the channels, forget the grant and every mirrored calendar and event."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from uuid import UUID

from application.google_sync.stop_channels import stop_channels
from application.unit_of_work import UnitOfWork
from domain.google_sync.ports import CalendarApis


async def disconnect(
    user_id: UUID, *, uow: UnitOfWork, apis: CalendarApis, forget_reads: Callable[[Iterable[UUID]], Awaitable[None]]
) -> None:
    """Stop the channels, then delete the grant and every mirrored calendar and event."""
    await stop_channels(user_id, uow=uow, apis=apis)
    async with uow:
        await uow.google.delete_mirrors(user_id)
        await uow.google.delete_account(user_id)
        await uow.commit()
    await forget_reads([user_id])
