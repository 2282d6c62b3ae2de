"""In-memory notification preferences and queued emails, behaving like the PostgreSQL repositories."""

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from uuid import UUID, uuid4

from application.unit_of_work import SeenAggregates
from domain.notifications.email import EmailDraft, Letter, OutgoingEmail
from domain.notifications.preferences import NotificationPreferences
from tests.fakes.notifications import DeliveryTables
from tests.unit.scheduling.factories import NOW


class InMemoryNotificationPreferenceRepository:
    def __init__(self, tables: DeliveryTables) -> None:
        self._tables = tables

    async def of_people(self, user_ids: Iterable[UUID]) -> dict[UUID, NotificationPreferences]:
        return {
            user_id: self._tables.preferences.get(user_id, NotificationPreferences(user_id=user_id))
            for user_id in set(user_ids)
        }

    async def save(self, preferences: NotificationPreferences) -> None:
        self._tables.preferences[preferences.user_id] = preferences


class InMemoryOutgoingEmailRepository:
    def __init__(self, tables: DeliveryTables, seen: SeenAggregates) -> None:
        self._tables = tables
        self._seen = seen

    async def queue(self, draft: EmailDraft) -> OutgoingEmail | None:
        if draft.dedupe_key in self._tables.emails:
            return None
        email = OutgoingEmail.queue(draft, email_id=uuid4(), now=NOW)
        self._tables.emails[draft.dedupe_key] = email
        self._seen.remember(email)
        return email

    async def claim(self, email_id: UUID) -> OutgoingEmail | None:
        return next((e for e in self._tables.emails.values() if e.id == email_id), None)

    async def mark_sent(self, email_id: UUID, at: datetime) -> None:
        self._settle(email_id, sent_at=at)

    async def mark_dropped(self, email_id: UUID, at: datetime) -> None:
        self._settle(email_id, dropped_at=at)

    def _settle(self, email_id: UUID, **when: datetime) -> None:
        for key, email in self._tables.emails.items():
            if email.id == email_id:
                self._tables.emails[key] = replace(email, **when)


class RecordingMailer:
    """A mailer that keeps every letter it is handed."""

    def __init__(self) -> None:
        self.sent: list[Letter] = []

    async def send(self, letter: Letter) -> None:
        self.sent.append(letter)
