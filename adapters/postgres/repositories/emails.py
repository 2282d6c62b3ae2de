"""Queued emails on PostgreSQL: one row per dedupe key; a worker claims a row with a row lock while it sends."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.postgres.models import OutgoingEmailRow
from application.unit_of_work import SeenAggregates
from domain.identity import new_id
from domain.notifications.email import EmailBeingSent, EmailDraft, OutgoingEmail
from domain.notifications.notification import NotificationType

_EMAILS = select(OutgoingEmailRow.__table__)


class SqlOutgoingEmailRepository:
    """Implements domain.notifications.email.OutgoingEmailRepository."""

    def __init__(self, session: AsyncSession, seen: SeenAggregates) -> None:
        self._session = session
        self._seen = seen

    async def queue(self, draft: EmailDraft) -> OutgoingEmail | None:
        now = datetime.now(UTC)
        email = OutgoingEmail.queue(draft, email_id=new_id(now), now=now)
        inserted = (
            await self._session.execute(
                insert(OutgoingEmailRow)
                .values(
                    id=email.id,
                    user_id=email.user_id,
                    address=email.address,
                    recipient_name=email.recipient_name,
                    kind=email.kind.value,
                    event_id=email.event_id,
                    subject=email.subject,
                    message=email.message,
                    dedupe_key=email.dedupe_key,
                    created_at=email.created_at,
                    recurrence_id=email.recurrence_id,
                )
                .on_conflict_do_nothing(index_elements=[OutgoingEmailRow.dedupe_key])
                .returning(OutgoingEmailRow.id)
            )
        ).one_or_none()
        if inserted is None:
            return None
        self._seen.remember(email)  # its EmailQueued goes to the outbox in this commit
        return email

    async def claim(self, email_id: UUID) -> OutgoingEmail | None:
        row = (
            await self._session.execute(
                _EMAILS.where(OutgoingEmailRow.id == email_id).with_for_update(skip_locked=True)
            )
        ).one_or_none()
        if row is not None:
            return _email(row)
        exists = (
            await self._session.execute(select(OutgoingEmailRow.id).where(OutgoingEmailRow.id == email_id))
        ).one_or_none()
        if exists is not None:
            raise EmailBeingSent(f"email {email_id} is held by another worker")
        return None

    async def mark_sent(self, email_id: UUID, at: datetime) -> None:
        await self._session.execute(update(OutgoingEmailRow).where(OutgoingEmailRow.id == email_id).values(sent_at=at))

    async def mark_dropped(self, email_id: UUID, at: datetime) -> None:
        await self._session.execute(
            update(OutgoingEmailRow).where(OutgoingEmailRow.id == email_id).values(dropped_at=at)
        )


def _email(row: Row[Any]) -> OutgoingEmail:
    return OutgoingEmail(
        id=row.id,
        user_id=row.user_id,
        address=row.address,
        recipient_name=row.recipient_name,
        kind=NotificationType(row.kind),
        event_id=row.event_id,
        subject=row.subject,
        message=row.message,
        dedupe_key=row.dedupe_key,
        created_at=row.created_at,
        sent_at=row.sent_at,
        dropped_at=row.dropped_at,
        recurrence_id=row.recurrence_id,
    )
