"""Receive Google's push notification: check the channel, queue one incremental sync per calendar."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from application.google_sync.ports import SyncQueue
from application.unit_of_work import UnitOfWork
from domain.google_sync.errors import PushRejected
from domain.google_sync.model import channel_token_digest


@dataclass(frozen=True, kw_only=True)
class ReceivePush:
    """Act on Google's push notification, as its headers tell it."""

    channel_id: str
    token: str
    resource_state: str
    resource_id: str
    message_number: int | None


@dataclass(frozen=True)
class PushOutcome:
    accepted: bool
    """True when a sync was queued (202); False when acknowledged with nothing to do."""
    reason: str
    task_id: str | None = None


async def receive_push(command: ReceivePush, *, uow: UnitOfWork, queue: SyncQueue) -> PushOutcome:
    """Check the channel and its token; queue one incremental sync per calendar. Never calls Google."""
    async with uow:
        channel = await uow.google.channel(command.channel_id)
        pushed = channel_token_digest(command.token)
        if channel is None or not hmac.compare_digest(channel.token_digest.encode(), pushed.encode()):
            raise PushRejected
        if command.resource_state == "sync":
            return PushOutcome(accepted=False, reason="sync message acknowledged")
        if command.resource_state not in ("exists", "not_exists"):
            return PushOutcome(accepted=False, reason=f"resource state {command.resource_state!r} ignored")
        if command.message_number is not None:
            if not await uow.google.note_message(channel.id, command.message_number):
                return PushOutcome(accepted=False, reason="old or repeated message number ignored")
            await uow.commit()
    task_id = await queue.sync_calendar(channel.user_id, channel.google_calendar_id)
    return PushOutcome(accepted=True, reason="incremental sync queued", task_id=task_id)
