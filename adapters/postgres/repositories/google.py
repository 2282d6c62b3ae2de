"""Google sync state on PostgreSQL: accounts (tokens encrypted), mirrored calendars and events, channels."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from sqlalchemy import Table, and_, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.google.token_cipher import TokenCipher
from adapters.postgres.models import (
    CalendarRow,
    EventOccurrenceRow,
    EventRow,
    GoogleAccountRow,
    GoogleCalendarRow,
    GoogleChannelRow,
    GoogleEventLinkRow,
)
from adapters.postgres.repositories.arrays import is_any_id, is_any_text
from adapters.postgres.repositories.calendars import SqlCalendarRepository
from adapters.postgres.repositories.events import event_columns, event_from_row
from adapters.postgres.repositories.google_channels import SqlGoogleChannels
from adapters.postgres.repositories.google_writes import SqlGoogleWrites
from adapters.postgres.repositories.series_codec import occurrence_rows
from adapters.postgres.repositories.users import SqlUserRepository
from application.unit_of_work import SeenAggregates
from domain.accounts.user import User
from domain.google_sync.mirroring import MirroredPage
from domain.google_sync.model import (
    AttendeeResponse,
    ConnectionStatus,
    GoogleAccount,
    MirroredCalendar,
    RemoteAttendee,
    SyncOutcome,
)
from domain.scheduling.calendar import Calendar
from domain.scheduling.event import Event
from domain.scheduling.occurrence import OCCURRENCE_HORIZON

# What a refreshed mirror may change; its id, calendar, organizer and creation stay.
_MIRRORED_COLUMNS = (
    "title",
    "description",
    "location",
    "starts_at",
    "ends_at",
    "all_day",
    "timezone",
    "recurrence",
    "overrides",
    "version",
    "updated_at",
)


class SqlGoogleRepository(SqlGoogleChannels, SqlGoogleWrites):
    def __init__(self, session: AsyncSession, cipher: TokenCipher, seen: SeenAggregates | None = None) -> None:
        self._session, self._cipher = session, cipher
        # The mirrors' aggregates are remembered like any other, for a unit of work that collects their facts.
        self._seen = seen if seen is not None else SeenAggregates()
        self._users = SqlUserRepository(session, self._seen)
        self._calendars = SqlCalendarRepository(session, self._seen)

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
            write_back_calendar_id=row.write_back_calendar_id,
            can_write=row.can_write,
            send_attendees=row.send_attendees,
        )

    async def save_account(self, account: GoogleAccount) -> None:
        values = {
            "encrypted_tokens": self._cipher.encrypt(account.tokens),
            "status": account.status.value,
            "broken_reason": account.broken_reason,
            "connected_at": account.connected_at,
            "updated_at": account.updated_at,
            "write_back_calendar_id": account.write_back_calendar_id,
            "can_write": account.can_write,
            "send_attendees": account.send_attendees,
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
        return [mirror_of_row(row) for row in rows]

    async def mirrored_calendar(self, user_id: UUID, google_calendar_id: str) -> MirroredCalendar | None:
        row = (
            await self._session.execute(
                select(GoogleCalendarRow.__table__).where(
                    GoogleCalendarRow.user_id == user_id, GoogleCalendarRow.google_calendar_id == google_calendar_id
                )
            )
        ).one_or_none()
        return None if row is None else mirror_of_row(row)

    async def account_holder(self, user_id: UUID) -> User | None:
        """The person whose Google account it is: the owner of the calendars mirrored from it."""
        return await self._users.get(user_id)

    async def add_mirror(self, calendar: Calendar, mirror: MirroredCalendar) -> MirroredCalendar:
        """Store a new mirror calendar and its link; if another job linked that Google calendar first, that one."""
        await self._calendars.add(calendar)
        linked = await self._session.execute(
            upsert(GoogleCalendarRow)
            .values(
                calendar_id=mirror.calendar_id,
                user_id=mirror.user_id,
                google_calendar_id=mirror.google_calendar_id,
                name=mirror.name,
                time_zone=mirror.time_zone,
                sync_token=mirror.sync_token,
                last_synced_at=mirror.last_synced_at,
            )
            .on_conflict_do_nothing(index_elements=["user_id", "google_calendar_id"])
            .returning(GoogleCalendarRow.calendar_id)
        )
        if linked.scalar_one_or_none() is not None:
            return mirror
        # Another job mirrored it meanwhile (the unique link decided): keep theirs, drop ours.
        await self._session.execute(delete(CalendarRow).where(CalendarRow.id == calendar.id))
        found = await self.mirrored_calendar(mirror.user_id, mirror.google_calendar_id)
        assert found is not None
        return found

    async def save_mirrored_calendar(self, calendar: MirroredCalendar) -> None:
        await self._session.execute(
            update(GoogleCalendarRow)
            .where(GoogleCalendarRow.calendar_id == calendar.calendar_id)
            .values(sync_token=calendar.sync_token, last_synced_at=calendar.last_synced_at, name=calendar.name)
        )

    async def mirrored_events(self, calendar: MirroredCalendar, google_event_ids: Collection[str]) -> dict[str, Event]:
        """The planner events mirroring these Google events of the calendar, by Google id."""
        if not google_event_ids:
            return {}
        rows = await self._session.execute(
            select(EventRow.__table__, GoogleEventLinkRow.google_event_id)
            .join(GoogleEventLinkRow, GoogleEventLinkRow.event_id == EventRow.id)
            .where(
                GoogleEventLinkRow.calendar_id == calendar.calendar_id,
                is_any_text(GoogleEventLinkRow.google_event_id, list(google_event_ids)),
            )
        )
        # A mirror has no guests: Google's attendees stay in Google.
        return {row.google_event_id: event_from_row(row, []) for row in rows}

    async def apply_events(self, calendar: MirroredCalendar, page: MirroredPage) -> None:
        """Store what the domain decided for a page: its new and refreshed mirrors, and the removed ones deleted.

        One statement writes every event of the page (a Google page holds up to 250).
        """
        stored = page.stored
        if stored:
            statement = upsert(EventRow)
            await self._session.execute(
                statement.on_conflict_do_update(
                    index_elements=["id"], set_={name: statement.excluded[name] for name in _MIRRORED_COLUMNS}
                ),
                [event_columns(event) for event in stored],
            )
            await self._session.execute(
                delete(EventOccurrenceRow).where(is_any_id(EventOccurrenceRow.event_id, [e.id for e in stored]))
            )
            occurrences = [row for event in stored for row in occurrence_rows(event, horizon=OCCURRENCE_HORIZON)]
            if occurrences:
                await self._session.execute(insert(EventOccurrenceRow), occurrences)
            for event in stored:
                self._seen.remember(event)
        if page.added:
            linked = await self._session.execute(
                upsert(GoogleEventLinkRow)
                .on_conflict_do_nothing(index_elements=["calendar_id", "google_event_id"])
                .returning(GoogleEventLinkRow.event_id),
                [
                    {"event_id": event.id, "calendar_id": calendar.calendar_id, "google_event_id": google_event_id}
                    for google_event_id, event in page.added.items()
                ],
            )
            # Another job mirrored some of them meanwhile (the unique link decided): drop our copies.
            unlinked = {event.id for event in page.added.values()} - set(linked.scalars())
            if unlinked:
                await self._session.execute(delete(EventRow).where(is_any_id(EventRow.id, list(unlinked))))
        if page.removed:
            await self._session.execute(delete(EventRow).where(is_any_id(EventRow.id, page.removed)))
        if page.guests:
            links = cast(Table, GoogleEventLinkRow.__table__)
            await self._session.execute(
                update(links)
                .where(links.c.calendar_id == calendar.calendar_id, links.c.google_event_id == bindparam("google_id"))
                .values(attendees=bindparam("guests")),
                [{"google_id": google_id, "guests": _guests_json(guests)} for google_id, guests in page.guests.items()],
            )

    async def mirrored_guests(self, event_ids: Collection[UUID]) -> dict[UUID, tuple[RemoteAttendee, ...]]:
        """The guests of the Google events these mirrors show, with their answers, by planner id (mirrors only)."""
        if not event_ids:
            return {}
        found = await self._session.execute(
            select(GoogleEventLinkRow.event_id, GoogleEventLinkRow.attendees).where(
                is_any_id(GoogleEventLinkRow.event_id, list(event_ids)),
                func.jsonb_array_length(GoogleEventLinkRow.attendees) > 0,
            )
        )
        return {
            event_id: tuple(
                RemoteAttendee(
                    email=item["email"],
                    name=item.get("name", ""),
                    response=AttendeeResponse(item.get("response", "needsAction")),
                    organizer=bool(item.get("organizer")),
                )
                for item in attendees
            )
            for event_id, attendees in found
        }

    async def clear_events(self, calendar: MirroredCalendar) -> int:
        result = await self._session.execute(delete(EventRow).where(EventRow.calendar_id == calendar.calendar_id))
        return int(getattr(result, "rowcount", 0) or 0)

    async def remove_unlisted_events(self, calendar: MirroredCalendar, listed: Collection[str]) -> int:
        unlisted = select(GoogleEventLinkRow.event_id).where(
            GoogleEventLinkRow.calendar_id == calendar.calendar_id,
            ~is_any_text(GoogleEventLinkRow.google_event_id, list(listed)),
        )
        result = await self._session.execute(delete(EventRow).where(EventRow.id.in_(unlisted)))
        return int(getattr(result, "rowcount", 0) or 0)

    async def delete_mirrors(self, user_id: UUID) -> None:
        mirrors = select(GoogleCalendarRow.calendar_id).where(GoogleCalendarRow.user_id == user_id)
        await self._session.execute(delete(CalendarRow).where(CalendarRow.id.in_(mirrors)))

    async def note_sync(
        self,
        user_id: UUID,
        google_calendar_id: str,
        *,
        attempted_at: datetime,
        outcome: SyncOutcome,
        error: str | None,
    ) -> None:
        """Remember how the calendar's latest sync went (what the status shows, and when it is next due)."""
        await self._session.execute(
            update(GoogleCalendarRow)
            .where(GoogleCalendarRow.user_id == user_id, GoogleCalendarRow.google_calendar_id == google_calendar_id)
            .values(last_attempt_at=attempted_at, last_outcome=outcome.value, last_error=error)
        )

    async def calendars_due(
        self, *, polled_before: datetime, synced_before: datetime, watched_after: datetime, limit: int
    ) -> list[MirroredCalendar]:
        """Calendars of working grants due a sync, longest waiting first.

        Polled ones (Google refused to watch them, or they have no channel alive after `watched_after`) whose
        last sync began before `polled_before`; any whose last sync began before `synced_before` (the safety net).
        A calendar never synced yet is left to the full sync that is setting it up.
        """
        attempted = func.coalesce(GoogleCalendarRow.last_attempt_at, GoogleCalendarRow.last_synced_at)
        live_channel = select(GoogleChannelRow.id).where(
            GoogleChannelRow.user_id == GoogleCalendarRow.user_id,
            GoogleChannelRow.google_calendar_id == GoogleCalendarRow.google_calendar_id,
            GoogleChannelRow.expires_at > watched_after,
        )
        polled = or_(GoogleCalendarRow.watch_refused.is_not(None), ~live_channel.exists())
        rows = await self._session.execute(
            select(GoogleCalendarRow.__table__)
            .join(GoogleAccountRow, GoogleAccountRow.user_id == GoogleCalendarRow.user_id)
            .where(
                GoogleAccountRow.status == ConnectionStatus.CONNECTED.value,
                or_(and_(polled, attempted < polled_before), attempted < synced_before),
            )
            .order_by(attempted)
            .limit(limit)
        )
        return [mirror_of_row(row) for row in rows]

    async def accounts_to_check(self, checked_before: datetime, limit: int) -> list[UUID]:
        """Working grants whose calendar list was last read before `checked_before`."""
        rows = await self._session.execute(
            select(GoogleAccountRow.user_id)
            .where(
                GoogleAccountRow.status == ConnectionStatus.CONNECTED.value,
                # Never read yet: the full sync that connecting started is reading it.
                GoogleAccountRow.calendars_checked_at < checked_before,
            )
            .order_by(GoogleAccountRow.calendars_checked_at)
            .limit(limit)
        )
        return list(rows.scalars())

    async def note_calendars_checked(self, user_id: UUID, now: datetime) -> None:
        await self._session.execute(
            update(GoogleAccountRow).where(GoogleAccountRow.user_id == user_id).values(calendars_checked_at=now)
        )

    async def save_watch_state(self, calendar: MirroredCalendar) -> None:
        """Keep whether Google refused to watch the calendar, why, how often, and when to ask again."""
        await self._session.execute(
            update(GoogleCalendarRow)
            .where(GoogleCalendarRow.calendar_id == calendar.calendar_id)
            .values(
                watch_refused=calendar.watch_refused,
                watch_refusals=calendar.watch_refusals,
                watch_retry_at=calendar.watch_retry_at,
            )
        )

    async def calendars_to_watch_again(self, now: datetime, limit: int) -> list[MirroredCalendar]:
        """Polled calendars of working grants that Google refused to watch, due to be asked again, longest due first."""
        rows = await self._session.execute(
            select(GoogleCalendarRow.__table__)
            .join(GoogleAccountRow, GoogleAccountRow.user_id == GoogleCalendarRow.user_id)
            .where(
                GoogleAccountRow.status == ConnectionStatus.CONNECTED.value,
                GoogleCalendarRow.watch_refused.is_not(None),
                or_(GoogleCalendarRow.watch_retry_at.is_(None), GoogleCalendarRow.watch_retry_at <= now),
            )
            .order_by(GoogleCalendarRow.watch_retry_at.nulls_first())
            .limit(limit)
        )
        return [mirror_of_row(row) for row in rows]

    async def delete_mirror(self, mirror: MirroredCalendar) -> None:
        """Delete a mirrored calendar with its events and the channels on it."""
        await self._session.execute(
            delete(GoogleChannelRow).where(
                GoogleChannelRow.user_id == mirror.user_id,
                GoogleChannelRow.google_calendar_id == mirror.google_calendar_id,
            )
        )
        await self._session.execute(delete(CalendarRow).where(CalendarRow.id == mirror.calendar_id))


def mirror_of_row(row: Any) -> MirroredCalendar:
    return MirroredCalendar(
        user_id=row.user_id,
        google_calendar_id=row.google_calendar_id,
        calendar_id=row.calendar_id,
        name=row.name,
        time_zone=row.time_zone,
        sync_token=row.sync_token,
        last_synced_at=row.last_synced_at,
        watch_refused=row.watch_refused,
        watch_refusals=row.watch_refusals,
        watch_retry_at=row.watch_retry_at,
        last_attempt_at=row.last_attempt_at,
        last_outcome=None if row.last_outcome is None else SyncOutcome(row.last_outcome),
        last_error=row.last_error,
    )


def _guests_json(guests: tuple[RemoteAttendee, ...]) -> list[dict[str, Any]]:
    return [{"email": g.email, "name": g.name, "response": g.response.value, "organizer": g.organizer} for g in guests]
