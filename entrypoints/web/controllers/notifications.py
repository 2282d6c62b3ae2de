"""The notifications page (mark read, mark all read) and the bell's count for when the live stream is down."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from application.notifications.dto import ReadAllNotifications, ReadNotification
from application.notifications.queries import list_notifications
from application.notifications.read_all_notifications import read_all_notifications
from application.notifications.read_notification import read_notification
from entrypoints.http.dependencies import Publisher, UoW
from entrypoints.web.errors import is_htmx
from entrypoints.web.rendering import ViewerDep, page

NotificationId = Annotated[UUID, Parameter(description="Notification id")]


class NotificationPages(Controller):
    path = "/notifications"
    include_in_schema = False

    @get("/", name="notifications")
    async def list(self, viewer: ViewerDep, uow: UoW) -> Template:
        listed = await list_notifications(actor_id=viewer.user.id, uow=uow, limit=100)
        return page("notifications.html", viewer=viewer, notifications=listed.items)

    @post("/{notification_id:uuid}/read")
    async def read(
        self,
        notification_id: NotificationId,
        request: Request[Any, Any, Any],
        viewer: ViewerDep,
        uow: UoW,
        publisher: Publisher,
    ) -> Response[Any]:
        notification = await read_notification(
            ReadNotification(notification_id=notification_id, actor_id=viewer.user.id), uow=uow, publisher=publisher
        )
        if is_htmx(request):
            return page("partials/notification.html", viewer=viewer, notification=notification)
        return Redirect("/notifications", status_code=HTTP_303_SEE_OTHER)

    @post("/read-all")
    async def read_all(self, viewer: ViewerDep, uow: UoW, publisher: Publisher) -> Response[Any]:
        await read_all_notifications(ReadAllNotifications(actor_id=viewer.user.id), uow=uow, publisher=publisher)
        return Redirect("/notifications", status_code=HTTP_303_SEE_OTHER)
