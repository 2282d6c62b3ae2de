"""One sync at a time per calendar: a push sync, a job's retry and a full sync of it never run at once.

Whoever wants a calendar synced first marks it (the push flag), then tries to hold it. The holder
syncs while the mark is set, and looks at it again after letting go: a sync asked for while another
ran is done by the one running, never dropped, and the sync token only moves forward.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from application.google_sync.ports import PushFlags, SyncLocks
from domain.google_sync.model import MirroredCalendar

MAX_ROUNDS = 5
"""How often one holder goes round again for syncs asked for while it ran; the mark stays set after."""

Round = Callable[[bool], Awaitable[int]]
"""One sync of the calendar (True: the first round, the one that was asked for); answers the events changed."""


async def in_turn(mirror: MirroredCalendar, run: Round, *, locks: SyncLocks, pushed: PushFlags) -> int | None:
    """Sync the calendar while holding it; the events changed, or None when another sync held it (it does this one)."""
    user_id, google_calendar_id = mirror.user_id, mirror.google_calendar_id
    await pushed.mark(user_id, google_calendar_id)
    changed: int | None = None
    rounds = 0
    while rounds < MAX_ROUNDS:
        async with locks.hold(mirror.calendar_id) as held:
            if not held:
                return changed
            while rounds < MAX_ROUNDS and await pushed.take(user_id, google_calendar_id):
                changed = (changed or 0) + await run(rounds == 0)
                rounds += 1
        if not await pushed.is_set(user_id, google_calendar_id):
            break
    return changed
