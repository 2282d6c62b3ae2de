"""Connecting Google Calendar, and the webhooks Google's push channels call."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, delete, get, post
from litestar.params import Parameter, QueryParameter
from litestar.response import Redirect
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT
from saq.job import Job as SaqJob

from application.google_sync.begin_connection import BeginConnection, begin_connection
from application.google_sync.complete_connection import CompleteConnection, complete_connection
from application.google_sync.disconnect import DisconnectGoogle, disconnect
from application.google_sync.queries import sync_status
from application.google_sync.receive_push import ReceivePush, receive_push
from application.google_sync.unsubscribe_channel import UnsubscribeChannel, unsubscribe_channel
from application.jobs.get_job import get_job
from application.unit_of_work import UnitOfWork
from domain.errors import InvalidInput, NotFound
from entrypoints.bootstrap import WEBHOOK_PATH
from entrypoints.http.auth import AuthenticatedUser
from entrypoints.http.controllers.google_dependencies import (
    Google,
    configured_google_dependency,
    google_dependency,
)
from entrypoints.http.dependencies import Ctx
from entrypoints.http.problems import problems
from entrypoints.http.schemas.jobs import (
    ConnectStarted,
    PushAnswer,
    SyncStarted,
    TaskQueued,
    TaskStatus,
    WebhookStatus,
    task_error,
)
from entrypoints.http.scopes import sessions_only

UserId = Annotated[UUID, Parameter(description="User id")]


def _ensure_self_or_admin(actor: AuthenticatedUser, user_id: UUID) -> None:
    # Someone else's sync state is not theirs to know exists.
    if actor.id != user_id and not actor.is_admin:
        raise NotFound("user", user_id)


class GoogleController(Controller):
    path = "/api/google"
    tags = ["Google Calendar"]
    dependencies = configured_google_dependency

    @get(
        "/connect",
        operation_id="connectGoogleCalendar",
        **sessions_only(),
        responses=problems(401),
        summary="Start OAuth consent: redirects to Google (JSON with ?redirect=false)",
        status_code=HTTP_200_OK,
    )
    async def connect(
        self,
        ctx: Ctx,
        google: Google,
        redirect: Annotated[bool, QueryParameter(name="redirect", description="Redirect (default) or JSON")] = True,
        write: Annotated[
            bool, QueryParameter(name="write", description="Also allow planner to write your events (write-back)")
        ] = False,
    ) -> Response[Any]:
        """Start connecting my Google account: redirects to Google's consent page (or answers its address with
        redirect=false)."""
        url = await begin_connection(
            BeginConnection(actor_id=ctx.actor.id, write_access=write),
            oauth=google.oauth,
            clock=ctx.clock,
            secret=google.secret,
            pending=google.pending,
        )
        if redirect:
            return Redirect(url, status_code=302)
        return Response(ConnectStarted(authorization_url=url))

    @get(
        "/callback",
        operation_id="googleOAuthCallback",
        **sessions_only(),
        responses=problems(401, 403, 422),
        summary="Where Google sends the person back: keeps the grant and starts a full sync",
        status_code=HTTP_202_ACCEPTED,
    )
    async def callback(
        self,
        request: Request[Any, Any, Any],
        ctx: Ctx,
        google: Google,
        oauth_state: Annotated[str, QueryParameter(name="state", max_length=500)] = "",
        code: Annotated[str, QueryParameter(name="code", max_length=2000)] = "",
        error: Annotated[str | None, QueryParameter(name="error", max_length=200)] = None,
    ) -> Response[Any]:
        """Where Google's consent page sends the browser back: stores the grant and starts the first sync as a job."""
        if error:
            raise InvalidInput("error", f"Google did not grant access: {error}")
        if not code or not oauth_state:
            raise InvalidInput("code", "the callback needs Google's code and state")
        job = await complete_connection(
            CompleteConnection(actor_id=ctx.actor.id, code=code, state=oauth_state),
            uow=ctx.uow,
            oauth=google.oauth,
            clock=ctx.clock,
            secret=google.secret,
            queue=google.queue,
            pending=google.pending,
        )
        started = SyncStarted(job_id=str(job.id), job_url=f"/api/jobs/{job.id}")
        if "text/html" in request.headers.get("accept", ""):
            return Redirect(f"/?google=connected&job={job.id}", status_code=303)
        return Response(started, status_code=HTTP_202_ACCEPTED)

    @delete(
        "/connection",
        operation_id="disconnectGoogleCalendar",
        **sessions_only(),
        responses=problems(401),
        summary="Stop channels, delete the tokens and every mirrored calendar and event",
        status_code=HTTP_204_NO_CONTENT,
    )
    async def disconnect(self, ctx: Ctx, google: Google) -> None:
        """Disconnect my Google account: its push channels are stopped, the grant revoked, its mirrored calendars
        removed."""
        await disconnect(
            DisconnectGoogle(actor_id=ctx.actor.id),
            uow=ctx.uow,
            apis=google.apis,
            oauth=google.oauth,
            forget_reads=ctx.container.forget_reads,
            locks=google.locks,
        )


class WebhookController(Controller):
    path = "/webhook"
    tags = ["Google Calendar webhooks"]
    dependencies = google_dependency

    @post(
        WEBHOOK_PATH.removeprefix("/webhook"),
        operation_id="receiveGoogleCalendarPush",
        responses=problems(400, 403),
        summary="Google's push notification: 202 and one incremental sync queued per calendar",
        opt={"exclude_from_auth": True},
        status_code=HTTP_202_ACCEPTED,
    )
    async def receive(self, request: Request[Any, Any, Any], ctx: Ctx, google: Google) -> Response[PushAnswer]:
        """Google Calendar's push notifications: answers 202 at once and syncs the calendar in the background.
        Checked by channel id and token, not by sign-in."""
        headers = request.headers
        channel_id = headers.get("x-goog-channel-id", "")
        state = headers.get("x-goog-resource-state", "")
        number = headers.get("x-goog-message-number")
        if not channel_id or not state or len(channel_id) > 64:
            raise InvalidInput("X-Goog-Channel-ID", "X-Goog-Channel-ID and X-Goog-Resource-State are required")
        if number is not None and not number.isdigit():
            raise InvalidInput("X-Goog-Message-Number", "X-Goog-Message-Number must be a whole number")
        outcome = await receive_push(
            ReceivePush(
                channel_id=channel_id,
                token=headers.get("x-goog-channel-token", ""),
                resource_state=state,
                resource_id=headers.get("x-goog-resource-id", ""),
                message_number=None if number is None else int(number),
            ),
            uow=ctx.uow,
            queue=google.queue,
        )
        if outcome.accepted:
            return Response(
                PushAnswer(status="queued", detail=outcome.reason, task_id=outcome.task_id), status_code=202
            )
        return Response(PushAnswer(status="ignored", detail=outcome.reason), status_code=200)

    @post(
        "/setup/{user_id:uuid}",
        operation_id="setupGoogleWatchChannels",
        **sessions_only(),
        responses=problems(401, 404),
        summary="Open push channels on every mirrored calendar without one (the person or admins)",
        status_code=HTTP_202_ACCEPTED,
        dependencies=configured_google_dependency,
    )
    async def setup(self, user_id: UserId, ctx: Ctx, google: Google) -> TaskQueued:
        """Open (or renew) the Google push channels of the person's calendars. The person or an administrator."""
        _ensure_self_or_admin(ctx.actor, user_id)
        task_id = await google.queue.watch_calendars(user_id)
        return TaskQueued(task_id=task_id, status_url=f"/webhook/task-status/{task_id}")

    @delete(
        "/unsubscribe/{channel_id:str}",
        operation_id="unsubscribeGoogleWatchChannel",
        **sessions_only(),
        responses=problems(401, 404),
        summary="Stop a push channel (its owner or admins)",
        status_code=HTTP_204_NO_CONTENT,
    )
    async def unsubscribe(self, channel_id: Annotated[str, Parameter(max_length=64)], ctx: Ctx, google: Google) -> None:
        """Stop one of my Google push channels."""
        await unsubscribe_channel(
            UnsubscribeChannel(channel_id=channel_id, actor_id=ctx.actor.id, is_admin=ctx.actor.is_admin),
            uow=ctx.uow,
            apis=google.apis,
        )

    @get(
        "/status/{user_id:uuid}",
        operation_id="getGoogleWebhookStatus",
        **sessions_only(),
        responses=problems(401, 404),
        summary="Per calendar: watched or polled and why, channel expiry, last sync and its outcome, last error",
    )
    async def status(self, user_id: UserId, ctx: Ctx, google: Google) -> WebhookStatus:
        """The person's Google push channels and when each expires. The person or an administrator."""
        _ensure_self_or_admin(ctx.actor, user_id)
        return WebhookStatus.of(str(user_id), await sync_status(user_id, uow=ctx.uow), ctx.clock.now())

    @get(
        "/task-status/{task_id:str}",
        operation_id="getGoogleTaskStatus",
        **sessions_only(),
        responses=problems(401, 404),
        summary="A queued Google sync task's state (its owner or admins)",
    )
    async def task_status(
        self, task_id: Annotated[str, Parameter(max_length=300)], ctx: Ctx, google: Google
    ) -> TaskStatus:
        """The state of one Google sync task (a SAQ job). Its person or an administrator."""
        owner = await _task_owner(task_id, ctx.uow)
        if owner is None or not (ctx.actor.is_admin or owner == ctx.actor.id):
            raise NotFound("task", task_id)
        job: SaqJob | None = await google.saq_queue.job(task_id)
        if job is None:
            raise NotFound("task", task_id)
        status = str(job.status.value)
        return TaskStatus(
            task_id=task_id,
            status=status,
            attempts=job.attempts,
            result=job.result,
            error=task_error(status, job.error),
        )


async def _task_owner(task_id: str, uow: UnitOfWork) -> UUID | None:
    kind, _, rest = task_id.partition(":")
    try:
        if kind in ("google-sync", "google-watch", "google-write"):
            return UUID(rest.split(":", 1)[0])
        if kind == "google-job":
            job = await get_job(UUID(rest), actor_id=UUID(int=0), is_admin=True, uow=uow)
            return job.owner_id
    except (ValueError, NotFound):
        return None
    return None
