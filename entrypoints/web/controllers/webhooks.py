"""The webhooks page: subscribe a receiver (its secret shown once), my subscriptions, each one's delivery log."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from application.scheduling.list_calendars import list_calendars
from application.webhooks.deliveries import list_deliveries, send_again
from application.webhooks.subscriptions import (
    SubscribeWebhook,
    delete_webhook,
    enable_webhook,
    list_webhooks,
    own_subscription,
    subscribe_webhook,
)
from domain.errors import InvalidInput, PermissionDenied
from domain.webhooks.subscription import WebhookEventType, WebhookScope, WebhookSubscription
from entrypoints.http.dependencies import Ctx, UoW
from entrypoints.web.rendering import Viewer, ViewerDep, page

SubscriptionId = Annotated[UUID, Parameter(description="Webhook subscription id")]
DeliveryId = Annotated[UUID, Parameter(description="Delivery id")]
EVENT_TYPES = [kind.value for kind in WebhookEventType]


@dataclass
class SubscriptionForm:
    """What the subscribe form holds (kept when it is refused)."""

    url: str = ""
    events: list[str] = field(default_factory=lambda: ["event.created"])
    calendar_id: str = ""
    everything: bool = False


class WebhookPages(Controller):
    include_in_schema = False

    @get("/webhooks", name="webhooks")
    async def subscriptions(self, viewer: ViewerDep, uow: UoW, ctx: Ctx) -> Template:
        return await _subscriptions_page(viewer, uow, ctx)

    @post("/webhooks")
    async def subscribe(self, request: Request[Any, Any, Any], viewer: ViewerDep, uow: UoW, ctx: Ctx) -> Template:
        """Subscribe (the same use case as POST /api/webhooks); the page then shows the secret, once."""
        form = await request.form()
        values = SubscriptionForm(
            url=str(form.get("url", "")).strip(),
            events=[str(kind) for kind in form.getall("events", [])],
            calendar_id=str(form.get("calendar_id", "")).strip(),
            everything=str(form.get("everything", "")) == "on",
        )
        try:
            calendar_id = UUID(values.calendar_id) if values.calendar_id else None
        except ValueError:
            calendar_id = None
        webhooks = ctx.container.webhooks
        try:
            made = await subscribe_webhook(
                SubscribeWebhook(
                    owner_id=viewer.user.id,
                    owner_is_admin=viewer.user.is_admin,
                    url=values.url,
                    events=values.events,
                    calendar_id=calendar_id,
                    scope=WebhookScope.EVERYTHING.value if values.everything else None,
                ),
                uow=uow,
                store=webhooks.store,
                addresses=webhooks.addresses,
                clock=ctx.clock,
            )
        except (InvalidInput, PermissionDenied) as error:
            refused_scope = "scope" if values.everything else "calendar_id"
            field = error.field if isinstance(error, InvalidInput) else refused_scope
            message = error.detail[:1].upper() + error.detail[1:] + "."
            return await _subscriptions_page(viewer, uow, ctx, values=values, errors={field: message}, status=422)
        return await _subscriptions_page(viewer, uow, ctx, created=made, status=201)

    @get("/webhooks/{subscription_id:uuid}", name="webhook")
    async def deliveries(self, subscription_id: SubscriptionId, viewer: ViewerDep, ctx: Ctx) -> Template:
        store = ctx.container.webhooks.store
        subscription = await own_subscription(viewer.user.id, subscription_id, store=store)
        log = await list_deliveries(viewer.user.id, subscription_id, store=store)
        return page("webhook_deliveries.html", viewer=viewer, subscription=subscription, log=log)

    @post("/webhooks/{subscription_id:uuid}/deliveries/{delivery_id:uuid}/retry")
    async def retry(
        self, subscription_id: SubscriptionId, delivery_id: DeliveryId, viewer: ViewerDep, ctx: Ctx
    ) -> Response[Any]:
        webhooks = ctx.container.webhooks
        await send_again(
            viewer.user.id, subscription_id, delivery_id, store=webhooks.store, queue=webhooks.queue, clock=ctx.clock
        )
        return Redirect(f"/webhooks/{subscription_id}", status_code=HTTP_303_SEE_OTHER)

    @post("/webhooks/{subscription_id:uuid}/enable")
    async def enable(self, subscription_id: SubscriptionId, viewer: ViewerDep, ctx: Ctx) -> Response[Any]:
        """Switch a disabled subscription on again (the same use case as POST /api/webhooks/{id}/enable)."""
        await enable_webhook(viewer.user.id, subscription_id, store=ctx.container.webhooks.store)
        return Redirect("/webhooks", status_code=HTTP_303_SEE_OTHER)

    @post("/webhooks/{subscription_id:uuid}/delete")
    async def delete(self, subscription_id: SubscriptionId, viewer: ViewerDep, ctx: Ctx) -> Response[Any]:
        await delete_webhook(viewer.user.id, subscription_id, store=ctx.container.webhooks.store)
        return Redirect("/webhooks", status_code=HTTP_303_SEE_OTHER)


async def _subscriptions_page(
    viewer: Viewer,
    uow: UoW,
    ctx: Ctx,
    *,
    values: SubscriptionForm | None = None,
    errors: dict[str, str] | None = None,
    created: WebhookSubscription | None = None,
    status: int = 200,
) -> Template:
    owned = [c for c in await list_calendars(actor_id=viewer.user.id, uow=uow) if c.can_manage(viewer.user.id)]
    return page(
        "webhooks.html",
        viewer=viewer,
        status_code=status,
        subscriptions=await list_webhooks(viewer.user.id, store=ctx.container.webhooks.store),
        calendars=owned,
        event_types=EVENT_TYPES,
        values=values or SubscriptionForm(),
        errors=errors or {},
        created=created,
    )
