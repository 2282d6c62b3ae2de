import pytest

from domain.accounts.user import User
from domain.errors import (
    InvalidInput,
    NotFound,
    OwnerCannotLeaveCalendar,
    PermissionDenied,
    PersonalCalendarCannotBeDeleted,
)
from domain.scheduling.calendar import Calendar, CalendarChanges, CalendarRole
from domain.scheduling.domain_events import CalendarDeleted, CalendarShared, CalendarUnshared, CalendarUpdated
from tests.unit.scheduling.factories import NOW, a_calendar, a_user


def shared(calendar: Calendar, role: CalendarRole) -> User:
    user = a_user()
    calendar.share(user, role, by_user_id=calendar.owner_id, now=NOW)
    calendar.pull_events()
    return user


def test_owner_manages_editor_writes_viewer_reads_stranger_nothing() -> None:
    calendar = a_calendar()
    editor, viewer, stranger = a_user(), a_user(), a_user()
    calendar.share(editor, CalendarRole.EDITOR, by_user_id=calendar.owner_id, now=NOW)
    calendar.share(viewer, CalendarRole.VIEWER, by_user_id=calendar.owner_id, now=NOW)
    table = {
        who: (calendar.can_read(who), calendar.can_write(who), calendar.can_manage(who))
        for who in (calendar.owner_id, editor.id, viewer.id, stranger.id)
    }
    assert table == {
        calendar.owner_id: (True, True, True),
        editor.id: (True, True, False),
        viewer.id: (True, False, False),
        stranger.id: (False, False, False),
    }


def test_sharing_records_the_new_member_and_tells_them() -> None:
    calendar = a_calendar()
    colleague = a_user()
    calendar.share(colleague, CalendarRole.EDITOR, by_user_id=calendar.owner_id, now=NOW)
    [shared_event] = calendar.pull_events()
    assert isinstance(shared_event, CalendarShared)
    assert (shared_event.role, shared_event.affected_user_ids) == ("editor", (colleague.id,))
    assert calendar.members[colleague.id].email == colleague.email


def test_sharing_again_changes_the_role_and_same_role_is_a_no_op() -> None:
    calendar = a_calendar()
    colleague = a_user()
    for role in (CalendarRole.VIEWER, CalendarRole.VIEWER, CalendarRole.OWNER):
        calendar.share(colleague, role, by_user_id=calendar.owner_id, now=NOW)
    assert calendar.role_of(colleague.id) is CalendarRole.OWNER
    assert len(calendar.pull_events()) == 2


def test_only_owners_share_and_strangers_are_told_it_does_not_exist() -> None:
    calendar = a_calendar()
    editor = a_user()
    calendar.share(editor, CalendarRole.EDITOR, by_user_id=calendar.owner_id, now=NOW)
    with pytest.raises(PermissionDenied):
        calendar.share(a_user(), CalendarRole.VIEWER, by_user_id=editor.id, now=NOW)
    with pytest.raises(NotFound):
        calendar.share(a_user(), CalendarRole.VIEWER, by_user_id=a_user().id, now=NOW)


def test_owner_can_be_neither_demoted_nor_removed() -> None:
    owner = a_user()
    calendar = a_calendar(owner)
    co_owner = a_user()
    calendar.share(co_owner, CalendarRole.OWNER, by_user_id=owner.id, now=NOW)
    with pytest.raises(OwnerCannotLeaveCalendar):
        calendar.share(owner, CalendarRole.VIEWER, by_user_id=co_owner.id, now=NOW)
    with pytest.raises(OwnerCannotLeaveCalendar):
        calendar.unshare(owner.id, by_user_id=co_owner.id, now=NOW)
    assert calendar.role_of(owner.id) is CalendarRole.OWNER


def test_member_may_leave_but_not_remove_others() -> None:
    calendar = a_calendar()
    leaving, staying = a_user(), a_user()
    for user in (leaving, staying):
        calendar.share(user, CalendarRole.VIEWER, by_user_id=calendar.owner_id, now=NOW)
    with pytest.raises(PermissionDenied):
        calendar.unshare(staying.id, by_user_id=leaving.id, now=NOW)
    calendar.pull_events()
    calendar.unshare(leaving.id, by_user_id=leaving.id, now=NOW)
    assert not calendar.can_read(leaving.id)
    [unshared] = calendar.pull_events()
    assert isinstance(unshared, CalendarUnshared)
    assert unshared.affected_user_ids == ()


def test_removing_someone_who_is_not_a_member_is_not_found() -> None:
    calendar = a_calendar()
    with pytest.raises(NotFound):
        calendar.unshare(a_user().id, by_user_id=calendar.owner_id, now=NOW)


def test_change_records_only_the_fields_that_changed() -> None:
    calendar = a_calendar(name="Team")
    changed = calendar.change(
        CalendarChanges(name="Team", color="#FF0000", description="Ours"), by_user_id=calendar.owner_id, now=NOW
    )
    assert changed == ("color", "description")
    assert calendar.color == "#ff0000"
    [updated] = calendar.pull_events()
    assert isinstance(updated, CalendarUpdated)


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("name", CalendarChanges(name="")),
        ("name", CalendarChanges(name="x" * 101)),
        ("color", CalendarChanges(color="red")),
        ("color", CalendarChanges(color="#12345g")),
        ("description", CalendarChanges(description="x" * 2_001)),
    ],
)
def test_bad_change_is_refused_naming_the_field_and_changes_nothing(field: str, changes: CalendarChanges) -> None:
    calendar = a_calendar(name="Team")
    with pytest.raises(InvalidInput) as refused:
        calendar.change(changes, by_user_id=calendar.owner_id, now=NOW)
    assert refused.value.field == field
    assert (calendar.name, calendar.pending_events) == ("Team", ())


def test_personal_calendar_cannot_be_deleted_but_a_shared_one_can() -> None:
    owner = a_user()
    personal = Calendar.personal_for(owner, now=NOW)
    with pytest.raises(PersonalCalendarCannotBeDeleted):
        personal.delete(by_user_id=owner.id, now=NOW)
    team = a_calendar(owner)
    viewer = shared(team, CalendarRole.VIEWER)
    team.delete(by_user_id=owner.id, now=NOW)
    [deleted] = team.pull_events()
    assert isinstance(deleted, CalendarDeleted)
    assert deleted.affected_user_ids == (viewer.id,)


def test_personal_calendar_is_named_after_its_owner() -> None:
    owner = a_user(name="Ada Lovelace")
    personal = Calendar.personal_for(owner, now=NOW)
    assert (personal.name, personal.is_personal, personal.role_of(owner.id)) == (
        "Ada Lovelace",
        True,
        CalendarRole.OWNER,
    )
