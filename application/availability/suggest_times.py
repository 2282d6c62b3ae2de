"""Suggest meeting times: ranked slots when the participants, in their own working hours, and a room are free."""

from datetime import timedelta

from application.availability.dto import Suggestions, SuggestTimes
from application.availability.people import distinct_emails, find_people
from application.cache import CalendarReads
from application.unit_of_work import UnitOfWork
from domain.availability.suggestions import (
    Attendee,
    MeetingRequest,
    check_participant_count,
    suggest,
)
from domain.errors import InvalidInput
from domain.scheduling.room import room_capacity
from domain.scheduling.time_range import TimeRange

_LONGEST = timedelta(days=1)


async def suggest_times(command: SuggestTimes, *, uow: UnitOfWork, reads: CalendarReads | None = None) -> Suggestions:
    """Up to `limit` slots, best first (domain/availability/suggestions.py says how they rank).

    A room is offered when it seats `capacity` (by default, every known participant) and is free the
    whole slot. Participants without an account here are answered in `unknown` and left out of the ranking.
    With `reads`, the participants are found through the cache where it knows them.
    """
    window = TimeRange.window(command.start, command.end)
    required = distinct_emails(command.participants, field="participants")
    optional = [
        email
        for email in distinct_emails(command.optional_participants, field="optional_participants")
        if email not in required
    ]
    check_participant_count(len(required) + len(optional))
    if not 0 < command.duration_minutes <= _LONGEST.total_seconds() // 60:
        raise InvalidInput("duration_minutes", "a meeting lasts between 5 minutes and a day")
    if command.capacity is not None:
        room_capacity(command.capacity)
    MeetingRequest(window=window, duration=timedelta(minutes=command.duration_minutes), limit=command.limit)
    async with uow.reading():
        people = await find_people(uow, required + optional, also=[command.actor_id], reads=reads)
        known, found = people.by_email, people.by_id
        busy = await uow.availability.busy_pieces_of({c.user_id: c.zone for c in known.values()}, window)
        seats = command.capacity or max(1, len(known))
        schedules = await uow.availability.rooms_seating(seats, window)
    asker = found.get(command.actor_id)
    request = MeetingRequest(
        window=window,
        duration=timedelta(minutes=command.duration_minutes),
        seats=seats,
        room_required=command.room_required,
        limit=command.limit,
        prefer=command.prefer,
        asker_zone=asker.zone if asker else "UTC",
    )
    attendees = [
        Attendee(
            email=email,
            busy=busy.get(colleague.user_id, ()),
            working=colleague.hours.spans_in(window),
            required=email in required,
        )
        for email, colleague in known.items()
    ]
    return Suggestions(
        window=window,
        items=suggest(request, attendees, schedules),
        unknown=[email for email in required + optional if email not in known],
    )
