"""The map of reactions (application/handlers.py) agrees with the domain rules of who is told and what is planned."""

import pytest

from application.handlers import REACTIONS, replan_reminders, tell_people
from domain.domain_events import DomainEvent
from domain.notifications.reminders import event_with_changed_reminders
from domain.notifications.rules import concerned_event
from tests.unit.scheduling.test_domain_events import a_bit_of_everything


@pytest.mark.parametrize("event", a_bit_of_everything(), ids=lambda event: event.name)
def test_people_are_told_about_exactly_the_events_the_rules_tell_about(event: DomainEvent) -> None:
    assert (tell_people in REACTIONS.get(type(event), ())) == (concerned_event(event) is not None)


@pytest.mark.parametrize("event", a_bit_of_everything(), ids=lambda event: event.name)
def test_reminders_are_replanned_after_exactly_the_events_that_change_them(event: DomainEvent) -> None:
    assert (replan_reminders in REACTIONS.get(type(event), ())) == (event_with_changed_reminders(event) is not None)
