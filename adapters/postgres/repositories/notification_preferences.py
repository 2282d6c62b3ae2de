"""People's notification preferences on PostgreSQL: one row per (person, kind) they chose."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.postgres.models import NotificationPreferenceRow
from domain.notifications.notification import NotificationType
from domain.notifications.preferences import Channel, NotificationPreferences


class SqlNotificationPreferenceRepository:
    """Implements domain.notifications.ports.NotificationPreferenceRepository."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def of_people(self, user_ids: Iterable[UUID]) -> dict[UUID, NotificationPreferences]:
        wanted = set(user_ids)
        chosen: dict[UUID, dict[NotificationType, frozenset[Channel]]] = {user_id: {} for user_id in wanted}
        if wanted:
            rows = await self._session.execute(
                select(NotificationPreferenceRow.__table__).where(NotificationPreferenceRow.user_id.in_(wanted))
            )
            for row in rows:
                chosen[row.user_id][NotificationType(row.kind)] = frozenset(Channel(c) for c in row.channels)
        return {user_id: NotificationPreferences(user_id=user_id, chosen=kinds) for user_id, kinds in chosen.items()}

    async def save(self, preferences: NotificationPreferences) -> None:
        values = [
            {"user_id": preferences.user_id, "kind": kind.value, "channels": sorted(c.value for c in channels)}
            for kind, channels in preferences.chosen.items()
        ]
        if not values:
            return
        statement = insert(NotificationPreferenceRow).values(values)
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[NotificationPreferenceRow.user_id, NotificationPreferenceRow.kind],
                set_={"channels": statement.excluded.channels},
            )
        )
