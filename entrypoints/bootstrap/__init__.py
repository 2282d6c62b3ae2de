"""The composition root: which adapter serves which port, decided once for the web app, the worker and the CLI.

`bootstrap(settings)` opens the connections and builds every adapter and use-case dependency into
one typed `Container`. The web app (entrypoints/app.py) and the SAQ worker (entrypoints/worker/settings.py)
build the same container and differ only in what they start; no other module under entrypoints/
imports an adapter. Tests swap adapters here (bootstrap's keyword arguments), never by patching modules.
Nothing is built at import time.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from litestar.channels import ChannelsBackend
from litestar.security.jwt import JWTCookieAuth, Token
from redis.asyncio import Redis
from saq.queue.redis import RedisQueue
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from adapters.google.calendar_api import GoogleCalendarApis
from adapters.google.calendar_writer import GoogleCalendarWriters
from adapters.google.oauth import GoogleOAuthClient
from adapters.google.token_cipher import TokenCipher
from adapters.ics.reader import IcalendarReader
from adapters.ics.writer import IcalendarWriter
from adapters.mail.catch_all import CaughtMail
from adapters.mail.smtp import SmtpMailer, SmtpServer
from adapters.passwords import Argon2PasswordHasher
from adapters.postgres.accounts import PostgresInvitations, PostgresSessions
from adapters.postgres.api_tokens import PostgresApiTokens
from adapters.postgres.cache_invalidation import ForgetStaleReads
from adapters.postgres.engine import create_engine, reading_engine
from adapters.postgres.outbox.progress import OutboxProgress
from adapters.postgres.outbox.relay import OutboxRelay
from adapters.postgres.sync_locks import AdvisoryLocks
from adapters.postgres.unit_of_work import PostgresUnitOfWork
from adapters.postgres.webhooks import PostgresWebhookStore
from adapters.redis.cache import RedisCache, create_cache_client, default_cache_url
from adapters.redis.client import create_redis
from adapters.redis.notifications import RedisNotificationPublisher, channels_backend
from adapters.redis.pending_authorizations import RedisPendingAuthorizations
from adapters.redis.rate_limits import RateLimitCounters, create_rate_limit_client, default_rate_limit_url
from adapters.saq.calendar_imports import SaqCalendarImportQueue
from adapters.saq.google_sync import PushedChanges, SaqSyncQueue
from adapters.saq.google_write_back import SaqWriteQueue
from adapters.saq.outbox import OutboxHandOver
from adapters.saq.queue import QUEUE_NAME, create_queue
from adapters.saq.webhooks import SaqWebhookQueue
from adapters.telemetry.backlog import Backlog
from adapters.telemetry.series import forget_pool, watch_pool
from adapters.telemetry.tracing import trace_engine
from adapters.webhooks.receiver_addresses import ReceiverAddresses
from adapters.webhooks.sender import AiohttpWebhookSender
from application.cache import CalendarReads
from application.google_sync.ports import SyncLocks, TellOwner
from application.handlers import WebhookPlanning
from application.notifications.create_notification import create_notification
from application.notifications.send_email import MailPorts
from application.scheduling.start_calendar_import import CalendarImportQueue
from application.unit_of_work import UnitOfWork
from application.webhooks.plan_deliveries import PublishingToWebhooks
from application.webhooks.send_deliveries import DeliveryPorts
from domain.accounts.ports import InvitationStore, PasswordHasher, SessionStore
from domain.clock import Clock, SystemClock
from domain.google_sync.errors import GoogleError
from domain.google_sync.model import GoogleTokens
from domain.google_sync.ports import CalendarApi, CalendarApis, GoogleOAuth
from domain.google_sync.write_back import CalendarWriter, CalendarWriters
from domain.notifications.email import Mailer
from domain.notifications.notification import NotificationDraft
from domain.notifications.ports import NotificationPublisher
from domain.scheduling.calendar_file import CalendarFileReader, CalendarFileWriter
from domain.webhooks.ports import WebhookQueue, WebhookSender, WebhookStore
from entrypoints.http.auth import AuthenticatedUser, jwt_auth
from entrypoints.http.sessions import Accounts, CheckedSessions
from entrypoints.http.sse import KEEPALIVE_S, ConnectionRegistry
from entrypoints.settings import Settings

__all__ = ["QUEUE_NAME", "Connections", "Container", "GoogleServices", "MissingServerError", "bootstrap"]

CLOSE_TIMEOUT_S = 2.0
DIRECT_POOL_SIZE = 2
DIRECT_MAX_OVERFLOW = 8
"""Connections to DATABASE_DIRECT_URL a process keeps, and may add while syncs hold calendar locks."""
WEBHOOK_PATH = "/webhook/google-calendar"
CALLBACK_PATH = "/api/google/callback"
NOT_CONFIGURED = (
    "Google Calendar sync is not configured: set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET (an OAuth client of a "
    f"Google Cloud project with the Calendar API enabled, redirect URI PUBLIC_BASE_URL + {CALLBACK_PATH}) and "
    "PUBLIC_BASE_URL (the public HTTPS address Google sends push notifications to)."
)

ForgetReads = Callable[[Iterable[UUID]], Awaitable[None]]
"""Forgets the cached calendar reads of these people and tells their open pages to reload."""


class MissingServerError(RuntimeError):
    """DATABASE_URL or REDIS_URL is unset where no embedded server is started."""


@dataclass(frozen=True)
class Connections:
    """The long-lived connections one process holds: opened by bootstrap, closed at shutdown."""

    engine: AsyncEngine
    """DATABASE_URL: PostgreSQL, or a transaction-mode pooler in front of it."""
    direct_engine: AsyncEngine
    """DATABASE_DIRECT_URL (the same engine when it is unset): LISTEN and session advisory locks."""
    redis: Redis
    pubsub: Redis  # no read timeout: a subscription waits as long as it takes
    queue: RedisQueue
    cache: RedisCache  # REDIS_CACHE_URL: 50 ms timeouts, no retries; the database is the fallback
    pool_capacity: int = 0
    """How many database connections the engine may open (counted in planner_db_pool_connections_max)."""

    @classmethod
    def from_settings(cls, settings: Settings) -> Connections:
        """Open (lazily: no I/O yet) the connections `settings` name."""
        if not settings.database.url or not settings.redis.url:
            raise MissingServerError(
                "DATABASE_URL and REDIS_URL must be set (or use `planner up`, which starts embedded servers)"
            )
        database = settings.database
        engine = create_engine(
            settings.database.url,
            pool_size=database.pool_size,
            max_overflow=database.max_overflow,
            pooled=database.pooled,
        )
        watch_pool(engine, capacity=database.pool_size + database.max_overflow)
        trace_engine(engine)
        direct_engine = engine
        if database.direct_url:
            # One connection LISTENs (a worker's relay); the others hold a sync's calendar lock each.
            direct_engine = create_engine(
                database.direct_url, pool_size=DIRECT_POOL_SIZE, max_overflow=DIRECT_MAX_OVERFLOW
            )
        return cls(
            engine=engine,
            direct_engine=direct_engine,
            redis=create_redis(settings.redis.url, socket_timeout=2.0),
            pubsub=create_redis(settings.redis.url, socket_timeout=None),
            queue=create_queue(settings.redis.url),
            cache=RedisCache(create_cache_client(settings.redis.cache_url or default_cache_url(settings.redis.url))),
            pool_capacity=database.pool_size + database.max_overflow,
        )

    async def close(self) -> None:
        """Close every connection; a server that hangs cannot hold up shutdown for long."""
        for closing in (
            self.queue.disconnect(),
            self.pubsub.aclose(),
            self.redis.aclose(),
            self.cache.close(),
            self.engine.dispose(),
            *([self.direct_engine.dispose()] if self.direct_engine is not self.engine else []),
        ):
            with contextlib.suppress(Exception):
                await asyncio.wait_for(closing, CLOSE_TIMEOUT_S)
        forget_pool(self.pool_capacity)


@dataclass(frozen=True)
class GoogleServices:
    """The ports of Google sync's use cases (application/google_sync): Google itself (when configured), SAQ."""

    configured: bool
    apis: CalendarApis
    oauth: GoogleOAuth
    queue: SaqSyncQueue
    writers: CalendarWriters
    """Writes people's own events to their Google calendars (write-back)."""
    writes: SaqWriteQueue
    pushed: PushedChanges
    pending: RedisPendingAuthorizations
    """Consents under way (single-use OAuth state nonces and their PKCE verifiers)."""
    saq_queue: RedisQueue
    webhook_address: str
    secret: str
    """Signs the OAuth state."""
    retry_base_seconds: float
    locks: SyncLocks
    """One sync at a time per mirrored calendar (PostgreSQL advisory locks)."""


@dataclass(frozen=True)
class WebhookServices:
    """The ports of outgoing webhooks: subscriptions and deliveries, the address check, the sender, the queue."""

    store: WebhookStore
    addresses: ReceiverAddresses
    """WEBHOOK_ALLOW_PRIVATE decides whether private and loopback receivers are allowed."""
    sender: WebhookSender
    queue: WebhookQueue
    ports: DeliveryPorts
    """What sending deliveries needs (the worker's tasks)."""

    @property
    def planning(self) -> WebhookPlanning:
        """What the outbox reactions plan deliveries with."""
        return WebhookPlanning(store=self.store, queue=self.queue)

    async def close(self) -> None:
        close = getattr(self.sender, "close", None)
        if close is not None:
            await close()


@dataclass(frozen=True)
class Container:
    """Every dependency of the use cases and handlers, built once per process by `bootstrap`."""

    settings: Settings
    connections: Connections
    sessions: async_sessionmaker[AsyncSession]
    unit_of_work: Callable[[], UnitOfWork]
    """A new unit of work (one per request or task)."""
    clock: Clock
    hasher: PasswordHasher
    publisher: NotificationPublisher
    reads: CalendarReads
    outbox: OutboxProgress
    hand_over: OutboxHandOver
    rate_limit_counters: RateLimitCounters
    live_channels: ChannelsBackend
    """Where the web's notification streams listen (Redis pub/sub, no read timeout)."""
    connection_registry: ConnectionRegistry
    auth: JWTCookieAuth[AuthenticatedUser, Token]
    accounts: Accounts
    """Sign-in sessions (checked on every request) and invitations."""
    tell_owner: TellOwner
    forget_reads: ForgetReads
    google: GoogleServices
    calendar_file_reader: CalendarFileReader
    calendar_file_writer: CalendarFileWriter
    """iCalendar files: imports read them, feeds and downloads write them."""
    calendar_imports: CalendarImportQueue
    webhooks: WebhookServices
    mail: MailPorts | None = None
    """How email is sent; None when email is off (no SMTP_URL)."""
    caught_mail: CaughtMail | None = None
    """What the local catch-all SMTP server kept (`planner up --mail`), for the admin's mail page."""
    sse_keepalive_s: float = KEEPALIVE_S
    """How often an idle notification stream sends a comment (tests make it short)."""

    def backlog(self) -> Backlog:
        """What GET /metrics reads at scrape time: queue depth, outbox and reminders waiting."""
        return Backlog(self.connections.engine, self.connections.queue)

    def outbox_relay(self) -> OutboxRelay:
        """A relay that hands every commit's outbox messages to the queue as soon as PostgreSQL notifies."""
        return OutboxRelay(self.connections.direct_engine, lambda: self.hand_over.sweep(unsent_for=timedelta(0)))

    async def close(self) -> None:
        """Close every connection of the process."""
        await self.webhooks.close()
        await self.connections.close()
        await self.rate_limit_counters.close()


class _Unconfigured:
    """Stands in for Google when no OAuth client is configured: every call says so."""

    def for_tokens(self, tokens: GoogleTokens) -> CalendarApi:
        raise GoogleError(NOT_CONFIGURED)

    def writer_for(self, tokens: GoogleTokens, *, send_attendees: bool = False) -> CalendarWriter:
        raise GoogleError(NOT_CONFIGURED)

    def authorization_url(self, state: str, *, code_challenge: str, write_access: bool = False) -> str:
        raise GoogleError(NOT_CONFIGURED)

    async def exchange_code(self, code: str, *, code_verifier: str) -> GoogleTokens:
        raise GoogleError(NOT_CONFIGURED)

    async def revoke(self, token: str) -> None:
        raise GoogleError(NOT_CONFIGURED)


def token_cipher(settings: Settings) -> TokenCipher:
    """The cipher of stored Google tokens: GOOGLE_TOKEN_KEY, else derived from SECRET_KEY."""
    google = settings.google
    if google.token_key:
        # The SECRET_KEY-derived key last: grants stored before GOOGLE_TOKEN_KEY was set are still read.
        return TokenCipher(google.token_key, *google.old_token_keys, TokenCipher.key_from_secret(settings.secret_key))
    return TokenCipher(TokenCipher.key_from_secret(settings.secret_key), *google.old_token_keys)


@dataclass(frozen=True)
class DatabaseOnly:
    """What a CLI command that needs only the database works with."""

    unit_of_work: Callable[[], UnitOfWork]
    sessions: SessionStore
    invitations: InvitationStore
    hasher: PasswordHasher


@asynccontextmanager
async def database_only(database_url: str) -> AsyncIterator[DatabaseOnly]:
    """Units of work, sessions and invitations on one connection to `database_url`, for a CLI command."""
    engine = create_engine(database_url, pool_size=1, max_overflow=0)
    sessions = async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
    try:
        yield DatabaseOnly(
            unit_of_work=lambda: PostgresUnitOfWork(sessions),
            sessions=PostgresSessions(sessions),
            invitations=PostgresInvitations(sessions),
            hasher=Argon2PasswordHasher(),
        )
    finally:
        await engine.dispose()


def create_worker_queue(settings: Settings) -> RedisQueue:
    """The queue a worker process takes jobs from (its own connection, apart from the container's)."""
    return create_queue(settings.redis.url or "")


def bootstrap(
    settings: Settings,
    *,
    connections: Connections | None = None,
    clock: Clock | None = None,
    hasher: PasswordHasher | None = None,
    google_apis: CalendarApis | None = None,
    google_oauth: GoogleOAuth | None = None,
    webhook_sender: WebhookSender | None = None,
    sse_keepalive_s: float = KEEPALIVE_S,
    mailer: Mailer | None = None,
) -> Container:
    """Build the container for `settings`; the keyword arguments replace an adapter (tests)."""
    connections = connections or Connections.from_settings(settings)
    clock = clock or SystemClock()
    sessions = async_sessionmaker(connections.engine, class_=AsyncSession, expire_on_commit=False)
    reading = reading_engine(connections.engine, pooled=settings.database.pooled)
    reading_sessions = async_sessionmaker(reading, class_=AsyncSession, expire_on_commit=False)
    reads = CalendarReads(connections.cache, ttl_seconds=settings.cache_ttl_seconds)
    # Every commit (a request's, or a worker's Google sync) makes the cached reads it touches stale.
    stale_reads = ForgetStaleReads(reads)
    cipher = token_cipher(settings)
    horizon = timedelta(days=settings.occurrence_horizon_days)

    def unit_of_work() -> UnitOfWork:
        return PostgresUnitOfWork(
            sessions,
            stale_reads=stale_reads,
            reads=reads,
            cipher=cipher,
            horizon=horizon,
            reading_session_factory=reading_sessions,
        )

    webhook_store = PostgresWebhookStore(sessions)
    webhook_queue = SaqWebhookQueue(connections.queue)
    # Every notification stored anywhere is published through it: live to open pages, and as notification.created.
    publisher = PublishingToWebhooks(
        RedisNotificationPublisher(connections.redis), store=webhook_store, queue=webhook_queue
    )

    async def tell_owner(draft: NotificationDraft) -> None:
        await create_notification(draft, uow=unit_of_work(), publisher=publisher)

    async def forget_reads(user_ids: Iterable[UUID]) -> None:
        people = set(user_ids)
        await reads.forget_people(people)
        # Their open pages learn of it at once, and reload what they show.
        await publisher.calendars_changed(people)

    outbox = OutboxProgress(sessions)
    addresses = ReceiverAddresses(allow_private=settings.webhook_allow_private)
    sender = webhook_sender or AiohttpWebhookSender(addresses)
    session_store = PostgresSessions(sessions)
    return Container(
        settings=settings,
        connections=connections,
        sessions=sessions,
        unit_of_work=unit_of_work,
        clock=clock,
        hasher=hasher or Argon2PasswordHasher(),
        publisher=publisher,
        reads=reads,
        outbox=outbox,
        hand_over=OutboxHandOver(connections.queue, outbox),
        rate_limit_counters=RateLimitCounters(
            create_rate_limit_client(settings.rate_limits.redis_url or default_rate_limit_url(settings.redis.url or ""))
        ),
        live_channels=channels_backend(connections.pubsub),
        connection_registry=ConnectionRegistry(connections.redis),
        auth=jwt_auth(settings),
        accounts=Accounts(
            sessions=session_store,
            checked=CheckedSessions(session_store, ttl_seconds=settings.session_check_ttl_seconds),
            invitations=PostgresInvitations(sessions),
            api_tokens=PostgresApiTokens(sessions),
        ),
        tell_owner=tell_owner,
        forget_reads=forget_reads,
        google=_google_services(settings, connections, apis=google_apis, oauth=google_oauth),
        calendar_file_reader=IcalendarReader(),
        calendar_file_writer=IcalendarWriter(),
        calendar_imports=SaqCalendarImportQueue(connections.queue),
        mail=_mail_ports(settings, clock, mailer=mailer),
        caught_mail=CaughtMail(Path(settings.mail.catch_all_dir)) if settings.mail.catch_all_dir else None,
        webhooks=WebhookServices(
            store=webhook_store,
            addresses=addresses,
            sender=sender,
            queue=webhook_queue,
            ports=DeliveryPorts(
                store=webhook_store, sender=sender, queue=webhook_queue, clock=clock, tell_owner=tell_owner
            ),
        ),
        sse_keepalive_s=sse_keepalive_s,
    )


def _mail_ports(settings: Settings, clock: Clock, *, mailer: Mailer | None) -> MailPorts | None:
    if not settings.mail.enabled:
        return None
    base = settings.public_base_url

    def event_link(event_id: UUID) -> str:
        return f"{base}/events/{event_id}"

    return MailPorts(
        mailer=mailer
        or SmtpMailer(SmtpServer.from_url(settings.mail.smtp_url or ""), mail_from=settings.mail.mail_from),
        writer=IcalendarWriter(),
        clock=clock,
        event_link=event_link,
    )


def _google_services(
    settings: Settings, connections: Connections, *, apis: CalendarApis | None, oauth: GoogleOAuth | None
) -> GoogleServices:
    google = settings.google
    writers: CalendarWriters | None = None
    if google.client_id and google.client_secret:
        clients = GoogleCalendarApis(
            client_id=google.client_id,
            client_secret=google.client_secret,
            token_uri=google.token_uri,
            api_base=google.api_base_url,
        )
        apis, writers = apis or clients, GoogleCalendarWriters(clients)
        oauth = oauth or GoogleOAuthClient(
            client_id=google.client_id,
            client_secret=google.client_secret,
            auth_uri=google.auth_uri,
            token_uri=google.token_uri,
            revoke_uri=google.revoke_uri,
            redirect_uri=settings.public_base_url + CALLBACK_PATH,
        )
    unconfigured: Any = _Unconfigured()
    pushed = PushedChanges(connections.redis)
    return GoogleServices(
        configured=google.configured,
        apis=apis or unconfigured,
        oauth=oauth or unconfigured,
        queue=SaqSyncQueue(connections.queue, pushed),
        writers=writers or unconfigured,
        writes=SaqWriteQueue(connections.queue),
        pushed=pushed,
        pending=RedisPendingAuthorizations(connections.redis),
        saq_queue=connections.queue,
        webhook_address=settings.public_base_url + WEBHOOK_PATH,
        secret=settings.secret_key,
        retry_base_seconds=google.retry_base_ms / 1000,
        locks=AdvisoryLocks(connections.direct_engine),
    )
