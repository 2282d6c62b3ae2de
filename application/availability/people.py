"""People named by email, as find a time sees them: their account and working week, or unknown.

Who counts as unknown follows the enumeration rule of docs/security.md: a signed-in caller may learn
no more about an address than an invitation would tell them. Every registered person of this
planner is a colleague (sign-up is by invitation or by domain in production), so an address
answers with its free/busy when it has an account here, and as "unknown" otherwise; the answer for an
unknown address is the same whatever the reason, and never says more than that.

With the cache, people are found without PostgreSQL: an index by email names the person, and their
record (id, email, zone, working week) is kept under their generation, which any change of their
email, zone or working hours bumps. The index is only a hint: a record whose email is not the one
asked about is not believed, and the person is looked up in the database like one the cache does not know.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from uuid import UUID

from application.cache import GENERATION_MARK, USER_MARK, CalendarReads, colleague_key, person_key
from application.unit_of_work import UnitOfWork
from domain.accounts.email import normalize_email
from domain.availability.working_hours import Colleague, WorkingHours, clock_text
from domain.errors import DomainError

__all__ = ["Colleague", "People", "colleague_record", "distinct_emails", "find_people"]

_RECORD = colleague_key(USER_MARK, GENERATION_MARK)


def distinct_emails(emails: Iterable[str], *, field: str) -> list[str]:
    """The addresses normalized (a malformed one is refused, naming `field`), each once, in order."""
    return list(dict.fromkeys(normalize_email(email, field=field) for email in emails))


@dataclass(frozen=True)
class People:
    """Who the emails (and ids) asked about are.

    `by_email`: the people of the emails who have an account, in the order asked; `by_id`: everyone
    found, the ids asked about included. `cached`: for people the cache knows, their generation and the
    values at the templates asked for (None where missing), to serve from and to store computed ones under.
    """

    by_email: dict[str, Colleague]
    by_id: dict[UUID, Colleague]
    cached: dict[UUID, tuple[str, list[bytes | None]]] = field(default_factory=dict)


async def find_people(
    uow: UnitOfWork,
    emails: Sequence[str],
    *,
    also: Sequence[UUID] = (),
    reads: CalendarReads | None = None,
    templates: Sequence[str] = (),
) -> People:
    """The people of `emails` (normalized, distinct) and of the ids `also`, from the cache where it knows them.

    Call it inside `async with uow`: the database is only asked about the people the cache does not
    know (no statement at all when it knows everyone). `templates` (USER_MARK and GENERATION_MARK in
    each) are read in the same round trip as each person the cache knows.
    """
    found: dict[UUID, Colleague] = {}
    cached: dict[UUID, tuple[str, list[bytes | None]]] = {}
    generations: dict[UUID, str] = {}  # of people known to the cache whose record is missing
    unknown: list[str] = list(emails)
    if reads is not None and reads.enabled and emails:
        unknown = []
        answers = await reads.read_indexed([person_key(email) for email in emails], [_RECORD, *templates])
        for email, answer in zip(emails, answers, strict=True):
            if answer is None:
                unknown.append(email)
                continue
            user_id, generation, values = answer
            cached[user_id] = (generation, values[1:])
            record = values[0]
            colleague = _from_record(record) if record is not None else None
            if colleague is None or colleague.email != email or colleague.user_id != user_id:
                unknown.append(email)
                generations[user_id] = generation
            else:
                found[user_id] = colleague
    ids = [user_id for user_id in also if user_id not in found]
    if unknown or ids:
        looked_up = await uow.availability.colleagues(emails=unknown, ids=ids)
        found.update((colleague.user_id, colleague) for colleague in looked_up)
        if reads is not None and reads.enabled and looked_up:
            store = {person_key(c.email): str(c.user_id).encode() for c in looked_up if c.email in unknown}
            for c in looked_up:
                if c.user_id in generations:
                    store[colleague_key(c.user_id, generations[c.user_id])] = colleague_record(c)
            await reads.store_many(store)
    by_email = {colleague.email: colleague for colleague in found.values()}
    return People(
        by_email={email: by_email[email] for email in emails if email in by_email},
        by_id=found,
        cached=cached,
    )


def colleague_record(colleague: Colleague) -> bytes:
    """A person as the cache keeps them: JSON of id, email, and working week (zone and days, as the API spells them)."""
    hours = colleague.hours
    days = {day: [[clock_text(s.start), clock_text(s.end)] for s in spans] for day, spans in hours.days.items()}
    return json.dumps([str(colleague.user_id), colleague.email, hours.timezone, days], separators=(",", ":")).encode()


@lru_cache(maxsize=8192)
def _from_record(record: bytes) -> Colleague | None:
    """A person from their cached record, remembered by it (Colleague is immutable); None if it cannot be read."""
    try:
        user_id, email, zone, days = json.loads(record)
        return Colleague(UUID(user_id), email, WorkingHours.parse(zone, days))
    except (ValueError, TypeError, LookupError, AttributeError, DomainError):
        return None
