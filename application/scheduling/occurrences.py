"""One occurrence of a series: read it, change it (alone or with the following ones), call it off."""

from dataclasses import replace

from application.scheduling.access import editable_event, visible_event
from application.scheduling.dto import CancelOccurrence, GetOccurrence, UpdateOccurrence
from application.scheduling.references import bookable_room, invitees_with_emails
from application.unit_of_work import UnitOfWork
from domain.changes import UNSET
from domain.clock import Clock
from domain.scheduling.occurrence import Occurrence, OccurrenceScope


async def get_occurrence(query: GetOccurrence, *, uow: UnitOfWork) -> Occurrence:
    """The occurrence, if the actor sees its series; NotFound if not, or if the series has no such one."""
    async with uow:
        event, _ = await visible_event(uow, query.event_id, query.actor_id)
        return event.occurrence(query.recurrence_id)


async def update_occurrence(command: UpdateOccurrence, *, uow: UnitOfWork, clock: Clock) -> Occurrence:
    """Change one occurrence (an override), or split the series there and change the new one (`following`).

    Answers the occurrence as it now is: for `following`, the first occurrence of the new series.
    """
    now = clock.now()
    async with uow:
        event, _ = await editable_event(uow, command.event_id, command.actor_id)
        event.occurrence(command.recurrence_id).check_revision(command.expected_revision)
        changes = command.changes
        if changes.room_id is not UNSET and changes.room_id is not None:
            await bookable_room(uow, changes.room_id)
        if command.participants is not UNSET:
            changes = replace(changes, invitees=await invitees_with_emails(uow, command.participants))
        if command.scope is OccurrenceScope.THIS:
            if event.update_occurrence(command.recurrence_id, changes, by_user_id=command.actor_id, now=now):
                await uow.events.save(event)
                await uow.commit()
            return event.occurrence(command.recurrence_id)
        following = event.split_at(command.recurrence_id, now=now)
        if following is None:
            # The first occurrence: "this and the following" is the whole series.
            event.update(changes, by_user_id=command.actor_id, now=now)
            await uow.events.save(event)
            await uow.commit()
            return event.occurrences(before=event.starts_at + event.time_range.duration)[0]
        await uow.events.save(event)
        following.update(changes, by_user_id=command.actor_id, now=now)
        await uow.events.add(following)
        await uow.commit()
        return following.occurrences(before=following.starts_at + following.time_range.duration)[0]


async def cancel_occurrence(command: CancelOccurrence, *, uow: UnitOfWork, clock: Clock) -> None:
    """Call off one occurrence (an EXDATE), or the series from that occurrence on (`following`)."""
    now = clock.now()
    async with uow:
        event, _ = await editable_event(uow, command.event_id, command.actor_id)
        event.occurrence(command.recurrence_id).check_revision(command.expected_revision)
        if command.scope is OccurrenceScope.THIS:
            event.cancel_occurrence(command.recurrence_id, by_user_id=command.actor_id, now=now)
            await uow.events.save(event)
            await uow.commit()
            return
        following = event.split_at(command.recurrence_id, now=now)
        if following is None:
            event.cancel(by_user_id=command.actor_id, now=now)
            await uow.events.save(event)
            await uow.commit()
            return
        await uow.events.save(event)
        following.cancel(by_user_id=command.actor_id, now=now)
        await uow.events.add(following)
        await uow.commit()
