"""Choose whether (and to which Google calendar) a person's own planner events are written back to Google."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.google_sync.write_event_to_google import WriteQueue
from application.unit_of_work import UnitOfWork
from domain.clock import Clock
from domain.errors import InvalidInput
from domain.google_sync.errors import NotConnected, WriteAccessNeeded
from domain.google_sync.write_back import MAX_GOOGLE_CALENDAR_ID_LENGTH, PRIMARY

EXISTING_WRITES = 500
"""How many of a person's upcoming events switching write-back on writes at once (the rest at their next change)."""
WRITE_ACCESS_URL = "/api/google/connect?write=true"
"""Where a person grants planner writing to their Google Calendar."""


@dataclass(frozen=True, kw_only=True)
class ChooseWriteBack:
    """Write the actor's own events to this Google calendar ("primary" or one they mirror); None: stop."""

    actor_id: UUID
    google_calendar_id: str | None
    send_attendees: bool = False
    """Write the participants of their events as Google guests too (Google then emails them); off by default."""


@dataclass(frozen=True)
class WriteBackChoice:
    """Where the person's own events go in Google (None: nowhere), and the calendars they may choose."""

    google_calendar_id: str | None
    choices: list[tuple[str, str]]
    """(Google calendar id, name), "primary" first."""
    can_write: bool = True
    """Whether the grant lets planner write; if not, the person connects again at WRITE_ACCESS_URL first."""
    send_attendees: bool = False
    """Whether participants are written as Google guests (Google emails them)."""


async def choose_write_back(
    command: ChooseWriteBack, *, uow: UnitOfWork, clock: Clock, queue: WriteQueue | None = None
) -> WriteBackChoice:
    """Switch write-back on (to that calendar) or off; NotConnected without a working Google connection.

    Switched on, the person's upcoming events (and series) are queued to be written too, up to
    EXISTING_WRITES; later ones are written at their next change.
    """
    wanted = command.google_calendar_id
    if wanted is not None:
        wanted = wanted.strip()
        if not wanted or len(wanted) > MAX_GOOGLE_CALENDAR_ID_LENGTH:
            raise InvalidInput("google_calendar_id", 'give a Google calendar id, "primary", or null to switch off')
    async with uow:
        account = await uow.google.account(command.actor_id)
        if account is None or not account.usable:
            raise NotConnected("connect Google Calendar first")
        if wanted is not None and not account.can_write:
            raise WriteAccessNeeded(
                "planner may only read your Google Calendar: connect again allowing it to write "
                f"({WRITE_ACCESS_URL}), then switch write-back on"
            )
        choices = await _choices(uow, command.actor_id)
        if wanted is not None and wanted not in {calendar_id for calendar_id, _ in choices}:
            raise InvalidInput("google_calendar_id", f"{wanted!r} is not one of your Google calendars planner syncs")
        account.write_back_to(wanted, clock.now(), send_attendees=command.send_attendees)
        await uow.google.save_account(account)
        existing = (
            []
            if wanted is None
            else await uow.google.own_events_to_write(command.actor_id, clock.now(), EXISTING_WRITES)
        )
        await uow.commit()
    if queue is not None:
        for event_id in existing:
            await queue.write_event(command.actor_id, event_id)
    return WriteBackChoice(
        google_calendar_id=wanted,
        choices=choices,
        can_write=account.can_write,
        send_attendees=account.send_attendees,
    )


async def write_back_choice(user_id: UUID, *, uow: UnitOfWork) -> WriteBackChoice | None:
    """The person's write-back setting and choices; None when Google is not connected."""
    async with uow:
        account = await uow.google.account(user_id)
        if account is None or not account.usable:
            return None
        return WriteBackChoice(
            google_calendar_id=account.write_back_calendar_id,
            choices=await _choices(uow, user_id),
            can_write=account.can_write,
            send_attendees=account.send_attendees,
        )


async def _choices(uow: UnitOfWork, user_id: UUID) -> list[tuple[str, str]]:
    mirrored = await uow.google.mirrored_calendars(user_id)
    return [(PRIMARY, "Primary calendar"), *((c.google_calendar_id, c.name) for c in mirrored)]
