"""The OAuth state is the signed-in person's alone, signed, and short-lived."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from application.google_sync.oauth_state import STATE_LIFETIME, check_state, issue_state
from domain.google_sync.errors import ConnectRefused

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
SECRET = "a-secret-of-at-least-32-characters-long"


def test_the_person_it_was_issued_to_gets_through() -> None:
    person = uuid4()
    check_state(issue_state(person, secret=SECRET, now=NOW), user_id=person, secret=SECRET, now=NOW)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda state: state + "x",
        lambda state: state.replace(state.split(".")[1], "9999999999"),
        lambda state: "forged",
        lambda state: "",
    ],
)
def test_an_altered_or_forged_state_is_refused(tamper: object) -> None:
    person = uuid4()
    state = issue_state(person, secret=SECRET, now=NOW)
    with pytest.raises(ConnectRefused):
        check_state(tamper(state), user_id=person, secret=SECRET, now=NOW)  # type: ignore[operator]


def test_someone_elses_or_an_expired_or_other_keys_state_is_refused() -> None:
    person = uuid4()
    state = issue_state(person, secret=SECRET, now=NOW)
    with pytest.raises(ConnectRefused, match="someone else"):
        check_state(state, user_id=uuid4(), secret=SECRET, now=NOW)
    with pytest.raises(ConnectRefused, match="expired"):
        check_state(state, user_id=person, secret=SECRET, now=NOW + STATE_LIFETIME + timedelta(seconds=1))
    with pytest.raises(ConnectRefused):
        check_state(state, user_id=person, secret=SECRET + "!", now=NOW)
