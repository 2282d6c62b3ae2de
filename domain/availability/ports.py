"""Where working hours and out-of-office ranges are kept, and how busy people and rooms are."""

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.availability.busy import BusyBlock, BusyPiece
from domain.availability.out_of_office import OutOfOffice
from domain.availability.suggestions import RoomSchedule
from domain.availability.working_hours import Colleague, WorkingHours
from domain.scheduling.room import Room
from domain.scheduling.time_range import TimeRange


class AvailabilityRepository(Protocol):
    """People's working weeks and absences, and the busy time events and bookings make."""

    async def working_hours_of(self, user_ids: Collection[UUID]) -> dict[UUID, WorkingHours]:
        """The working hours set by these people; those who never set theirs are missing."""
        ...

    async def colleagues(self, *, emails: Collection[str] = (), ids: Collection[UUID] = ()) -> list[Colleague]:
        """The registered people of these (normalized) emails or ids, each once, with their working weeks.

        Someone who never set working hours has the default week in their account's zone.
        """
        ...

    async def set_working_hours(self, user_id: UUID, hours: WorkingHours, *, now: datetime) -> None:
        """Keep the person's working hours, replacing what they had."""
        ...

    async def out_of_office_of(self, user_id: UUID) -> list[OutOfOffice]:
        """The person's out-of-office ranges, by start."""
        ...

    async def add_out_of_office(self, absence: OutOfOffice) -> None:
        """Keep a new out-of-office range."""
        ...

    async def remove_out_of_office(self, user_id: UUID, absence_id: UUID) -> bool:
        """Delete the person's range; False when they have none with this id."""
        ...

    async def busy_of(self, zones: Mapping[UUID, str], window: TimeRange) -> dict[UUID, list[BusyBlock]]:
        """Each person's busy blocks in `window`, as `merged_busy(..., within=window)` answers them.

        A person's time is taken by the occurrences of confirmed events marked busy in their personal
        calendar and their mirrored Google calendars, and of those they organize in any other
        calendar (busy), and of the events they are invited to and did not
        decline (accepted: busy; unanswered or maybe: tentative, per occurrence); and by their
        out-of-office ranges. An all-day occurrence takes its dates on the person's wall clock
        (`zones` gives each person's zone).
        """
        ...

    async def busy_pieces_of(self, zones: Mapping[UUID, str], window: TimeRange) -> dict[UUID, list[BusyPiece]]:
        """`busy_of`'s blocks, the same ones in the same order, as pieces in whole microseconds since the epoch."""
        ...

    async def rooms_booked(self, room_ids: Collection[UUID], window: TimeRange) -> list[tuple[Room, list[TimeRange]]]:
        """The rooms of these ids that exist, each with its booked time in `window`: merged, in order, clipped."""
        ...

    async def rooms_seating(self, seats: int, window: TimeRange) -> list[RoomSchedule]:
        """Every room seating at least `seats`, by name, each with its bookings overlapping `window`.

        Each booking as it is (adjacent ones are not joined), by start, in whole microseconds since the
        epoch (not clipped): the ranking marks the candidates each one overlaps.
        """
        ...
