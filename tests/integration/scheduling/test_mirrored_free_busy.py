"""Free/busy on PostgreSQL: a person's mirrored Google calendars take their time like planner's own events."""

from datetime import timedelta

from adapters.postgres.unit_of_work import PostgresUnitOfWork
from application.availability.dto import AskFreeBusy
from application.availability.free_busy import free_busy
from domain.availability.busy import BusyStatus
from domain.google_sync.model import RemoteEvent
from domain.scheduling.time_range import TimeRange
from tests.integration.scheduling.office import PostgresOffice
from tests.integration.scheduling.test_google_mirrors import STANDUP, apply, google_uow, mirrored
from tests.unit.scheduling.factories import MONDAY

__all__ = ["google_uow"]  # the fixture, shared with the mirrors' tests

HOLIDAY = RemoteEvent(
    id="holiday",
    cancelled=False,
    title="Bank holiday",
    starts_at=MONDAY + timedelta(days=1),
    ends_at=MONDAY + timedelta(days=2),
    all_day=True,
)


async def test_a_mirrored_google_meeting_is_busy_and_a_mirrored_all_day_date_free(
    office: PostgresOffice, google_uow: PostgresUnitOfWork
) -> None:
    ada, bob = await office.person(), await office.person()
    mirror = await mirrored(google_uow, ada)
    await apply(google_uow, mirror, STANDUP, HOLIDAY)

    answer = await free_busy(
        AskFreeBusy(actor_id=bob.id, emails=[ada.email], room_ids=[], start=MONDAY, end=MONDAY + timedelta(days=7)),
        uow=office.unit_of_work(),
    )

    (seen,) = answer.people
    assert [(b.time_range, b.status) for b in seen.busy] == [
        (TimeRange(STANDUP.starts_at, STANDUP.ends_at), BusyStatus.BUSY)  # type: ignore[arg-type]
    ]
