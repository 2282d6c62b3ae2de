"""How each person wants to be told each kind of news: in the app, by email, both or neither."""

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from uuid import UUID

from domain.errors import InvalidInput
from domain.notifications.notification import NotificationType


class Channel(enum.StrEnum):
    """A way news reaches a person."""

    IN_APP = "in_app"
    EMAIL = "email"


CHOOSABLE_KINDS: tuple[NotificationType, ...] = (
    NotificationType.EVENT_INVITED,
    NotificationType.EVENT_UPDATED,
    NotificationType.EVENT_CANCELLED,
    NotificationType.EVENT_REMINDER,
    NotificationType.PARTICIPANT_RESPONSE,
)
"""The kinds a person chooses channels for; the others (a failed job, a room lost) are always told in the app."""

DEFAULT_CHANNELS: Mapping[NotificationType, frozenset[Channel]] = MappingProxyType(
    {
        NotificationType.EVENT_INVITED: frozenset({Channel.IN_APP, Channel.EMAIL}),
        NotificationType.EVENT_UPDATED: frozenset({Channel.IN_APP, Channel.EMAIL}),
        NotificationType.EVENT_CANCELLED: frozenset({Channel.IN_APP, Channel.EMAIL}),
        NotificationType.EVENT_REMINDER: frozenset({Channel.IN_APP}),
        NotificationType.PARTICIPANT_RESPONSE: frozenset({Channel.IN_APP}),
    }
)
"""What someone who never chose gets: invitations, changes and cancellations also by email, as calendar products do."""

_ALWAYS_IN_APP = frozenset({Channel.IN_APP})


@dataclass(frozen=True, kw_only=True)
class NotificationPreferences:
    """One person's channels per kind of news; kinds they never chose keep DEFAULT_CHANNELS."""

    user_id: UUID
    chosen: Mapping[NotificationType, frozenset[Channel]] = field(default_factory=dict)

    def channels(self, kind: NotificationType) -> frozenset[Channel]:
        """The channels news of this kind reaches the person through."""
        if kind not in CHOOSABLE_KINDS:
            return _ALWAYS_IN_APP
        return self.chosen.get(kind, DEFAULT_CHANNELS[kind])

    def wants(self, kind: NotificationType, channel: Channel) -> bool:
        """Whether news of this kind should reach the person through `channel`."""
        return channel in self.channels(kind)

    def choose(self, choices: Mapping[str, Iterable[str]]) -> "NotificationPreferences":
        """These preferences with the kinds named in `choices` set; InvalidInput names an unknown kind or channel."""
        chosen = dict(self.chosen)
        for kind_name, channel_names in choices.items():
            kind = _kind(kind_name)
            chosen[kind] = frozenset(_channel(kind_name, name) for name in channel_names)
        return NotificationPreferences(user_id=self.user_id, chosen=chosen)

    def as_lists(self) -> dict[str, list[str]]:
        """Every choosable kind with its channels, in a stable order (in_app before email)."""
        return {
            kind.value: [channel.value for channel in Channel if channel in self.channels(kind)]
            for kind in CHOOSABLE_KINDS
        }


def _kind(name: str) -> NotificationType:
    kinds = {kind.value: kind for kind in CHOOSABLE_KINDS}
    if name not in kinds:
        raise InvalidInput(name, f"{name!r} is not a kind of notification one chooses for; use {', '.join(kinds)}")
    return kinds[name]


def _channel(kind_name: str, name: str) -> Channel:
    try:
        return Channel(name)
    except ValueError:
        raise InvalidInput(kind_name, f"{name!r} is not a channel; use in_app or email") from None
