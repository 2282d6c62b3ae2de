"""Notifications: the list, the unread count, marking read, and the live stream."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.channels import ChannelsPlugin
from litestar.di import NamedDependency
from litestar.params import HeaderParameter, Parameter, QueryParameter
from litestar.response import ServerSentEvent
from litestar.status_codes import HTTP_200_OK

from application.notifications.dto import ReadAllNotifications, ReadNotification
from application.notifications.queries import count_unread, list_notifications, missed_notifications, stream_position
from application.notifications.read_all_notifications import read_all_notifications
from application.notifications.read_notification import read_notification
from domain.accounts.api_token import TokenScope
from domain.notifications.notification import Notification as DomainNotification
from entrypoints.http.dependencies import Ctx
from entrypoints.http.problems import problems
from entrypoints.http.schemas.notifications import Count, Notification, NotificationList, ReadAll
from entrypoints.http.scopes import needs
from entrypoints.http.sse import notification_events, parse_last_event_id

NotificationId = Annotated[UUID, Parameter(description="Notification id")]


class NotificationController(Controller):
    path = "/api/notifications"
    tags = ["Notifications"]

    @get(
        "/",
        operation_id="listNotifications",
        **needs(TokenScope.NOTIFICATIONS_READ),
        responses=problems(401, 422),
        summary="My notifications, newest first",
    )
    async def list_notifications(
        self,
        ctx: Ctx,
        unread: Annotated[bool, QueryParameter(name="unread", description="Only unread ones")] = False,
        cursor: Annotated[
            str | None, QueryParameter(name="cursor", description="next_cursor of the page before")
        ] = None,
        limit: Annotated[int, QueryParameter(name="limit", ge=1, le=100)] = 50,
    ) -> NotificationList:
        """My notifications, newest first, a page at a time (`next_cursor`); `unread=true` for the unread ones
        only."""
        before = int(cursor) if cursor and cursor.isdigit() and len(cursor) <= 18 else None
        page = await list_notifications(
            actor_id=ctx.actor.id, uow=ctx.uow, cursor=before, unread_only=unread, limit=limit
        )
        return NotificationList(
            items=[Notification.of(n) for n in page.items],
            next_cursor=None if page.next_cursor is None else str(page.next_cursor),
        )

    @get(
        "/unread-count",
        operation_id="countUnreadNotifications",
        **needs(TokenScope.NOTIFICATIONS_READ),
        responses=problems(401),
        summary="How many unread",
    )
    async def unread_count(self, ctx: Ctx) -> Count:
        """How many of my notifications are unread."""
        return Count(count=await count_unread(actor_id=ctx.actor.id, uow=ctx.uow))

    @post(
        "/{notification_id:uuid}/read",
        operation_id="readNotification",
        **needs(TokenScope.NOTIFICATIONS_READ),
        status_code=HTTP_200_OK,
        responses=problems(401, 404),
        summary="Mark one read",
    )
    async def read(self, notification_id: NotificationId, ctx: Ctx) -> Notification:
        """Mark one of my notifications read."""
        notification = await read_notification(
            ReadNotification(notification_id=notification_id, actor_id=ctx.actor.id),
            uow=ctx.uow,
            publisher=ctx.publisher,
        )
        return Notification.of(notification)

    @post(
        "/read-all",
        operation_id="readAllNotifications",
        **needs(TokenScope.NOTIFICATIONS_READ),
        status_code=HTTP_200_OK,
        responses=problems(401),
        summary="Mark all read",
    )
    async def read_all(self, ctx: Ctx) -> ReadAll:
        """Mark all my notifications read; answers how many changed."""
        return ReadAll(
            updated=await read_all_notifications(
                ReadAllNotifications(actor_id=ctx.actor.id), uow=ctx.uow, publisher=ctx.publisher
            )
        )

    @get(
        "/stream",
        operation_id="streamNotifications",
        **needs(TokenScope.NOTIFICATIONS_READ),
        responses=problems(401),
        summary="Server-sent events: each notification (id = its order), unread counts, keepalives",
    )
    async def stream(
        self,
        request: Request[Any, Any, Any],
        ctx: Ctx,
        channels: NamedDependency[ChannelsPlugin],
        last_event_id: Annotated[str | None, HeaderParameter(name="Last-Event-ID", required=False)] = None,
    ) -> ServerSentEvent:
        """Server-sent events: each new notification as it is stored (`id:` its order, for Last-Event-ID replay),
        unread counts, and a keepalive comment at least every 30 s. The stream ends with the session or token."""
        container = ctx.container

        async def missed(user_id: UUID, after_seq: int, limit: int) -> list[DomainNotification]:
            return await missed_notifications(
                actor_id=user_id, after_seq=after_seq, limit=limit, uow=container.unit_of_work()
            )

        async def latest(user_id: UUID) -> tuple[int, int]:
            return await stream_position(actor_id=user_id, uow=container.unit_of_work())

        actor = ctx.actor

        async def still_signed_in() -> bool:
            if actor.api_token_id is not None:  # a revoked token's stream ends too
                return await container.accounts.api_tokens.is_live(actor.api_token_id, now=container.clock.now())
            session_id = actor.session_id
            return session_id is None or await container.accounts.checked.holder(session_id, actor.id) is not None

        events = notification_events(
            user_id=actor.id,
            last_event_id=parse_last_event_id(last_event_id),
            channels=channels,
            registry=container.connection_registry,
            missed=missed,
            latest=latest,
            keepalive_s=container.sse_keepalive_s,
            streams_per_person=container.settings.rate_limits.sse_streams_per_person,
            # The stream ends with its token: an open stream is never re-authorized otherwise.
            expires_at=getattr(request.auth, "exp", None),
            still_signed_in=still_signed_in,
        )
        return ServerSentEvent(events, headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
