"""The answer an RSVP form posts becomes the domain's answer, or a refusal naming the field."""

import pytest

from domain.errors import InvalidInput
from domain.scheduling.participant import ANSWERS, ParticipantStatus
from entrypoints.web.event_form import rsvp


@pytest.mark.parametrize("answer", sorted(ANSWERS))
def test_each_answer_a_participant_may_give_is_read_as_the_domains(answer: ParticipantStatus) -> None:
    assert rsvp(answer.value) is answer


@pytest.mark.parametrize("posted", ["maybe", "needs_action", "", None])
def test_anything_else_is_refused_naming_the_status(posted: object) -> None:
    with pytest.raises(InvalidInput) as refused:
        rsvp(posted)
    assert refused.value.field == "status"
