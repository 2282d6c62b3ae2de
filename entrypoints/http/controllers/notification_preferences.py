"""My notification preferences: per kind of news, in the app, by email, both or neither."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, put
from litestar.openapi.spec import Example
from litestar.params import Body

from application.notifications.dto import ChooseNotificationPreferences
from application.notifications.notification_preferences import (
    choose_notification_preferences,
    get_notification_preferences,
)
from domain.accounts.api_token import TokenScope
from entrypoints.http.dependencies import Ctx
from entrypoints.http.problems import problems
from entrypoints.http.schemas.notification_preferences import (
    NotificationPreferencesChange,
    NotificationPreferencesView,
)
from entrypoints.http.scopes import needs, sessions_only

_EXAMPLE = {
    "event_invited": ["in_app", "email"],
    "event_updated": ["in_app", "email"],
    "event_cancelled": ["in_app", "email"],
    "event_reminder": ["in_app"],
    "participant_response": [],
}


class NotificationPreferenceController(Controller):
    path = "/api/me/notification-preferences"
    tags = ["Notifications"]

    @get(
        "/",
        operation_id="getNotificationPreferences",
        **needs(TokenScope.NOTIFICATIONS_READ),
        responses=problems(401),
        summary="How I am told each kind of news",
        description=(
            "For each kind of news (event_invited, event_updated, event_cancelled, event_reminder, "
            "participant_response) the channels it reaches me through: `in_app` (the bell, the live stream) "
            "and `email` (invitations, changes and cancellations carry an iCalendar part with Accept/Decline). "
            "Kinds never chosen have the defaults: invitations, changes and cancellations in the app and by "
            "email, reminders and answers in the app. `email_enabled` is false when the server sends no email "
            "(no SMTP_URL)."
        ),
    )
    async def show(self, ctx: Ctx) -> NotificationPreferencesView:
        preferences = await get_notification_preferences(ctx.actor.id, uow=ctx.uow)
        return NotificationPreferencesView.of(preferences, email_enabled=ctx.container.mail is not None)

    @put(
        "/",
        operation_id="setNotificationPreferences",
        **sessions_only(),
        responses=problems(400, 401, 422),
        summary="Choose how I am told each kind of news",
        description=(
            "Sets the channels of the kinds given (`[]` for neither); kinds left out keep theirs. "
            "Answers the preferences as they now are."
        ),
    )
    async def choose(
        self,
        ctx: Ctx,
        data: Annotated[
            NotificationPreferencesChange,
            Body(
                examples=[
                    Example(summary="Everything", value=_EXAMPLE),
                    Example(summary="Invitations by email only", value={"event_invited": ["email"]}),
                ]
            ),
        ],
    ) -> NotificationPreferencesView:
        preferences = await choose_notification_preferences(
            ChooseNotificationPreferences(actor_id=ctx.actor.id, choices=data.choices()), uow=ctx.uow
        )
        return NotificationPreferencesView.of(preferences, email_enabled=ctx.container.mail is not None)
