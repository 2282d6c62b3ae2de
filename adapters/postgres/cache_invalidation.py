"""Whose cached calendar reads a commit made stale, read from its domain events and the committed data.

A domain event's `affected_user_ids` is whom to notify, so it leaves out the person acting and the
calendar's other members; a cached read is stale for all of them. So: every person an event names
(actor, organizer, invitee, member, the notified), plus the organizer, participants and calendar
members of every event it touched, plus the members of every calendar it touched, as committed.
A deleted calendar takes its events with it, so who saw them can no longer be read: that (rare)
write makes everyone's cached reads stale.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from uuid import UUID

import structlog
from sqlalchemy import select, union
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.postgres.models import CalendarMemberRow, EventParticipantRow, EventRow
from adapters.postgres.outbox import OutboxMessage
from application.cache import CalendarReads
from domain.events import DomainEvent
from domain.scheduling.events import CalendarDeleted

log = structlog.get_logger(__name__)

_PERSON_FIELDS = ("user_id", "by_user_id", "organizer_id", "owner_id")


class ForgetStaleReads:
    """An after-commit step: bump the generation of everyone whose cached reads the commit changed."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], reads: CalendarReads) -> None:
        self._sessions = sessions
        self._reads = reads

    async def __call__(self, messages: Sequence[OutboxMessage]) -> None:
        events = [message.event for message in messages]
        if not self._reads.enabled or not events:
            return
        if any(isinstance(event, CalendarDeleted) for event in events):
            await self._reads.forget_everyone()
            return
        named = people_named_in(events)
        try:
            related = await self._people_related(events)
        except Exception:
            # The commit stands; without its audience, nobody's cached reads can be trusted.
            log.warning("cache.audience_unknown", exc_info=True)
            await self._reads.forget_everyone()
            return
        await self._reads.forget_people(named | related)

    async def _people_related(self, events: Sequence[DomainEvent]) -> set[UUID]:
        event_ids = {value for event in events if isinstance(value := getattr(event, "event_id", None), UUID)}
        calendar_ids = {value for event in events if isinstance(value := getattr(event, "calendar_id", None), UUID)}
        queries = []
        if event_ids:
            touched_calendars = select(EventRow.calendar_id).where(EventRow.id.in_(event_ids))
            queries += [
                select(EventRow.organizer_id.label("user_id")).where(EventRow.id.in_(event_ids)),
                select(EventParticipantRow.user_id).where(EventParticipantRow.event_id.in_(event_ids)),
                select(CalendarMemberRow.user_id).where(CalendarMemberRow.calendar_id.in_(touched_calendars)),
            ]
        if calendar_ids:
            queries.append(select(CalendarMemberRow.user_id).where(CalendarMemberRow.calendar_id.in_(calendar_ids)))
        if not queries:
            return set()
        async with self._sessions() as session:
            return set((await session.execute(union(*queries))).scalars())


def people_named_in(events: Sequence[DomainEvent]) -> set[UUID]:
    """Everyone a domain event names: its audience and whoever acted, organized, was invited or removed."""
    people: set[UUID] = set()
    for event in events:
        people.update(event.affected_user_ids)
        for field in fields(event):
            if field.name in _PERSON_FIELDS and isinstance(value := getattr(event, field.name), UUID):
                people.add(value)
    return people
