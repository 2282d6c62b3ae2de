import pytest

from application.scheduling.create_calendar import create_calendar
from application.scheduling.delete_calendar import delete_calendar
from application.scheduling.dto import (
    CreateCalendar,
    DeleteCalendar,
    ShareCalendar,
    UnshareCalendar,
    UpdateCalendar,
)
from application.scheduling.get_calendar import get_calendar
from application.scheduling.get_event import get_event
from application.scheduling.list_calendars import list_calendars
from application.scheduling.share_calendar import share_calendar
from application.scheduling.unshare_calendar import unshare_calendar
from application.scheduling.update_calendar import update_calendar
from domain.accounts.user import User
from domain.errors import InvalidInput, NotFound, PermissionDenied, PersonalCalendarCannotBeDeleted
from domain.scheduling.calendar import Calendar, CalendarChanges, CalendarRole
from tests.unit.scheduling.office import Office


async def team_calendar(office: Office, owner: User, name: str = "Team") -> Calendar:
    return await create_calendar(CreateCalendar(actor_id=owner.id, name=name), uow=office.uow, clock=office.clock)


async def share(office: Office, calendar: Calendar, by: User, email: str, role: str) -> Calendar:
    command = ShareCalendar(actor_id=by.id, calendar_id=calendar.id, email=email, role=CalendarRole(role))
    return await share_calendar(command, uow=office.uow, clock=office.clock)


async def test_my_calendars_list_the_personal_one_first(office: Office) -> None:
    ada = await office.person(name="Ada")
    await team_calendar(office, ada, name="Alpha")
    calendars = await list_calendars(actor_id=ada.id, uow=office.uow)
    assert [c.name for c in calendars] == ["Ada", "Alpha"]


async def test_shared_calendar_appears_for_the_new_member_with_their_role(office: Office) -> None:
    ada, bob = await office.person(), await office.person(email="bob@example.com")
    team = await team_calendar(office, ada)
    await share(office, team, ada, "BOB@example.com", "viewer")
    seen_by_bob = await get_calendar(team.id, actor_id=bob.id, uow=office.uow)
    assert seen_by_bob.role_of(bob.id) is CalendarRole.VIEWER
    [shared] = office.events_named("calendar_shared")
    assert shared.affected_user_ids == (bob.id,)


async def test_sharing_with_an_unknown_email_names_the_email_field(office: Office) -> None:
    ada = await office.person()
    team = await team_calendar(office, ada)
    with pytest.raises(InvalidInput) as refused:
        await share(office, team, ada, "nobody@example.com", "viewer")
    assert refused.value.field == "email"


async def test_strangers_cannot_share_or_even_probe_emails(office: Office) -> None:
    ada, mallory = await office.person(), await office.person()
    team = await team_calendar(office, ada)
    with pytest.raises(NotFound):
        await share(office, team, mallory, "nobody@example.com", "owner")


async def test_editor_cannot_share_and_nothing_changes(office: Office) -> None:
    ada, bob = await office.person(), await office.person(email="bob@example.com")
    await office.person(email="carol@example.com")
    team = await team_calendar(office, ada)
    await share(office, team, ada, "bob@example.com", "editor")
    with pytest.raises(PermissionDenied):
        await share(office, team, bob, "carol@example.com", "owner")
    assert len((await get_calendar(team.id, actor_id=ada.id, uow=office.uow)).members) == 2


async def test_unsharing_removes_access_to_the_calendar_and_its_events(office: Office) -> None:
    ada, bob = await office.person(), await office.person(email="bob@example.com")
    team = await team_calendar(office, ada)
    await share(office, team, ada, "bob@example.com", "editor")
    event = await office.event(ada, calendar_id=team.id)
    await unshare_calendar(
        UnshareCalendar(actor_id=ada.id, calendar_id=team.id, user_id=bob.id), uow=office.uow, clock=office.clock
    )
    with pytest.raises(NotFound):
        await get_calendar(team.id, actor_id=bob.id, uow=office.uow)
    with pytest.raises(NotFound):
        await get_event(event.id, actor_id=bob.id, uow=office.uow)


async def test_owner_renames_recolors_and_describes_a_calendar(office: Office) -> None:
    ada = await office.person()
    team = await team_calendar(office, ada)
    changes = CalendarChanges(name="Crew", color="#00AA00", description="Us")
    await update_calendar(
        UpdateCalendar(actor_id=ada.id, calendar_id=team.id, changes=changes), uow=office.uow, clock=office.clock
    )
    stored = await get_calendar(team.id, actor_id=ada.id, uow=office.uow)
    assert (stored.name, stored.color, stored.description) == ("Crew", "#00aa00", "Us")


async def test_viewer_cannot_rename(office: Office) -> None:
    ada, bob = await office.person(), await office.person(email="bob@example.com")
    team = await team_calendar(office, ada)
    await share(office, team, ada, "bob@example.com", "viewer")
    with pytest.raises(PermissionDenied):
        await update_calendar(
            UpdateCalendar(actor_id=bob.id, calendar_id=team.id, changes=CalendarChanges(name="Mine")),
            uow=office.uow,
            clock=office.clock,
        )


async def test_deleting_a_calendar_takes_its_events_with_it(office: Office) -> None:
    ada = await office.person()
    team = await team_calendar(office, ada)
    event = await office.event(ada, calendar_id=team.id)
    await delete_calendar(DeleteCalendar(actor_id=ada.id, calendar_id=team.id), uow=office.uow, clock=office.clock)
    assert [c.name for c in await list_calendars(actor_id=ada.id, uow=office.uow)] == [ada.name]
    assert event.id not in office.database.tables.events


async def test_personal_calendar_cannot_be_deleted(office: Office) -> None:
    ada = await office.person()
    [personal] = await list_calendars(actor_id=ada.id, uow=office.uow)
    with pytest.raises(PersonalCalendarCannotBeDeleted):
        await delete_calendar(
            DeleteCalendar(actor_id=ada.id, calendar_id=personal.id), uow=office.uow, clock=office.clock
        )
    assert personal.id in office.database.tables.calendars


async def test_someone_elses_calendar_cannot_be_deleted_or_seen(office: Office) -> None:
    ada, mallory = await office.person(), await office.person()
    team = await team_calendar(office, ada)
    with pytest.raises(NotFound):
        await delete_calendar(
            DeleteCalendar(actor_id=mallory.id, calendar_id=team.id), uow=office.uow, clock=office.clock
        )
    with pytest.raises(NotFound):
        await get_calendar(team.id, actor_id=mallory.id, uow=office.uow)
    assert team.id in office.database.tables.calendars
