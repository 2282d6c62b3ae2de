"""Whose cached calendar reads a commit makes stale, read from its domain events and its data.

A domain event's `affected_user_ids` is whom to notify, so it leaves out the person acting and the
calendar's other members; a cached read is stale for all of them. So: every person an event names
(actor, organizer, invitee, member, the notified), plus the organizer, participants and calendar
members of every event it touched, plus the members of every calendar it touched, as about to be committed.
A deleted calendar takes its events with it, so who saw them can no longer be read: that (rare)
write makes everyone's cached reads stale.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import fields
from uuid import UUID

import structlog
from sqlalchemy import any_, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.postgres.models import CalendarMemberRow, EventParticipantRow, EventRow
from adapters.postgres.repositories.arrays import ids_parameter
from application.cache import CalendarReads
from domain.domain_events import DomainEvent
from domain.scheduling.domain_events import CalendarDeleted, EventCreated, ParticipantInvited

log = structlog.get_logger(__name__)

_PERSON_FIELDS = ("user_id", "by_user_id", "organizer_id", "owner_id")


class ForgetStaleReads:
    """Bump the generation of everyone whose cached reads a commit changed.

    The unit of work asks for the audience inside the transaction, just before its commit (one
    more query on the connection it already holds), and has it forgotten right after the commit,
    before the write answers.
    """

    def __init__(self, reads: CalendarReads) -> None:
        self._reads = reads

    async def audience(
        self,
        session: AsyncSession,
        events: Sequence[DomainEvent],
        *,
        calendar_members: Mapping[UUID, Collection[UUID]] | None = None,
    ) -> Audience:
        """Whose cached reads these (about to be committed) domain events make stale.

        `calendar_members` are the members of the calendars the transaction read: when the commit
        only creates events in those, its audience is known without asking the database.
        """
        if not self._reads.enabled or not events:
            return frozenset()
        if any(isinstance(event, CalendarDeleted) for event in events):
            return EVERYONE
        known = _audience_of_new_events(events, calendar_members or {})
        if known is not None:
            return frozenset(known)
        try:
            related = await _people_related(session, events)
        except Exception:
            # Without its audience, nobody's cached reads can be trusted after this commit.
            log.warning("cache.audience_unknown", exc_info=True)
            return EVERYONE
        return frozenset(people_named_in(events) | related)

    def with_people(self, audience: Audience, people: Collection[UUID]) -> Audience:
        """The audience and these people, whose reads a write changed with no domain event (out of office)."""
        if not self._reads.enabled or not people or audience is EVERYONE:
            return audience
        return audience | frozenset(people)

    async def forget(self, audience: Audience) -> None:
        """Make the audience's cached reads unreachable; called after the commit, before the answer."""
        if audience is EVERYONE:
            await self._reads.forget_everyone()
        elif audience:
            await self._reads.forget_people(audience)


class _Everyone(frozenset[UUID]):
    pass


EVERYONE: frozenset[UUID] = _Everyone()
"""The audience of a commit whose readers cannot be known (a deleted calendar took its events along)."""

Audience = frozenset[UUID]


# Built once, executed with values (an empty array matches nothing).
_EVENTS_TOUCHED = ids_parameter("event_ids")
_AUDIENCE = union(
    select(EventRow.organizer_id.label("user_id")).where(EventRow.id == any_(_EVENTS_TOUCHED)),
    select(EventParticipantRow.user_id).where(EventParticipantRow.event_id == any_(ids_parameter("event_ids"))),
    select(CalendarMemberRow.user_id).where(
        CalendarMemberRow.calendar_id.in_(
            select(EventRow.calendar_id).where(EventRow.id == any_(ids_parameter("event_ids"))).scalar_subquery()
        )
    ),
    select(CalendarMemberRow.user_id).where(CalendarMemberRow.calendar_id == any_(ids_parameter("calendar_ids"))),
)


def _audience_of_new_events(
    events: Sequence[DomainEvent], calendar_members: Mapping[UUID, Collection[UUID]]
) -> set[UUID] | None:
    """Everyone who sees the events a commit creates, if that is all it does; None when it does more.

    A new event is seen by its organizer and invitees (all named in its domain events) and by the
    members of its calendar, when the transaction read them.
    """
    created = {event.event_id: event.calendar_id for event in events if isinstance(event, EventCreated)}
    if not created:
        return None
    for event in events:
        if not isinstance(event, EventCreated | ParticipantInvited) or event.event_id not in created:
            return None
    people = people_named_in(events)
    for calendar_id in created.values():
        members = calendar_members.get(calendar_id)
        if members is None:
            return None
        people.update(members)
    return people


async def _people_related(session: AsyncSession, events: Sequence[DomainEvent]) -> set[UUID]:
    event_ids = {value for event in events if isinstance(value := getattr(event, "event_id", None), UUID)}
    calendar_ids = {value for event in events if isinstance(value := getattr(event, "calendar_id", None), UUID)}
    if not event_ids and not calendar_ids:
        return set()
    found = await session.execute(_AUDIENCE, {"event_ids": list(event_ids), "calendar_ids": list(calendar_ids)})
    return set(found.scalars())


def people_named_in(events: Sequence[DomainEvent]) -> set[UUID]:
    """Everyone a domain event names: its audience and whoever acted, organized, was invited or removed."""
    people: set[UUID] = set()
    for event in events:
        people.update(event.affected_user_ids)
        for field in fields(event):
            if field.name in _PERSON_FIELDS and isinstance(value := getattr(event, field.name), UUID):
                people.add(value)
    return people
