"""Google push channels on PostgreSQL, and whether Google watches each mirrored calendar."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.postgres.models import GoogleAccountRow, GoogleCalendarRow, GoogleChannelRow
from domain.google_sync.model import ConnectionStatus, WatchChannel


class SqlGoogleChannels:
    """The channel half of SqlGoogleRepository (domain.google_sync.ports.GoogleRepository)."""

    _session: AsyncSession

    async def channels(self, user_id: UUID) -> list[WatchChannel]:
        rows = await self._session.execute(
            select(GoogleChannelRow.__table__)
            .where(GoogleChannelRow.user_id == user_id)
            .order_by(GoogleChannelRow.created_at)
        )
        return [_channel(row) for row in rows]

    async def channel(self, channel_id: str) -> WatchChannel | None:
        row = (
            await self._session.execute(select(GoogleChannelRow.__table__).where(GoogleChannelRow.id == channel_id))
        ).one_or_none()
        return None if row is None else _channel(row)

    async def channels_expiring_before(self, moment: datetime, limit: int, *, alive_at: datetime) -> list[WatchChannel]:
        """Live channels (expiring after `alive_at`) expiring by `moment`, soonest first: dead rows never fill it."""
        rows = await self._session.execute(
            select(GoogleChannelRow.__table__)
            .where(GoogleChannelRow.expires_at <= moment, GoogleChannelRow.expires_at > alive_at)
            .order_by(GoogleChannelRow.expires_at)
            .limit(limit)
        )
        return [_channel(row) for row in rows]

    async def delete_orphan_channels(self) -> int:
        """Forget channels of people without a working grant, or of calendars no longer mirrored; answers how many."""
        connected = select(GoogleAccountRow.user_id).where(GoogleAccountRow.status == ConnectionStatus.CONNECTED.value)
        mirrored = select(GoogleCalendarRow.calendar_id).where(
            GoogleCalendarRow.user_id == GoogleChannelRow.user_id,
            GoogleCalendarRow.google_calendar_id == GoogleChannelRow.google_calendar_id,
        )
        result = await self._session.execute(
            delete(GoogleChannelRow).where(or_(GoogleChannelRow.user_id.not_in(connected), ~mirrored.exists()))
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def delete_expired_channels(self, now: datetime) -> list[tuple[UUID, str]]:
        """Forget channels Google has already let expire; answers the (person, Google calendar) of each, one per row."""
        rows = await self._session.execute(
            delete(GoogleChannelRow)
            .where(GoogleChannelRow.expires_at <= now)
            .returning(GoogleChannelRow.user_id, GoogleChannelRow.google_calendar_id)
        )
        return [(row.user_id, row.google_calendar_id) for row in rows]

    async def add_channel(self, channel: WatchChannel) -> None:
        await self._session.execute(
            insert(GoogleChannelRow).values(
                id=channel.id,
                user_id=channel.user_id,
                google_calendar_id=channel.google_calendar_id,
                token_digest=channel.token_digest,
                resource_id=channel.resource_id,
                expires_at=channel.expires_at,
                last_message_number=channel.last_message_number,
                created_at=channel.created_at,
            )
        )

    async def channel_granted(self, channel_id: str, *, resource_id: str, expires_at: datetime) -> None:
        await self._session.execute(
            update(GoogleChannelRow)
            .where(GoogleChannelRow.id == channel_id)
            .values(resource_id=resource_id, expires_at=expires_at)
        )

    async def delete_channel(self, channel_id: str) -> None:
        await self._session.execute(delete(GoogleChannelRow).where(GoogleChannelRow.id == channel_id))

    async def note_message(self, channel_id: str, number: int) -> bool:
        updated = await self._session.execute(
            update(GoogleChannelRow)
            .where(
                GoogleChannelRow.id == channel_id,
                or_(GoogleChannelRow.last_message_number.is_(None), GoogleChannelRow.last_message_number < number),
            )
            .values(last_message_number=number)
            .returning(GoogleChannelRow.id)
        )
        return updated.scalar_one_or_none() is not None


def _channel(row: Any) -> WatchChannel:
    return WatchChannel(
        id=row.id,
        user_id=row.user_id,
        google_calendar_id=row.google_calendar_id,
        token_digest=row.token_digest,
        resource_id=row.resource_id,
        expires_at=row.expires_at,
        last_message_number=row.last_message_number,
        created_at=row.created_at,
    )
