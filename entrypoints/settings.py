"""Settings read from the environment once, validated at start."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_SECRET_KEY = "planner-development-secret-change-me"  # noqa: S105 - refused in production


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
    """Fernet key for tokens at rest (GOOGLE_TOKEN_KEY); derived from SECRET_KEY when unset."""
    retry_base_ms: int = 500
    """First backoff delay of a rate-limited or failing Google call (GOOGLE_RETRY_BASE_MS)."""

    @property
    def configured(self) -> bool:
        return bool(self.client_id and self.client_secret)


@dataclass(frozen=True)
class Settings:
    """Every setting planner reads; names are the environment variables in DESIGN.md."""

    env: AppEnv = AppEnv.DEVELOPMENT
    log_level: str = "INFO"
    secret_key: str = DEFAULT_SECRET_KEY
    public_base_url: str = "http://127.0.0.1:8000"
    cache_ttl_seconds: int = 360
    database: DatabaseSettings = field(default_factory=lambda: DatabaseSettings(url=None))
    redis: RedisSettings = field(default_factory=lambda: RedisSettings(url=None, cache_url=None))
    google: GoogleSettings = field(default_factory=lambda: GoogleSettings(client_id=None, client_secret=None))
    rate_limits: RateLimitSettings = field(default_factory=RateLimitSettings)

    @property
    def is_production(self) -> bool:
        return self.env is AppEnv.PRODUCTION

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
        secret_key = get("SECRET_KEY") or DEFAULT_SECRET_KEY
        if app_env is AppEnv.PRODUCTION and (secret_key == DEFAULT_SECRET_KEY or len(secret_key) < 32):
            raise SettingsError("SECRET_KEY must be set to a random string of at least 32 characters in production")
        database_url = get("DATABASE_URL")
        if database_url:
            validate_database_url(database_url)
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
            ),
            redis=RedisSettings(url=redis_url, cache_url=cache_url),
            google=_google(get),
            rate_limits=_rate_limits(get),
        )

    def with_servers(self, database_url: str, redis_url: str) -> Settings:
        """These settings, pointed at the given servers (the embedded ones when none were configured)."""
        return Settings(
            env=self.env,
            log_level=self.log_level,
            secret_key=self.secret_key,
            public_base_url=self.public_base_url,
            cache_ttl_seconds=self.cache_ttl_seconds,
            database=DatabaseSettings(
                url=database_url, pool_size=self.database.pool_size, max_overflow=self.database.max_overflow
            ),
            redis=RedisSettings(url=redis_url, cache_url=self.redis.cache_url),
            google=self.google,
            rate_limits=self.rate_limits,
        )

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
            "RATE_LIMIT_SIGN_IN_MAX_DELAY_S": str(self.rate_limits.sign_in_max_delay_s),
            "RATE_LIMIT_SIGN_IN_FAILURES_PER_MINUTE": str(self.rate_limits.sign_in_failures_per_minute),
            "EVENTS_PER_HOUR": str(self.rate_limits.events_per_hour),
            "SSE_STREAMS_PER_PERSON": str(self.rate_limits.sse_streams_per_person),
        }
        optional = {
            "DATABASE_URL": self.database.url,
            "REDIS_URL": self.redis.url,
            "REDIS_CACHE_URL": self.redis.cache_url,
            "GOOGLE_CLIENT_ID": self.google.client_id,
            "GOOGLE_CLIENT_SECRET": self.google.client_secret,
            "GOOGLE_AUTH_URI": self.google.auth_uri,
            "GOOGLE_TOKEN_URI": self.google.token_uri,
            "GOOGLE_REVOKE_URI": self.google.revoke_uri,
            "GOOGLE_API_BASE_URL": self.google.api_base_url,
            "GOOGLE_TOKEN_KEY": self.google.token_key,
            "GOOGLE_RETRY_BASE_MS": str(self.google.retry_base_ms),
            "REDIS_RATE_LIMIT_URL": self.rate_limits.redis_url,
        }
        exported.update({name: value for name, value in optional.items() if value})
        return exported


# Every environment variable planner reads, for docs and the compose check.
SETTING_NAMES = (
    "DATABASE_URL",
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
    "GOOGLE_RETRY_BASE_MS",
    "REDIS_RATE_LIMIT_URL",
    "RATE_LIMIT_SIGN_IN_PER_IP",
    "RATE_LIMIT_SIGN_UP_PER_IP",
    "RATE_LIMIT_PER_ACCOUNT",
    "RATE_LIMIT_API_PER_USER",
    "RATE_LIMIT_API_PER_IP",
    "RATE_LIMIT_SIGN_IN_MAX_DELAY_S",
    "RATE_LIMIT_SIGN_IN_FAILURES_PER_MINUTE",
    "EVENTS_PER_HOUR",
    "SSE_STREAMS_PER_PERSON",
)


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


def _google(get: Callable[[str], str | None]) -> GoogleSettings:
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
    if token_key and len(token_key) != 44:
        raise SettingsError("GOOGLE_TOKEN_KEY must be a Fernet key (44 url-safe base64 characters)")
    return GoogleSettings(
        client_id=get("GOOGLE_CLIENT_ID"),
        client_secret=get("GOOGLE_CLIENT_SECRET"),
        auth_uri=urls["GOOGLE_AUTH_URI"],
        token_uri=urls["GOOGLE_TOKEN_URI"],
        revoke_uri=urls["GOOGLE_REVOKE_URI"],
        api_base_url=None if api_base is None else api_base.rstrip("/") + "/",
        token_key=token_key,
        retry_base_ms=_positive_int(get("GOOGLE_RETRY_BASE_MS"), "GOOGLE_RETRY_BASE_MS", 500, allow_zero=True),
    )


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


def validate_database_url(url: str) -> None:
    """Refuse anything but a PostgreSQL URL, with a message that says what is expected."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "postgresql+asyncpg"):
        raise SettingsError(
            f"DATABASE_URL must be a PostgreSQL URL like postgresql://user:password@host:5432/planner, got {url!r}"
        )
    try:
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        raise SettingsError(f"DATABASE_URL has a malformed port: {url!r}") from None
    if not parts.hostname and "host=" not in parts.query:
        raise SettingsError(f"DATABASE_URL names no host: {url!r}")


def validate_redis_url(url: str, name: str = "REDIS_URL") -> None:
    """Refuse anything but a Redis URL (redis://, rediss:// or unix://)."""
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss", "unix"):
        raise SettingsError(f"{name} must be a Redis URL like redis://localhost:6379/0, got {url!r}")
    try:
        parts.port  # noqa: B018
    except ValueError:
        raise SettingsError(f"{name} has a malformed port: {url!r}") from None


def default_data_dir() -> Path:
    return Path(".planner")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once."""
    return Settings.from_env()
