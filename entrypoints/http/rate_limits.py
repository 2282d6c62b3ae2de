"""Rate limits: Litestar's rate-limit middleware counting in Redis, plus sign-in failure locks per account.

Litestar's middleware keeps each caller's history as a JSON list that it reads and writes back in two
calls, guarded by a lock of its own process only; `SharedRateLimitMiddleware` keeps its configuration,
exclusions and headers but counts with one atomic Redis call, so every web process shares each count.

Sign-in counts FAILURES, per (account, client network: the /24 of an IPv4 address, the /64 of an
IPv6 one), never attempts: from the RATE_LIMIT_PER_ACCOUNT-th failure on, that pair waits 5 s, then
10, 20, ... up to RATE_LIMIT_SIGN_IN_MAX_DELAY_S before its next attempt is even checked, and while the
whole site fails more than RATE_LIMIT_SIGN_IN_FAILURES_PER_MINUTE times a minute every failure waits
the longest delay at once. Someone guessing a colleague's password from elsewhere therefore never
locks the colleague out: their own network has no failures. The account (the email in the body) is
not known to middleware, so this is a `before_request` hook plus two calls from the sign-in handlers.
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from litestar import Request
from litestar.datastructures import MutableScopeHeaders
from litestar.enums import RequestEncodingType
from litestar.exceptions import TooManyRequestsException
from litestar.middleware.base import DefineMiddleware
from litestar.middleware.rate_limit import DURATION_VALUES, DurationUnit, RateLimitConfig, RateLimitMiddleware
from litestar.types import Message, Receive, Scope, Send

from application.rate_limits import Hit
from entrypoints.http.auth import AuthenticatedUser
from entrypoints.http.dependencies import container_of
from entrypoints.settings import RateLimitSettings
from entrypoints.telemetry.series import RATE_LIMIT_REJECTIONS

# Never limited: probes, docs, the monitor's assets, and Google's push notifications (the other
# /webhook/* routes are signed-in calls like the API's, and counted like them).
EXEMPT_PATHS = ["^/health", "^/schema", "^/saq/static", "^/webhook/google-calendar$"]
SIGN_IN_PATH = "/api/auth/login"
SIGN_UP_PATH = "/api/auth/register"
# The web client's sign-in and sign-up forms post here; they are limited like the API's.
SIGN_IN_FORM_PATH = "/login"
SIGN_UP_FORM_PATH = "/signup"
WINDOW: DurationUnit = "minute"
FORMS = {RequestEncodingType.URL_ENCODED, RequestEncodingType.MULTI_PART}


FIRST_DELAY_S = 5
"""The first wait after too many failures; it doubles with each further failure."""
FAILURES_KEPT_S = 3600
"""A pair's failures are forgotten an hour after its last one."""
SITE_FAILURES_KEY = "sign_in:failures:site"


def client_address(request: Request[Any, Any, Any]) -> str:
    """The ASGI client; uvicorn has already applied X-Forwarded-For from trusted proxies.

    An IPv6 client is its /64: one subscriber gets a whole /64, so rotating addresses in it is one caller.
    """
    host = request.client.host if request.client else "unknown"
    return client_network(host, ipv4_prefix=32)


def client_network(host: str, *, ipv4_prefix: int = 24) -> str:
    """The network a client address stands for: its /64 (IPv6) or /`ipv4_prefix` (IPv4)."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    prefix = 64 if address.version == 6 else ipv4_prefix
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def caller(request: Request[Any, Any, Any]) -> str:
    """The signed-in user, or the client address of an anonymous call."""
    user = request.scope.get("user")
    if isinstance(user, AuthenticatedUser):
        return f"user:{user.id}"
    return f"ip:{client_address(request)}"


@dataclass
class SharedRateLimitConfig(RateLimitConfig):
    """A RateLimitConfig whose counts live in Redis under `name`, shared by every web process."""

    name: str = "api"
    middleware_class: type[RateLimitMiddleware] = field(default_factory=lambda: SharedRateLimitMiddleware)


def _on_path(*paths: str) -> Callable[[Request[Any, Any, Any]], bool]:
    def applies(request: Request[Any, Any, Any]) -> bool:
        return request.method == "POST" and request.url.path in paths

    return applies


def _anonymous(request: Request[Any, Any, Any]) -> bool:
    return not isinstance(request.scope.get("user"), AuthenticatedUser)


def _signed_in(request: Request[Any, Any, Any]) -> bool:
    return isinstance(request.scope.get("user"), AuthenticatedUser)


class SharedRateLimitMiddleware(RateLimitMiddleware):
    """Litestar's rate-limit middleware, counting with one atomic call on the shared Redis counters."""

    config: SharedRateLimitConfig

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        app = scope["litestar_app"]
        request: Request[Any, Any, Any] = app.request_class(scope)
        if await self.should_check_request(request=request):
            counters = container_of(app).rate_limit_counters
            key = f"{self.config.name}:{self.get_identifier_for_request(request)}"
            hit = await counters.hit(key, window_s=DURATION_VALUES[self.unit])
            if hit is not None:
                headers = rate_limit_headers(self.config, hit)
                if hit.count > self.max_requests:
                    raise_too_many_requests(headers, hit, limit=self.config.name)
                if self.config.set_rate_limit_headers:
                    send = self.create_send_wrapper_for(send, headers)
        await self.app(scope, receive, send)

    def create_send_wrapper_for(self, send: Send, headers: dict[str, str]) -> Send:
        remaining_key = self.config.rate_limit_remaining_header_key
        remaining = int(headers[remaining_key])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                response_headers = MutableScopeHeaders(message)
                # Several limits may apply to one request: the answer names the one closest to biting.
                already = response_headers.get(remaining_key)
                if already is None or int(already) > remaining:
                    for name, value in headers.items():
                        response_headers[name] = value
            await send(message)

        return send_with_headers


def rate_limit_headers(config: RateLimitConfig, hit: Hit) -> dict[str, str]:
    """The RateLimit headers Litestar's middleware sets, from a shared count."""
    limit = config.rate_limit[1]
    return {
        config.rate_limit_policy_header_key: f"{limit}; w={DURATION_VALUES[config.rate_limit[0]]}",
        config.rate_limit_limit_header_key: str(limit),
        config.rate_limit_remaining_header_key: str(max(limit - hit.count, 0)),
        config.rate_limit_reset_header_key: str(hit.resets_in_s),
    }


def raise_too_many_requests(headers: dict[str, str], hit: Hit, *, limit: str) -> None:
    """429, answered as a problem body by the problem-details plugin, saying when to come back."""
    RATE_LIMIT_REJECTIONS.labels(limit=limit).inc()
    raise TooManyRequestsException(
        detail=f"Too many requests; retry in {hit.resets_in_s} s",
        headers={**headers, "Retry-After": str(hit.resets_in_s)},
    )


def rate_limit_middleware(limits: RateLimitSettings) -> list[DefineMiddleware]:
    """One middleware per configured limit (0 turns a limit off), in the order they are checked."""
    configs = [
        SharedRateLimitConfig(
            name="sign_in",
            rate_limit=(WINDOW, limits.sign_in_per_ip),
            identifier_for_request=client_address,
            check_throttle_handler=_on_path(SIGN_IN_PATH, SIGN_IN_FORM_PATH),
        ),
        SharedRateLimitConfig(
            name="sign_up",
            rate_limit=(WINDOW, limits.sign_up_per_ip),
            identifier_for_request=client_address,
            check_throttle_handler=_on_path(SIGN_UP_PATH, SIGN_UP_FORM_PATH),
        ),
        SharedRateLimitConfig(
            name="api",
            rate_limit=(WINDOW, limits.api_per_user),
            exclude=EXEMPT_PATHS,
            identifier_for_request=caller,
            check_throttle_handler=_signed_in,
        ),
        SharedRateLimitConfig(
            name="api",
            rate_limit=(WINDOW, limits.api_per_ip),
            exclude=EXEMPT_PATHS,
            identifier_for_request=caller,
            check_throttle_handler=_anonymous,
        ),
    ]
    return [config.middleware for config in configs if config.rate_limit[1] > 0]


def _account(email: str) -> str:
    # Keyed by the normalized address, hashed so the rate-limit Redis holds no addresses.
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


async def _email_in_body(request: Request[Any, Any, Any]) -> str | None:
    try:
        body: Any = await request.form() if request.content_type[0] in FORMS else await request.json()
    except Exception:  # noqa: BLE001 - a malformed body is the handler's to refuse
        return None
    email = body.get("email") if hasattr(body, "get") else None
    return email if isinstance(email, str) else None


def _pair(request: Request[Any, Any, Any], email: str) -> str:
    host = request.client.host if request.client else "unknown"
    return f"sign_in:failures:{_account(email)}:{client_network(host)}"


async def limit_sign_in_per_account(request: Request[Any, Any, Any]) -> None:
    """Refuse, until its delay is over, a sign-in of an account from a network where it failed too often."""
    if container_of(request.app).settings.rate_limits.per_account <= 0:
        return
    email = await _email_in_body(request)
    if email is None:
        return
    counters = container_of(request.app).rate_limit_counters
    locked = await counters.locked_for(_pair(request, email))
    if locked:
        RATE_LIMIT_REJECTIONS.labels(limit="sign_in_account").inc()
        raise TooManyRequestsException(
            detail=f"Too many failed sign-ins for this account from your network; retry in {locked} s",
            headers={"Retry-After": str(locked)},
        )


async def note_failed_sign_in(request: Request[Any, Any, Any], email: str) -> None:
    """Count a wrong password (or unknown email) against the account and the caller's network."""
    limits = container_of(request.app).settings.rate_limits
    if limits.per_account <= 0:
        return
    counters = container_of(request.app).rate_limit_counters
    await counters.fail(
        _pair(request, email),
        site_key=SITE_FAILURES_KEY,
        free=limits.per_account,
        first_s=FIRST_DELAY_S,
        longest_s=limits.sign_in_max_delay_s,
        site_window_s=DURATION_VALUES[WINDOW],
        site_ceiling=limits.sign_in_failures_per_minute,
        kept_s=FAILURES_KEPT_S,
    )


async def note_signed_in(request: Request[Any, Any, Any], email: str) -> None:
    """A correct password: the account's failures from this network are forgotten."""
    if container_of(request.app).settings.rate_limits.per_account <= 0:
        return
    counters = container_of(request.app).rate_limit_counters
    await counters.forget(_pair(request, email))


async def limit_sign_up_per_account(request: Request[Any, Any, Any]) -> None:
    """Refuse registrations of one address past RATE_LIMIT_PER_ACCOUNT a minute."""
    limit = container_of(request.app).settings.rate_limits.per_account
    email = await _email_in_body(request) if limit > 0 else None
    if email is None:
        return
    counters = container_of(request.app).rate_limit_counters
    hit = await counters.hit(f"sign_up:account:{_account(email)}", window_s=DURATION_VALUES[WINDOW])
    if hit is not None and hit.count > limit:
        config = RateLimitConfig(rate_limit=(WINDOW, limit))
        raise_too_many_requests(rate_limit_headers(config, hit), hit, limit="sign_up_account")


async def limit_events_created(request: Request[Any, Any, Any]) -> None:
    """Refuse a person's event creations past EVENTS_PER_HOUR (a flood of events stalls their viewers' pages)."""
    limit = container_of(request.app).settings.rate_limits.events_per_hour
    user = request.scope.get("user")
    if limit <= 0 or not isinstance(user, AuthenticatedUser):
        return
    counters = container_of(request.app).rate_limit_counters
    hit = await counters.hit(f"events_created:user:{user.id}", window_s=DURATION_VALUES["hour"])
    if hit is not None and hit.count > limit:
        config = RateLimitConfig(rate_limit=("hour", limit))
        raise_too_many_requests(rate_limit_headers(config, hit), hit, limit="events_created")
