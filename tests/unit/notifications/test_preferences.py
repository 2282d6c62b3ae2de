"""Who wants which news how: the defaults, choosing, and what cannot be chosen."""

from uuid import uuid4

import pytest

from domain.errors import InvalidInput
from domain.notifications.email import CalendarMethod, calendar_method
from domain.notifications.notification import NotificationType
from domain.notifications.preferences import Channel, NotificationPreferences


def test_someone_who_never_chose_gets_invitations_changes_and_cancellations_also_by_email() -> None:
    preferences = NotificationPreferences(user_id=uuid4())
    assert preferences.as_lists() == {
        "event_invited": ["in_app", "email"],
        "event_updated": ["in_app", "email"],
        "event_cancelled": ["in_app", "email"],
        "event_reminder": ["in_app"],
        "participant_response": ["in_app"],
    }


def test_choosing_some_kinds_keeps_the_others() -> None:
    chosen = NotificationPreferences(user_id=uuid4()).choose({"event_invited": ["email"], "event_reminder": []})
    assert chosen.channels(NotificationType.EVENT_INVITED) == {Channel.EMAIL}
    assert chosen.channels(NotificationType.EVENT_REMINDER) == frozenset()
    assert chosen.wants(NotificationType.EVENT_UPDATED, Channel.EMAIL)


def test_news_nobody_chooses_for_is_always_told_in_the_app_only() -> None:
    preferences = NotificationPreferences(user_id=uuid4())
    assert preferences.channels(NotificationType.JOB_FAILED) == {Channel.IN_APP}
    with pytest.raises(InvalidInput, match="not a kind"):
        preferences.choose({"job_failed": ["email"]})


def test_an_unknown_channel_is_refused_naming_the_kind() -> None:
    with pytest.raises(InvalidInput) as refused:
        NotificationPreferences(user_id=uuid4()).choose({"event_invited": ["pigeon"]})
    assert refused.value.field == "event_invited"


@pytest.mark.parametrize(
    ("kind", "cancelled", "method"),
    [
        (NotificationType.EVENT_INVITED, False, CalendarMethod.REQUEST),
        (NotificationType.EVENT_UPDATED, False, CalendarMethod.REQUEST),
        (NotificationType.EVENT_CANCELLED, False, CalendarMethod.REQUEST),  # one occurrence: an EXDATE
        (NotificationType.EVENT_CANCELLED, True, CalendarMethod.CANCEL),
        (NotificationType.EVENT_REMINDER, False, None),
        (NotificationType.PARTICIPANT_RESPONSE, False, None),
    ],
)
def test_which_emails_carry_which_calendar_method(
    kind: NotificationType, cancelled: bool, method: CalendarMethod | None
) -> None:
    assert calendar_method(kind, event_cancelled=cancelled) is method
