"""Notification preferences as the public contract shows them: the channels per kind of news."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from domain.notifications.preferences import Channel, NotificationPreferences

ChannelName = Literal["in_app", "email"]
Channels = Annotated[
    list[ChannelName],
    msgspec.Meta(
        max_length=len(Channel),
        description="How this kind of news reaches me: in_app, email, both, or neither ([])",
        examples=[["in_app", "email"]],
    ),
]


class NotificationPreferencesView(msgspec.Struct):
    """My channels per kind of news, and whether planner can send email at all."""

    event_invited: Channels
    event_updated: Channels
    event_cancelled: Channels
    event_reminder: Channels
    participant_response: Channels
    email_enabled: Annotated[
        bool, msgspec.Meta(description="False when the server has no SMTP_URL: nothing is sent by email")
    ]

    @classmethod
    def of(cls, preferences: NotificationPreferences, *, email_enabled: bool) -> NotificationPreferencesView:
        return msgspec.convert({**preferences.as_lists(), "email_enabled": email_enabled}, cls)


class NotificationPreferencesChange(msgspec.Struct, forbid_unknown_fields=True):
    """The kinds to set; kinds left out keep their channels. `email_enabled` is read-only (ignored)."""

    event_invited: Channels | msgspec.UnsetType = msgspec.UNSET
    event_updated: Channels | msgspec.UnsetType = msgspec.UNSET
    event_cancelled: Channels | msgspec.UnsetType = msgspec.UNSET
    event_reminder: Channels | msgspec.UnsetType = msgspec.UNSET
    participant_response: Channels | msgspec.UnsetType = msgspec.UNSET
    email_enabled: bool | msgspec.UnsetType = msgspec.UNSET

    def choices(self) -> dict[str, list[str]]:
        """The kinds given, with their channels."""
        given = msgspec.structs.asdict(self)
        given.pop("email_enabled")
        return {kind: list(channels) for kind, channels in given.items() if channels is not msgspec.UNSET}
