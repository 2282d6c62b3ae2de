"""Rate limits: Litestar's rate-limit middleware counting in Redis, plus a per-account sign-in limit.

Litestar's middleware keeps each caller's history as a JSON list that it reads and writes back in two
calls, guarded by a lock of its own process only; `SharedRateLimitMiddleware` keeps its configuration,
exclusions and headers but counts with one atomic Redis call, so every web process shares each count.
The account (the email in a sign-in or sign-up body) is not known to middleware, so that limit is a
`before_request` hook on those two handlers, on the same counters and with the same answer.
"""

from __future__ import annotations

import hashlib
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

from adapters.redis.rate_limits import Hit
from entrypoints.http.auth import AuthenticatedUser
from entrypoints.http.dependencies import container_of
from entrypoints.settings import RateLimitSettings

# Never limited: probes, docs, the monitor's assets, and Google's push notifications.
EXEMPT_PATHS = ["^/health", "^/schema", "^/saq/static", "^/webhook/"]
SIGN_IN_PATH = "/api/auth/login"
SIGN_UP_PATH = "/api/auth/register"
# The web client's sign-in and sign-up forms post here; they are limited like the API's.
SIGN_IN_FORM_PATH = "/login"
SIGN_UP_FORM_PATH = "/signup"
WINDOW: DurationUnit = "minute"
FORMS = {RequestEncodingType.URL_ENCODED, RequestEncodingType.MULTI_PART}


def client_address(request: Request[Any, Any, Any]) -> str:
    """The ASGI client; uvicorn has already applied X-Forwarded-For from trusted proxies."""
    return request.client.host if request.client else "unknown"


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
                    raise_too_many_requests(headers, hit)
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


def raise_too_many_requests(headers: dict[str, str], hit: Hit) -> None:
    """429, answered as a problem body by the problem-details plugin, saying when to come back."""
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


async def _limit_per_account(request: Request[Any, Any, Any], bucket: str) -> None:
    limit = container_of(request.app).settings.rate_limits.per_account
    if limit <= 0:
        return
    try:
        body: Any = await request.form() if request.content_type[0] in FORMS else await request.json()
    except Exception:  # noqa: BLE001 - a malformed body is the handler's to refuse
        return
    email = body.get("email") if hasattr(body, "get") else None
    if not isinstance(email, str):
        return
    # Keyed by the normalized address, hashed so the rate-limit Redis holds no addresses.
    account = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    counters = container_of(request.app).rate_limit_counters
    hit = await counters.hit(f"{bucket}:account:{account}", window_s=DURATION_VALUES[WINDOW])
    if hit is not None and hit.count > limit:
        config = RateLimitConfig(rate_limit=(WINDOW, limit))
        raise_too_many_requests(rate_limit_headers(config, hit), hit)


async def limit_sign_in_per_account(request: Request[Any, Any, Any]) -> None:
    """Refuse an account's sign-in attempts past RATE_LIMIT_PER_ACCOUNT a minute, whoever sends them."""
    await _limit_per_account(request, "sign_in")


async def limit_sign_up_per_account(request: Request[Any, Any, Any]) -> None:
    """Refuse registrations of one address past RATE_LIMIT_PER_ACCOUNT a minute."""
    await _limit_per_account(request, "sign_up")
