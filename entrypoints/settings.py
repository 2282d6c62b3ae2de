"""Settings read from the environment once, validated at start."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import time
from enum import StrEnum
from functools import lru_cache
from urllib.parse import urlsplit

from domain.accounts.registration import RegistrationMode, RegistrationPolicy
from domain.notifications.reminders import ALL_DAY_REMINDER_TIME

MIN_SECRET_KEY_LENGTH = 32
MAX_SESSION_CHECK_TTL_SECONDS = 30
"""A revoked session or a demotion takes effect within this many seconds in every process."""


def random_secret_key() -> str:
    """A fresh SECRET_KEY: 64 url-safe characters (384 random bits)."""
    return secrets.token_urlsafe(48)


class SettingsError(ValueError):
    """A setting is missing or malformed; the message says which and what to do."""


class AppEnv(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


@dataclass(frozen=True)
class DatabaseSettings:
    url: str | None
    pool_size: int = 20
    max_overflow: int = 40
    direct_url: str | None = None
    """DATABASE_DIRECT_URL: PostgreSQL itself, when DATABASE_URL is a transaction-mode pooler (PgBouncer).

    Set, it says DATABASE_URL is pooled: statement caches are off there, and LISTEN, session advisory
    locks, migrations and backups use this URL instead."""

    @property
    def pooled(self) -> bool:
        """DATABASE_URL goes through a transaction-mode pooler (DATABASE_DIRECT_URL is set)."""
        return self.direct_url is not None

    @property
    def session_url(self) -> str | None:
        """Where work that needs a session of its own goes (LISTEN, session locks, DDL, pg_dump)."""
        return self.direct_url or self.url


@dataclass(frozen=True)
class RedisSettings:
    url: str | None
    cache_url: str | None


@dataclass(frozen=True)
class RateLimitSettings:
    """Requests allowed a minute (0 turns that limit off), counted in Redis."""

    redis_url: str | None = None  # REDIS_RATE_LIMIT_URL; REDIS_URL on database 2 when unset
    sign_in_per_ip: int = 10
    sign_up_per_ip: int = 10
    per_account: int = 10
    """Failed sign-ins of one account from one network before each further one waits; sign-ups of one email."""
    api_per_user: int = 600
    api_per_ip: int = 600
    sign_in_max_delay_s: int = 900
    """The longest wait after failed sign-ins (RATE_LIMIT_SIGN_IN_MAX_DELAY_S); the wait doubles up to it."""
    sign_in_failures_per_minute: int = 100
    """Site-wide failed sign-ins a minute above which each failure waits the longest delay at once."""
    events_per_hour: int = 500
    """Events one person may create an hour (EVENTS_PER_HOUR; 0: no limit)."""
    sse_streams_per_person: int = 10
    """Notification streams one person may hold open per web process (SSE_STREAMS_PER_PERSON); the oldest closes."""


GOOGLE_AUTH_URI = "https://accounts.google.com/o/oauth2/auth"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"  # noqa: S105 - an address, not a secret
GOOGLE_REVOKE_URI = "https://oauth2.googleapis.com/revoke"


@dataclass(frozen=True)
class GoogleSettings:
    client_id: str | None
    client_secret: str | None
    auth_uri: str = GOOGLE_AUTH_URI
    token_uri: str = GOOGLE_TOKEN_URI
    revoke_uri: str = GOOGLE_REVOKE_URI
    """Where disconnecting withdraws the grant (GOOGLE_REVOKE_URI)."""
    api_base_url: str | None = None
    """Calendar API v3 root (GOOGLE_API_BASE_URL); None is Google's own. Tests point it at a fake Google."""
    token_key: str | None = None
    """Fernet key for tokens at rest (GOOGLE_TOKEN_KEY); required in production when Google is configured,
    derived from SECRET_KEY otherwise."""
    old_token_keys: tuple[str, ...] = ()
    """Former GOOGLE_TOKEN_KEYs (GOOGLE_TOKEN_OLD_KEYS, comma-separated): still read, never written."""
    retry_base_ms: int = 500
    """First backoff delay of a rate-limited or failing Google call (GOOGLE_RETRY_BASE_MS)."""
    poll_minutes: int = 15
    """How often calendars Google will not push, and calendar lists, are read (GOOGLE_POLL_MINUTES)."""
    safety_sync_hours: int = 6
    """Every mirrored calendar is synced at least this often, pushes or not (GOOGLE_SAFETY_SYNC_HOURS)."""

    @property
    def configured(self) -> bool:
        return bool(self.client_id and self.client_secret)


DEFAULT_MAIL_FROM = "planner@localhost"


@dataclass(frozen=True)
class MailSettings:
    """Email: off without SMTP_URL."""

    smtp_url: str | None = None
    """Where email is handed over (SMTP_URL: smtp://user:pass@host:587?starttls=true, or smtps://...)."""
    mail_from: str = DEFAULT_MAIL_FROM
    """The From address of every email (MAIL_FROM), e.g. `planner <calendar@example.com>`."""
    catch_all_dir: str | None = None
    """The Maildir of the local catch-all SMTP server `planner up --mail` runs (MAIL_CATCH_ALL_DIR); the admin's
    mail page reads it."""

    @property
    def enabled(self) -> bool:
        return bool(self.smtp_url)


@dataclass(frozen=True)
class WorkerSettings:
    """What each `planner worker` process may take on before it is replaced by a fresh one."""

    concurrency: int = 1
    """Jobs one worker process runs at once (WORKER_CONCURRENCY)."""
    max_tasks: int = 500
    """Jobs after which a worker process finishes and is replaced (WORKER_MAX_TASKS; 0: no limit)."""
    max_memory_mb: int = 200
    """Resident memory (RSS, MB) past which a worker process finishes its jobs and is replaced
    (WORKER_MAX_MEMORY_MB; 0: no limit)."""


@dataclass(frozen=True)
class Settings:
    """Every setting planner reads; names are the environment variables in DESIGN.md."""

    env: AppEnv = AppEnv.DEVELOPMENT
    log_level: str = "INFO"
    # Built in code (tests) a Settings gets a random key: there is no known default secret. From the
    # environment an unset SECRET_KEY is "" and `require_secret_key` refuses it; `planner up` fills it in.
    secret_key: str = field(default_factory=random_secret_key)
    public_base_url: str = "http://127.0.0.1:8000"
    cache_ttl_seconds: int = 360
    database: DatabaseSettings = field(default_factory=lambda: DatabaseSettings(url=None))
    redis: RedisSettings = field(default_factory=lambda: RedisSettings(url=None, cache_url=None))
    google: GoogleSettings = field(default_factory=lambda: GoogleSettings(client_id=None, client_secret=None))
    rate_limits: RateLimitSettings = field(default_factory=RateLimitSettings)
    registration: RegistrationPolicy = field(default_factory=RegistrationPolicy)
    session_check_ttl_seconds: float = 10
    """How long a process trusts a session it checked in the database (SESSION_CHECK_TTL_SECONDS, at most 30)."""
    occurrence_horizon_days: int = 730
    """How far ahead a series' occurrences are stored and hold their room (OCCURRENCE_HORIZON_DAYS)."""
    all_day_reminder_time: time = ALL_DAY_REMINDER_TIME
    """The time of day, in each person's zone, an all-day event's reminders count from (ALL_DAY_REMINDER_TIME)."""
    mail: MailSettings = field(default_factory=MailSettings)
    webhook_allow_private: bool = False
    """Whether webhooks may go to loopback, private and link-local addresses (WEBHOOK_ALLOW_PRIVATE)."""
    metrics_token: str | None = None
    """The bearer token Prometheus scrapes GET /metrics with (METRICS_TOKEN); administrators may read it too."""
    worker_metrics_port: int | None = None
    """Where `planner worker` serves its own /metrics over HTTP (WORKER_METRICS_PORT); unset: nowhere."""
    otel_endpoint: str | None = None
    """The OTLP/HTTP collector traces go to (OTEL_EXPORTER_OTLP_ENDPOINT); unset: no tracing at all."""
    worker: WorkerSettings = field(default_factory=WorkerSettings)
    shutdown_grace_seconds: int = 30
    """How long a stopping web process lets requests in flight finish before it cuts them (SHUTDOWN_GRACE_SECONDS)."""

    @property
    def is_production(self) -> bool:
        return self.env is AppEnv.PRODUCTION

    def require_secret_key(self) -> None:
        """Refuse to serve without a secret of our own: with a known one anybody could forge sessions."""
        _refuse_weak_secret_key(self.env, self.secret_key)

    def with_secret_key(self, secret_key: str) -> Settings:
        """These settings with this SECRET_KEY (the one `planner up` keeps in its data dir)."""
        return replace(self, secret_key=secret_key)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read and validate settings; raise SettingsError naming the bad variable."""
        env_vars = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            value = env_vars.get(name, "").strip()
            return value or None

        app_env = _parse_env(get("APP_ENV"))
        default_level = "ERROR" if app_env is AppEnv.PRODUCTION else "INFO"
        log_level = (get("LOG_LEVEL") or default_level).upper()
        if log_level not in _LOG_LEVELS:
            raise SettingsError(f"LOG_LEVEL={log_level!r} is not one of {', '.join(_LOG_LEVELS)}")
        secret_key = get("SECRET_KEY") or (random_secret_key() if app_env is AppEnv.TEST else "")
        if app_env is not AppEnv.TEST and (secret_key or app_env is AppEnv.PRODUCTION):
            _refuse_weak_secret_key(app_env, secret_key)
        database_url = get("DATABASE_URL")
        if database_url:
            validate_database_url(database_url)
        direct_url = get("DATABASE_DIRECT_URL") if database_url else None  # without a pooler, no use
        if direct_url:
            validate_database_url(direct_url, "DATABASE_DIRECT_URL")
        redis_url = get("REDIS_URL")
        cache_url = get("REDIS_CACHE_URL")
        for name, url in (("REDIS_URL", redis_url), ("REDIS_CACHE_URL", cache_url)):
            if url:
                validate_redis_url(url, name)
        public_base_url = (get("PUBLIC_BASE_URL") or "http://127.0.0.1:8000").rstrip("/")
        if urlsplit(public_base_url).scheme not in ("http", "https"):
            raise SettingsError(f"PUBLIC_BASE_URL={public_base_url!r} must start with http:// or https://")
        return cls(
            env=app_env,
            log_level=log_level,
            secret_key=secret_key,
            public_base_url=public_base_url,
            cache_ttl_seconds=_positive_int(get("CACHE_TTL_SECONDS"), "CACHE_TTL_SECONDS", 360, allow_zero=True),
            database=DatabaseSettings(
                url=database_url,
                pool_size=_positive_int(get("DB_POOL_SIZE"), "DB_POOL_SIZE", 20),
                max_overflow=_positive_int(get("DB_MAX_OVERFLOW"), "DB_MAX_OVERFLOW", 40, allow_zero=True),
                direct_url=direct_url,
            ),
            redis=RedisSettings(url=redis_url, cache_url=cache_url),
            google=_google(get, production=app_env is AppEnv.PRODUCTION),
            rate_limits=_rate_limits(get),
            registration=_registration(get("REGISTRATION"), app_env),
            session_check_ttl_seconds=_session_check_ttl(get("SESSION_CHECK_TTL_SECONDS")),
            occurrence_horizon_days=_positive_int(get("OCCURRENCE_HORIZON_DAYS"), "OCCURRENCE_HORIZON_DAYS", 730),
            all_day_reminder_time=_time_of_day(get("ALL_DAY_REMINDER_TIME"), "ALL_DAY_REMINDER_TIME"),
            mail=_mail(get),
            webhook_allow_private=_flag(get("WEBHOOK_ALLOW_PRIVATE"), "WEBHOOK_ALLOW_PRIVATE"),
            metrics_token=_metrics_token(get("METRICS_TOKEN")),
            worker_metrics_port=_port(get("WORKER_METRICS_PORT"), "WORKER_METRICS_PORT"),
            otel_endpoint=get("OTEL_EXPORTER_OTLP_ENDPOINT"),
            worker=_worker(get),
            shutdown_grace_seconds=_positive_int(get("SHUTDOWN_GRACE_SECONDS"), "SHUTDOWN_GRACE_SECONDS", 30),
        )

    def with_servers(self, database_url: str, redis_url: str, *, database_direct_url: str | None = None) -> Settings:
        """These settings, pointed at the given servers (the embedded ones when none were configured).

        `database_direct_url` is PostgreSQL itself when `database_url` is a pooler (tests behind PgBouncer);
        without it, the direct URL these settings had is kept.
        """
        direct_url = database_direct_url or self.database.direct_url
        return replace(
            self,
            database=replace(self.database, url=database_url, direct_url=direct_url),
            redis=replace(self.redis, url=redis_url),
        )

    def with_mail(self, *, smtp_url: str, catch_all_dir: str | None = None) -> Settings:
        """These settings sending email to `smtp_url` (the local catch-all of `planner up --mail`)."""
        return replace(self, mail=replace(self.mail, smtp_url=smtp_url, catch_all_dir=catch_all_dir))

    def export(self) -> dict[str, str]:
        """The environment variables that reproduce these settings in a child process."""
        exported = {
            "APP_ENV": self.env.value,
            "LOG_LEVEL": self.log_level,
            "SECRET_KEY": self.secret_key,
            "PUBLIC_BASE_URL": self.public_base_url,
            "CACHE_TTL_SECONDS": str(self.cache_ttl_seconds),
            "DB_POOL_SIZE": str(self.database.pool_size),
            "DB_MAX_OVERFLOW": str(self.database.max_overflow),
            "RATE_LIMIT_SIGN_IN_PER_IP": str(self.rate_limits.sign_in_per_ip),
            "RATE_LIMIT_SIGN_UP_PER_IP": str(self.rate_limits.sign_up_per_ip),
            "RATE_LIMIT_PER_ACCOUNT": str(self.rate_limits.per_account),
            "RATE_LIMIT_API_PER_USER": str(self.rate_limits.api_per_user),
            "RATE_LIMIT_API_PER_IP": str(self.rate_limits.api_per_ip),
            "REGISTRATION": self.registration.text,
            "SESSION_CHECK_TTL_SECONDS": f"{self.session_check_ttl_seconds:g}",
            "RATE_LIMIT_SIGN_IN_MAX_DELAY_S": str(self.rate_limits.sign_in_max_delay_s),
            "RATE_LIMIT_SIGN_IN_FAILURES_PER_MINUTE": str(self.rate_limits.sign_in_failures_per_minute),
            "EVENTS_PER_HOUR": str(self.rate_limits.events_per_hour),
            "SSE_STREAMS_PER_PERSON": str(self.rate_limits.sse_streams_per_person),
            "OCCURRENCE_HORIZON_DAYS": str(self.occurrence_horizon_days),
            "ALL_DAY_REMINDER_TIME": f"{self.all_day_reminder_time:%H:%M}",
            "WEBHOOK_ALLOW_PRIVATE": "true" if self.webhook_allow_private else "false",
            "WORKER_CONCURRENCY": str(self.worker.concurrency),
            "WORKER_MAX_TASKS": str(self.worker.max_tasks),
            "WORKER_MAX_MEMORY_MB": str(self.worker.max_memory_mb),
            "SHUTDOWN_GRACE_SECONDS": str(self.shutdown_grace_seconds),
        }
        optional = {
            "DATABASE_URL": self.database.url,
            "DATABASE_DIRECT_URL": self.database.direct_url,
            "REDIS_URL": self.redis.url,
            "REDIS_CACHE_URL": self.redis.cache_url,
            "GOOGLE_CLIENT_ID": self.google.client_id,
            "GOOGLE_CLIENT_SECRET": self.google.client_secret,
            "GOOGLE_AUTH_URI": self.google.auth_uri,
            "GOOGLE_TOKEN_URI": self.google.token_uri,
            "GOOGLE_REVOKE_URI": self.google.revoke_uri,
            "GOOGLE_API_BASE_URL": self.google.api_base_url,
            "GOOGLE_TOKEN_KEY": self.google.token_key,
            "GOOGLE_TOKEN_OLD_KEYS": ",".join(self.google.old_token_keys),
            "GOOGLE_RETRY_BASE_MS": str(self.google.retry_base_ms),
            "GOOGLE_POLL_MINUTES": str(self.google.poll_minutes),
            "GOOGLE_SAFETY_SYNC_HOURS": str(self.google.safety_sync_hours),
            "REDIS_RATE_LIMIT_URL": self.rate_limits.redis_url,
            "SMTP_URL": self.mail.smtp_url,
            "MAIL_FROM": self.mail.mail_from,
            "MAIL_CATCH_ALL_DIR": self.mail.catch_all_dir,
            "METRICS_TOKEN": self.metrics_token,
            "WORKER_METRICS_PORT": None if self.worker_metrics_port is None else str(self.worker_metrics_port),
            "OTEL_EXPORTER_OTLP_ENDPOINT": self.otel_endpoint,
        }
        exported.update({name: value for name, value in optional.items() if value})
        return exported


# Every environment variable planner reads, for docs and the compose check.
SETTING_NAMES = (
    "METRICS_TOKEN",
    "WORKER_METRICS_PORT",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "DATABASE_URL",
    "DATABASE_DIRECT_URL",
    "REDIS_URL",
    "REDIS_CACHE_URL",
    "SECRET_KEY",
    "APP_ENV",
    "LOG_LEVEL",
    "CACHE_TTL_SECONDS",
    "DB_POOL_SIZE",
    "DB_MAX_OVERFLOW",
    "GOOGLE_CLIENT_ID",
    "GOOGLE_CLIENT_SECRET",
    "PUBLIC_BASE_URL",
    "GOOGLE_AUTH_URI",
    "GOOGLE_TOKEN_URI",
    "GOOGLE_REVOKE_URI",
    "GOOGLE_API_BASE_URL",
    "GOOGLE_TOKEN_KEY",
    "GOOGLE_TOKEN_OLD_KEYS",
    "GOOGLE_RETRY_BASE_MS",
    "GOOGLE_POLL_MINUTES",
    "GOOGLE_SAFETY_SYNC_HOURS",
    "REDIS_RATE_LIMIT_URL",
    "RATE_LIMIT_SIGN_IN_PER_IP",
    "RATE_LIMIT_SIGN_UP_PER_IP",
    "RATE_LIMIT_PER_ACCOUNT",
    "RATE_LIMIT_API_PER_USER",
    "RATE_LIMIT_API_PER_IP",
    "REGISTRATION",
    "SESSION_CHECK_TTL_SECONDS",
    "RATE_LIMIT_SIGN_IN_MAX_DELAY_S",
    "RATE_LIMIT_SIGN_IN_FAILURES_PER_MINUTE",
    "EVENTS_PER_HOUR",
    "SSE_STREAMS_PER_PERSON",
    "OCCURRENCE_HORIZON_DAYS",
    "ALL_DAY_REMINDER_TIME",
    "SMTP_URL",
    "MAIL_FROM",
    "MAIL_CATCH_ALL_DIR",
    "WEBHOOK_ALLOW_PRIVATE",
    "WORKER_CONCURRENCY",
    "WORKER_MAX_TASKS",
    "WORKER_MAX_MEMORY_MB",
    "SHUTDOWN_GRACE_SECONDS",
)


def _time_of_day(value: str | None, name: str) -> time:
    """A wall-clock time 'HH:MM' (24 hours); the default when unset."""
    if value is None:
        return ALL_DAY_REMINDER_TIME
    hours, colon, minutes = value.partition(":")
    well_formed = colon and len(hours) in (1, 2) and len(minutes) == 2 and hours.isdigit() and minutes.isdigit()
    if well_formed and int(hours) < 24 and int(minutes) < 60:
        return time(int(hours), int(minutes))
    raise SettingsError(f"{name}={value!r} must be a time of day as HH:MM, e.g. 09:00")


def _flag(value: str | None, name: str) -> bool:
    """true/false (also 1/0, yes/no); False when unset."""
    if value is None:
        return False
    text = value.strip().lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    raise SettingsError(f"{name}={value!r} must be true or false")


def _rate_limits(get: Callable[[str], str | None]) -> RateLimitSettings:
    redis_url = get("REDIS_RATE_LIMIT_URL")
    if redis_url:
        validate_redis_url(redis_url, "REDIS_RATE_LIMIT_URL")
    defaults = RateLimitSettings()

    def per_minute(name: str, default: int) -> int:
        return _positive_int(get(name), name, default, allow_zero=True)

    return RateLimitSettings(
        redis_url=redis_url,
        sign_in_per_ip=per_minute("RATE_LIMIT_SIGN_IN_PER_IP", defaults.sign_in_per_ip),
        sign_up_per_ip=per_minute("RATE_LIMIT_SIGN_UP_PER_IP", defaults.sign_up_per_ip),
        per_account=per_minute("RATE_LIMIT_PER_ACCOUNT", defaults.per_account),
        api_per_user=per_minute("RATE_LIMIT_API_PER_USER", defaults.api_per_user),
        api_per_ip=per_minute("RATE_LIMIT_API_PER_IP", defaults.api_per_ip),
        sign_in_max_delay_s=_positive_int(
            get("RATE_LIMIT_SIGN_IN_MAX_DELAY_S"), "RATE_LIMIT_SIGN_IN_MAX_DELAY_S", defaults.sign_in_max_delay_s
        ),
        sign_in_failures_per_minute=per_minute(
            "RATE_LIMIT_SIGN_IN_FAILURES_PER_MINUTE", defaults.sign_in_failures_per_minute
        ),
        events_per_hour=per_minute("EVENTS_PER_HOUR", defaults.events_per_hour),
        sse_streams_per_person=_positive_int(
            get("SSE_STREAMS_PER_PERSON"), "SSE_STREAMS_PER_PERSON", defaults.sse_streams_per_person
        ),
    )


def _refuse_weak_secret_key(app_env: AppEnv, secret_key: str) -> None:
    if app_env is not AppEnv.TEST and len(secret_key) < MIN_SECRET_KEY_LENGTH:
        raise SettingsError(
            f"SECRET_KEY must be set to a random string of at least {MIN_SECRET_KEY_LENGTH} characters "
            "(for example: python -c 'import secrets; print(secrets.token_urlsafe(48))'); "
            "`planner up` makes one in its data dir"
        )


def _registration(raw: str | None, app_env: AppEnv) -> RegistrationPolicy:
    if raw is None:
        # A production server is reachable by strangers: joining takes an invitation unless the operator opens it.
        mode = RegistrationMode.INVITE if app_env is AppEnv.PRODUCTION else RegistrationMode.OPEN
        return RegistrationPolicy(mode=mode)
    text = raw.strip().lower()
    if text in (RegistrationMode.OPEN.value, RegistrationMode.INVITE.value):
        return RegistrationPolicy(mode=RegistrationMode(text))
    if text.startswith("domain:"):
        domains = tuple(d.strip().lstrip("@") for d in text.removeprefix("domain:").split(",") if d.strip())
        if domains and all("." in d and "@" not in d and " " not in d for d in domains):
            return RegistrationPolicy(mode=RegistrationMode.DOMAIN, domains=domains)
    raise SettingsError(f"REGISTRATION={raw!r} is not one of open, invite, domain:example.com[,example.org]")


def _session_check_ttl(raw: str | None) -> float:
    if raw is None:
        return Settings.session_check_ttl_seconds
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"SESSION_CHECK_TTL_SECONDS={raw!r} is not a number") from None
    if not 0 <= value <= MAX_SESSION_CHECK_TTL_SECONDS:
        raise SettingsError(f"SESSION_CHECK_TTL_SECONDS={raw!r} must be between 0 and {MAX_SESSION_CHECK_TTL_SECONDS}")
    return value


def _fernet_key(key: str, name: str) -> str:
    from cryptography.fernet import Fernet

    try:
        Fernet(key.encode())
    except ValueError:
        raise SettingsError(
            f"{name} must hold Fernet keys (44 url-safe base64 characters; make one with "
            "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
        ) from None
    return key


def _google(get: Callable[[str], str | None], *, production: bool = False) -> GoogleSettings:
    urls = {}
    for name, default in (
        ("GOOGLE_AUTH_URI", GOOGLE_AUTH_URI),
        ("GOOGLE_TOKEN_URI", GOOGLE_TOKEN_URI),
        ("GOOGLE_REVOKE_URI", GOOGLE_REVOKE_URI),
    ):
        urls[name] = get(name) or default
    api_base = get("GOOGLE_API_BASE_URL")
    for name, url in (*urls.items(), ("GOOGLE_API_BASE_URL", api_base)):
        if url and urlsplit(url).scheme not in ("http", "https"):
            raise SettingsError(f"{name}={url!r} must start with http:// or https://")
    token_key = get("GOOGLE_TOKEN_KEY")
    if token_key:
        _fernet_key(token_key, "GOOGLE_TOKEN_KEY")
    old_keys = tuple(
        _fernet_key(key.strip(), "GOOGLE_TOKEN_OLD_KEYS")
        for key in (get("GOOGLE_TOKEN_OLD_KEYS") or "").split(",")
        if key.strip()
    )
    client_id, client_secret = get("GOOGLE_CLIENT_ID"), get("GOOGLE_CLIENT_SECRET")
    if production and client_id and client_secret and not token_key:
        # Its own key: a leaked SECRET_KEY must not also open every stored Google grant.
        raise SettingsError(
            "GOOGLE_TOKEN_KEY must be set in production when Google is configured (make one with "
            "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
        )
    return GoogleSettings(
        client_id=client_id,
        client_secret=client_secret,
        auth_uri=urls["GOOGLE_AUTH_URI"],
        token_uri=urls["GOOGLE_TOKEN_URI"],
        revoke_uri=urls["GOOGLE_REVOKE_URI"],
        api_base_url=None if api_base is None else api_base.rstrip("/") + "/",
        token_key=token_key,
        old_token_keys=old_keys,
        retry_base_ms=_positive_int(get("GOOGLE_RETRY_BASE_MS"), "GOOGLE_RETRY_BASE_MS", 500, allow_zero=True),
        poll_minutes=_positive_int(get("GOOGLE_POLL_MINUTES"), "GOOGLE_POLL_MINUTES", 15),
        safety_sync_hours=_positive_int(get("GOOGLE_SAFETY_SYNC_HOURS"), "GOOGLE_SAFETY_SYNC_HOURS", 6),
    )


def _worker(get: Callable[[str], str | None]) -> WorkerSettings:
    defaults = WorkerSettings()
    return WorkerSettings(
        concurrency=_positive_int(get("WORKER_CONCURRENCY"), "WORKER_CONCURRENCY", defaults.concurrency),
        max_tasks=_positive_int(get("WORKER_MAX_TASKS"), "WORKER_MAX_TASKS", defaults.max_tasks, allow_zero=True),
        max_memory_mb=_positive_int(
            get("WORKER_MAX_MEMORY_MB"), "WORKER_MAX_MEMORY_MB", defaults.max_memory_mb, allow_zero=True
        ),
    )


def _mail(get: Callable[[str], str | None]) -> MailSettings:
    smtp_url = get("SMTP_URL")
    if smtp_url:
        parts = urlsplit(smtp_url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise SettingsError("SMTP_URL must look like smtp://user:pass@host:587?starttls=true (or smtps://...)")
    mail_from = get("MAIL_FROM") or DEFAULT_MAIL_FROM
    if "@" not in mail_from:
        raise SettingsError(f"MAIL_FROM={mail_from!r} is not an email address")
    return MailSettings(smtp_url=smtp_url, mail_from=mail_from, catch_all_dir=get("MAIL_CATCH_ALL_DIR"))


def _parse_env(raw: str | None) -> AppEnv:
    try:
        return AppEnv(raw or "development")
    except ValueError:
        allowed = ", ".join(e.value for e in AppEnv)
        raise SettingsError(f"APP_ENV={raw!r} is not one of {allowed}") from None


def _positive_int(raw: str | None, name: str, default: int, *, allow_zero: bool = False) -> int:
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a whole number") from None
    if value < 0 or (value == 0 and not allow_zero):
        raise SettingsError(f"{name}={raw!r} must be {'zero or more' if allow_zero else 'positive'}")
    return value


def validate_database_url(url: str, name: str = "DATABASE_URL") -> None:
    """Refuse anything but a PostgreSQL URL, with a message that says what is expected."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "postgresql+asyncpg"):
        raise SettingsError(
            f"{name} must be a PostgreSQL URL like postgresql://user:password@host:5432/planner, got {url!r}"
        )
    try:
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        raise SettingsError(f"{name} has a malformed port: {url!r}") from None
    if not parts.hostname and "host=" not in parts.query:
        raise SettingsError(f"{name} names no host: {url!r}")


def validate_redis_url(url: str, name: str = "REDIS_URL") -> None:
    """Refuse anything but a Redis URL (redis://, rediss:// or unix://)."""
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss", "unix"):
        raise SettingsError(f"{name} must be a Redis URL like redis://localhost:6379/0, got {url!r}")
    try:
        parts.port  # noqa: B018
    except ValueError:
        raise SettingsError(f"{name} has a malformed port: {url!r}") from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once."""
    return Settings.from_env()


METRICS_TOKEN_MIN_LENGTH = 16


def _metrics_token(raw: str | None) -> str | None:
    if raw is not None and len(raw) < METRICS_TOKEN_MIN_LENGTH:
        raise SettingsError(f"METRICS_TOKEN must be at least {METRICS_TOKEN_MIN_LENGTH} characters (a random secret)")
    return raw


def _port(raw: str | None, name: str) -> int | None:
    if raw is None:
        return None
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise SettingsError(f"{name}={raw!r} is not a TCP port (1 to 65535)")
    return int(raw)
