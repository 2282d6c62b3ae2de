"""Composition of Google sync: which adapters serve its ports, for the web app and the workers alike."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from uuid import UUID

from saq.queue.redis import RedisQueue
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.google.calendar_api import GoogleCalendarApis
from adapters.google.oauth import GoogleOAuthClient
from adapters.google.token_cipher import TokenCipher
from adapters.postgres.sync_unit_of_work import PostgresSyncUnitOfWork
from adapters.redis.pending_authorizations import RedisPendingAuthorizations
from adapters.saq.google_sync import PushedChanges, SaqSyncQueue
from application.google_sync.channels import GoogleChannels
from application.google_sync.connection import GoogleConnection
from application.google_sync.ports import SyncUnitOfWork, TellOwner
from application.google_sync.sync import GoogleSync, SyncDependencies
from application.notifications.create_notification import create_notification
from domain.clock import SystemClock
from domain.google_sync.errors import GoogleError
from domain.google_sync.model import GoogleTokens
from domain.google_sync.ports import CalendarApi
from domain.notifications.notification import NotificationDraft
from entrypoints.http.dependencies import Services
from entrypoints.infrastructure import Infrastructure
from entrypoints.settings import Settings

WEBHOOK_PATH = "/webhook/google-calendar"
CALLBACK_PATH = "/api/google/callback"
NOT_CONFIGURED = (
    "Google Calendar sync is not configured: set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET (an OAuth client of a "
    f"Google Cloud project with the Calendar API enabled, redirect URI PUBLIC_BASE_URL + {CALLBACK_PATH}) and "
    "PUBLIC_BASE_URL (the public HTTPS address Google sends push notifications to)."
)


@dataclass(frozen=True)
class GoogleServices:
    configured: bool
    unit_of_work: Callable[[], SyncUnitOfWork]
    sync: GoogleSync
    channels: GoogleChannels
    connection: GoogleConnection
    queue: SaqSyncQueue
    pushed: PushedChanges
    saq_queue: RedisQueue


class _Unconfigured:
    """Stands in for Google when no OAuth client is configured: every call says so."""

    def for_tokens(self, tokens: GoogleTokens) -> CalendarApi:
        raise GoogleError(NOT_CONFIGURED)

    def authorization_url(self, state: str, *, code_challenge: str) -> str:
        raise GoogleError(NOT_CONFIGURED)

    async def exchange_code(self, code: str, *, code_verifier: str) -> GoogleTokens:
        raise GoogleError(NOT_CONFIGURED)

    async def revoke(self, token: str) -> None:
        raise GoogleError(NOT_CONFIGURED)


def token_cipher(settings: Settings) -> TokenCipher:
    if settings.google.token_key:
        return TokenCipher(settings.google.token_key)
    return TokenCipher.from_secret(settings.secret_key)


def build_google_services(
    settings: Settings,
    infrastructure: Infrastructure,
    *,
    tell_owner: TellOwner,
    forget_reads: Callable[[Iterable[UUID]], Awaitable[None]],
) -> GoogleServices:
    """Google sync wired to PostgreSQL, SAQ and (when configured) Google itself."""
    google = settings.google
    sessions = async_sessionmaker(infrastructure.engine, class_=AsyncSession, expire_on_commit=False)
    cipher = token_cipher(settings)

    def unit_of_work() -> SyncUnitOfWork:
        return PostgresSyncUnitOfWork(sessions, cipher)

    apis: GoogleCalendarApis | _Unconfigured = _Unconfigured()
    oauth: GoogleOAuthClient | _Unconfigured = _Unconfigured()
    if google.client_id and google.client_secret:
        apis = GoogleCalendarApis(
            client_id=google.client_id,
            client_secret=google.client_secret,
            token_uri=google.token_uri,
            api_base=google.api_base_url,
        )
        oauth = GoogleOAuthClient(
            client_id=google.client_id,
            client_secret=google.client_secret,
            auth_uri=google.auth_uri,
            token_uri=google.token_uri,
            revoke_uri=google.revoke_uri,
            redirect_uri=settings.public_base_url + CALLBACK_PATH,
        )
    clock = SystemClock()
    pushed = PushedChanges(infrastructure.redis)
    queue = SaqSyncQueue(infrastructure.queue, pushed)
    sync = GoogleSync(
        SyncDependencies(
            unit_of_work=unit_of_work,
            apis=apis,
            clock=clock,
            queue=queue,
            forget_reads=forget_reads,
            tell_owner=tell_owner,
            retry_base_seconds=google.retry_base_ms / 1000,
        )
    )
    channels = GoogleChannels(
        unit_of_work=unit_of_work,
        apis=apis,
        clock=clock,
        queue=queue,
        webhook_address=settings.public_base_url + WEBHOOK_PATH,
    )
    connection = GoogleConnection(
        unit_of_work=unit_of_work,
        oauth=oauth,
        clock=clock,
        secret=settings.secret_key,
        sync=sync,
        channels=channels,
        forget_reads=forget_reads,
        pending=RedisPendingAuthorizations(infrastructure.redis),
    )
    return GoogleServices(
        configured=google.configured,
        unit_of_work=unit_of_work,
        sync=sync,
        channels=channels,
        connection=connection,
        queue=queue,
        pushed=pushed,
        saq_queue=infrastructure.queue,
    )


def web_google_services(settings: Settings, infrastructure: Infrastructure, services: Services) -> GoogleServices:
    """Google sync for the web app, telling people through the web's notification path."""

    async def tell_owner(draft: NotificationDraft) -> None:
        await create_notification(draft, uow=services.unit_of_work(), publisher=services.publisher)

    return build_google_services(
        settings, infrastructure, tell_owner=tell_owner, forget_reads=services.reads.forget_people
    )
