"""My notification preferences (in the app, by email) and the administrators' view of the local catch-all's mail."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Template

from application.notifications.dto import ChooseNotificationPreferences
from application.notifications.notification_preferences import (
    choose_notification_preferences,
    get_notification_preferences,
)
from domain.errors import PermissionDenied
from domain.notifications.preferences import CHOOSABLE_KINDS, Channel
from entrypoints.http.dependencies import UoW, container_of
from entrypoints.web.rendering import ViewerDep, page

KIND_LABELS = {
    "event_invited": "Invitations",
    "event_updated": "Changes to events",
    "event_cancelled": "Cancellations",
    "event_reminder": "Reminders",
    "participant_response": "Answers to my invitations",
}


class MailPages(Controller):
    include_in_schema = False

    @get("/settings/notifications", name="notification_preferences")
    async def preferences(self, request: Request[Any, Any, Any], viewer: ViewerDep, uow: UoW) -> Template:
        chosen = await get_notification_preferences(viewer.user.id, uow=uow)
        return _preferences_page(request, viewer, chosen.as_lists(), saved=False)

    @post("/settings/notifications")
    async def choose(self, request: Request[Any, Any, Any], viewer: ViewerDep, uow: UoW) -> Template:
        form = await request.form()
        # A checkbox left unticked is not sent: every kind is set, to what was ticked.
        choices = {
            kind.value: [channel.value for channel in Channel if form.get(f"{kind.value}.{channel.value}")]
            for kind in CHOOSABLE_KINDS
        }
        chosen = await choose_notification_preferences(
            ChooseNotificationPreferences(actor_id=viewer.user.id, choices=choices), uow=uow
        )
        return _preferences_page(request, viewer, chosen.as_lists(), saved=True)

    @get("/admin/mail", name="caught_mail")
    async def caught_mail(self, request: Request[Any, Any, Any], viewer: ViewerDep) -> Template:
        if not viewer.user.is_admin:
            raise PermissionDenied("only administrators read the catch-all's mail")
        caught = container_of(request.app).caught_mail
        letters = [] if caught is None else caught.newest()
        return page("caught_mail.html", viewer=viewer, running=caught is not None, letters=letters)


def _preferences_page(
    request: Request[Any, Any, Any], viewer: Any, chosen: dict[str, list[str]], *, saved: bool
) -> Template:
    container = container_of(request.app)
    return page(
        "notification_preferences.html",
        viewer=viewer,
        kinds=[(kind, KIND_LABELS[kind], channels) for kind, channels in chosen.items()],
        email_enabled=container.mail is not None,
        saved=saved,
    )
