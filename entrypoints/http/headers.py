"""Security headers on every answer: what a browser may load, frame, sniff, refer and keep.

The pages load only planner's own files (htmx from npm, served by the app, and planner.js/.css):
no inline script, style element or event handler anywhere, so the policy needs no 'unsafe-inline'.
Answers are private (a person's calendar) unless they say otherwise: static files set their own
public Cache-Control, everything else is `no-store`, so no shared or back-button cache keeps them.
"""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.types import BeforeMessageSendHookHandler, Message, Scope

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"


def security_headers(*, production: bool) -> BeforeMessageSendHookHandler:
    """A before_send hook adding the headers (HSTS only in production, where planner is served over TLS)."""
    fixed = {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
        "Referrer-Policy": "same-origin",
    }
    if production:
        fixed["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY

    async def add_security_headers(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = MutableScopeHeaders.from_message(message)
        for name, value in fixed.items():
            headers[name] = value
        if "cache-control" not in headers:
            headers["Cache-Control"] = "no-store"

    return add_security_headers
