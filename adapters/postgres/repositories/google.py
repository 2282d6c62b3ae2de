"""Google sync state on PostgreSQL: accounts (tokens encrypted), mirrored calendars and events, channels."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.google.token_cipher import TokenCipher
from adapters.postgres.models import (
    CalendarMemberRow,
    CalendarRow,
    EventRow,
    GoogleAccountRow,
    GoogleCalendarRow,
    GoogleChannelRow,
    GoogleEventLinkRow,
)
from adapters.postgres.repositories.arrays import is_any_id, is_any_text
from domain.google_sync.model import (
    ConnectionStatus,
    GoogleAccount,
    MirroredCalendar,
    RemoteCalendar,
    RemoteEvent,
    WatchChannel,
)
from domain.identity import new_id
from domain.scheduling.calendar import DEFAULT_COLOR, MAX_NAME_LENGTH, CalendarRole
from domain.scheduling.event import MAX_LOCATION_LENGTH, MAX_TITLE_LENGTH
from domain.scheduling.timezone import MAX_TIMEZONE_LENGTH

MIRROR_DESCRIPTION = "Mirrored from Google Calendar: read-only in planner, change its events in Google Calendar."
_HEX = frozenset("0123456789abcdef")


class SqlGoogleRepository:
    def __init__(self, session: AsyncSession, cipher: TokenCipher) -> None:
        self._session, self._cipher = session, cipher

    async def account(self, user_id: UUID) -> GoogleAccount | None:
        row = (
            await self._session.execute(select(GoogleAccountRow.__table__).where(GoogleAccountRow.user_id == user_id))
        ).one_or_none()
        if row is None:
            return None
        return GoogleAccount(
            user_id=row.user_id,
            tokens=self._cipher.decrypt(row.encrypted_tokens),
            status=ConnectionStatus(row.status),
            broken_reason=row.broken_reason,
            connected_at=row.connected_at,
            updated_at=row.updated_at,
        )

    async def save_account(self, account: GoogleAccount) -> None:
        values = {
            "encrypted_tokens": self._cipher.encrypt(account.tokens),
            "status": account.status.value,
            "broken_reason": account.broken_reason,
            "connected_at": account.connected_at,
            "updated_at": account.updated_at,
        }
        statement = upsert(GoogleAccountRow).values(user_id=account.user_id, **values)
        await self._session.execute(statement.on_conflict_do_update(index_elements=["user_id"], set_=values))

    async def delete_account(self, user_id: UUID) -> None:
        await self._session.execute(delete(GoogleAccountRow).where(GoogleAccountRow.user_id == user_id))

    async def mirrored_calendars(self, user_id: UUID) -> list[MirroredCalendar]:
        rows = await self._session.execute(
            select(GoogleCalendarRow.__table__)
            .where(GoogleCalendarRow.user_id == user_id)
            .order_by(GoogleCalendarRow.name)
        )
        return [_mirror(row) for row in rows]

    async def mirrored_calendar(self, user_id: UUID, google_calendar_id: str) -> MirroredCalendar | None:
        row = (
            await self._session.execute(
                select(GoogleCalendarRow.__table__).where(
                    GoogleCalendarRow.user_id == user_id, GoogleCalendarRow.google_calendar_id == google_calendar_id
                )
            )
        ).one_or_none()
        return None if row is None else _mirror(row)

    async def mirror_calendar(self, user_id: UUID, remote: RemoteCalendar, now: datetime) -> MirroredCalendar:
        existing = await self.mirrored_calendar(user_id, remote.id)
        if existing is not None:
            return existing
        calendar_id = new_id(now)
        await self._session.execute(
            insert(CalendarRow).values(
                id=calendar_id,
                name=(remote.name.strip() or "Google calendar")[:MAX_NAME_LENGTH],
                color=_color(remote.color),
                description=MIRROR_DESCRIPTION,
                owner_id=user_id,
                is_personal=False,
                created_at=now,
            )
        )
        # A viewer of their own mirror: planner's rules then refuse every change to its events.
        await self._session.execute(
            insert(CalendarMemberRow).values(calendar_id=calendar_id, user_id=user_id, role=CalendarRole.VIEWER.value)
        )
        inserted = await self._session.execute(
            upsert(GoogleCalendarRow)
            .values(
                calendar_id=calendar_id,
                user_id=user_id,
                google_calendar_id=remote.id,
                name=remote.name,
                time_zone=remote.time_zone[:MAX_TIMEZONE_LENGTH],
            )
            .on_conflict_do_nothing(index_elements=["user_id", "google_calendar_id"])
            .returning(GoogleCalendarRow.calendar_id)
        )
        if inserted.scalar_one_or_none() is None:  # another job mirrored it meanwhile
            await self._session.execute(delete(CalendarRow).where(CalendarRow.id == calendar_id))
            found = await self.mirrored_calendar(user_id, remote.id)
            assert found is not None
            return found
        return MirroredCalendar(
            user_id=user_id,
            google_calendar_id=remote.id,
            calendar_id=calendar_id,
            name=remote.name,
            time_zone=remote.time_zone,
        )

    async def save_mirrored_calendar(self, calendar: MirroredCalendar) -> None:
        await self._session.execute(
            update(GoogleCalendarRow)
            .where(GoogleCalendarRow.calendar_id == calendar.calendar_id)
            .values(sync_token=calendar.sync_token, last_synced_at=calendar.last_synced_at, name=calendar.name)
        )

    async def apply_events(
        self, calendar: MirroredCalendar, events: Sequence[RemoteEvent], now: datetime
    ) -> tuple[int, int]:
        latest = {event.id: event for event in events}  # the last word on an event within a page wins
        if not latest:
            return 0, 0
        links_found = await self._session.execute(
            select(GoogleEventLinkRow.google_event_id, GoogleEventLinkRow.event_id).where(
                GoogleEventLinkRow.calendar_id == calendar.calendar_id,
                is_any_text(GoogleEventLinkRow.google_event_id, list(latest)),
            )
        )
        known: dict[str, UUID] = {row.google_event_id: row.event_id for row in links_found}
        live = [event for event in latest.values() if not event.cancelled and event.starts_at is not None]
        gone = [known[event.id] for event in latest.values() if event.cancelled and event.id in known]
        if live:
            rows, links = [], []
            for event in live:
                event_id = known.get(event.id)
                if event_id is None:
                    event_id = new_id(now)
                    links.append(
                        {"event_id": event_id, "calendar_id": calendar.calendar_id, "google_event_id": event.id}
                    )
                rows.append(_event_row(event_id, calendar, event, now))
            statement = upsert(EventRow)
            await self._session.execute(
                statement.on_conflict_do_update(
                    index_elements=["id"],
                    set_={
                        name: statement.excluded[name]
                        for name in (
                            "title",
                            "description",
                            "location",
                            "starts_at",
                            "ends_at",
                            "all_day",
                            "timezone",
                            "updated_at",
                        )
                    }
                    | {"version": EventRow.version + 1},
                ),
                rows,
            )
            if links:
                await self._session.execute(insert(GoogleEventLinkRow), links)
        if gone:
            await self._session.execute(delete(EventRow).where(is_any_id(EventRow.id, gone)))
        return len(live), len(gone)

    async def clear_events(self, calendar: MirroredCalendar) -> int:
        result = await self._session.execute(delete(EventRow).where(EventRow.calendar_id == calendar.calendar_id))
        return int(getattr(result, "rowcount", 0) or 0)

    async def delete_mirrors(self, user_id: UUID) -> None:
        mirrors = select(GoogleCalendarRow.calendar_id).where(GoogleCalendarRow.user_id == user_id)
        await self._session.execute(delete(CalendarRow).where(CalendarRow.id.in_(mirrors)))

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

    async def channels_expiring_before(self, moment: datetime, limit: int) -> list[WatchChannel]:
        rows = await self._session.execute(
            select(GoogleChannelRow.__table__)
            .where(GoogleChannelRow.expires_at <= moment)
            .order_by(GoogleChannelRow.expires_at)
            .limit(limit)
        )
        return [_channel(row) for row in rows]

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


def _mirror(row: Any) -> MirroredCalendar:
    return MirroredCalendar(
        user_id=row.user_id,
        google_calendar_id=row.google_calendar_id,
        calendar_id=row.calendar_id,
        name=row.name,
        time_zone=row.time_zone,
        sync_token=row.sync_token,
        last_synced_at=row.last_synced_at,
    )


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


def _event_row(event_id: UUID, calendar: MirroredCalendar, event: RemoteEvent, now: datetime) -> dict[str, Any]:
    assert event.starts_at is not None
    ends_at = event.ends_at if event.ends_at is not None and event.ends_at > event.starts_at else None
    return {
        "id": event_id,
        "calendar_id": calendar.calendar_id,
        "organizer_id": calendar.user_id,
        "title": (event.title.strip() or "(no title)")[:MAX_TITLE_LENGTH],
        "description": event.description,
        "location": event.location[:MAX_LOCATION_LENGTH],
        "starts_at": event.starts_at,
        "ends_at": ends_at or event.starts_at + timedelta(minutes=1),
        "all_day": event.all_day,
        "timezone": event.timezone[:MAX_TIMEZONE_LENGTH],
        "room_id": None,
        "status": "confirmed",
        "version": 1,
        "reminders": [],
        "created_at": now,
        "updated_at": now,
    }


def _color(color: str | None) -> str:
    value = (color or "").strip().lower()
    if len(value) == 7 and value.startswith("#") and set(value[1:]) <= _HEX:
        return value
    return DEFAULT_COLOR
