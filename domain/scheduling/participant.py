"""People invited to an event, and their answer."""

import enum
from dataclasses import dataclass
from uuid import UUID


class ParticipantStatus(enum.StrEnum):
    """Where an invitee stands: no answer yet, or their RSVP."""

    NEEDS_ACTION = "needs_action"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    TENTATIVE = "tentative"


ANSWERS = frozenset({ParticipantStatus.ACCEPTED, ParticipantStatus.DECLINED, ParticipantStatus.TENTATIVE})


@dataclass(frozen=True, kw_only=True)
class Invitee:
    """Someone about to be invited: a registered user's id, email and name."""

    user_id: UUID
    email: str
    name: str


@dataclass(frozen=True, kw_only=True)
class Participant:
    """An invitee of one event and their answer."""

    user_id: UUID
    email: str
    name: str
    status: ParticipantStatus = ParticipantStatus.NEEDS_ACTION
