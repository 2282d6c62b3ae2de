from uuid import uuid4

import pytest

from domain.accounts.email import normalize_email
from domain.accounts.user import acceptable_password
from domain.errors import InvalidInput
from domain.identity import new_id
from domain.scheduling.room import RoomBooking, RoomChanges, free_slots
from domain.scheduling.timezone import valid_time_zone_name
from tests.unit.scheduling.factories import NOW, a_room, a_user, at, slot


def booked(start_hour: int, end_hour: int) -> RoomBooking:
    return RoomBooking(room_id=uuid4(), event_id=uuid4(), slot=slot(start_hour, end_hour))


def test_emails_are_compared_lower_case_and_trimmed() -> None:
    assert normalize_email("  Ada.Lovelace@Example.COM ") == "ada.lovelace@example.com"


@pytest.mark.parametrize(
    "email",
    [
        "",
        "ada",
        "ada@",
        "@example.com",
        "ada@example",
        "a da@example.com",
        "ada@ex\u00a0ample.com",
        "ada\tb@example.com",
        "ada@.com",
    ],
)
def test_things_that_are_not_email_addresses_are_refused(email: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        normalize_email(email)
    assert refused.value.field == "email"


def test_overlong_email_is_refused() -> None:
    with pytest.raises(InvalidInput):
        normalize_email("a" * 250 + "@example.com")


@pytest.mark.parametrize("name", ["", "UTC+1", "Europe/Nowhere", "/etc/localtime", "x" * 100, "Europe/Paris\x00"])
def test_unknown_time_zones_are_refused(name: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        valid_time_zone_name(name)
    assert refused.value.field == "timezone"


@pytest.mark.parametrize("name", ["localtime", "posixrules", "posix/Europe/Berlin", "right/Europe/Berlin", "Factory"])
def test_zone_names_that_depend_on_the_host_are_refused(name: str) -> None:
    # right/Europe/Berlin counts leap seconds: its offsets are off; localtime is whatever the host says.
    with pytest.raises(InvalidInput):
        valid_time_zone_name(name)


def test_iana_time_zones_are_accepted() -> None:
    assert valid_time_zone_name("America/Argentina/Buenos_Aires") == "America/Argentina/Buenos_Aires"


@pytest.mark.parametrize("password", ["short", "x" * 1025])
def test_passwords_too_short_or_too_long_are_refused(password: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        acceptable_password(password)
    assert refused.value.field == "password"


def test_promoting_an_admin_again_records_nothing() -> None:
    user = a_user()
    user.promote(by_user_id=None, now=NOW)
    user.promote(by_user_id=None, now=NOW)
    assert user.is_admin
    assert [event.name for event in user.pull_events()] == ["user_registered", "user_promoted"]


@pytest.mark.parametrize("capacity", [0, -3, 10_001])
def test_room_needs_at_least_one_seat(capacity: int) -> None:
    with pytest.raises(InvalidInput) as refused:
        a_room(capacity=capacity)
    assert refused.value.field == "capacity"


def test_refused_room_change_changes_nothing() -> None:
    room = a_room(name="Ada", capacity=4)
    with pytest.raises(InvalidInput):
        room.change(RoomChanges(name="Babbage", capacity=0))
    assert (room.name, room.capacity) == ("Ada", 4)
    room.change(RoomChanges(capacity=8))
    assert (room.name, room.capacity) == ("Ada", 8)


def test_free_slots_are_the_gaps_between_bookings() -> None:
    window = slot(8, 18)
    gaps = free_slots(window, [booked(13, 14), booked(9, 10), booked(9, 11), booked(17, 19)])
    assert gaps == [slot(8, 9), slot(11, 13), slot(14, 17)]


def test_a_free_room_is_free_all_window_and_a_full_one_never() -> None:
    assert free_slots(slot(8, 18), []) == [slot(8, 18)]
    assert free_slots(slot(8, 18), [booked(7, 19)]) == []


def test_new_ids_are_version_7_and_ordered_by_time() -> None:
    first, second = new_id(at(10)), new_id(at(11))
    assert first.version == 7
    assert first < second
