"""One webhook POST with httpx: to the checked address only, no redirects, 10 seconds at most."""

from __future__ import annotations

import asyncio
import ipaddress

import httpx
import structlog
from standardwebhooks import Webhook

from adapters.webhooks.receiver_addresses import ReceiverAddresses
from domain.errors import InvalidInput
from domain.webhooks.delivery import ANSWER_EXCERPT_BYTES
from domain.webhooks.ports import WebhookRequest

log = structlog.get_logger(__name__)

TIMEOUT_S = 10.0
"""The whole request (connect, send, the answer's head and first bytes) must fit in this."""
USER_AGENT = "planner-webhooks/1"


class HttpxWebhookSender:
    """Implements domain.webhooks.ports.WebhookSender; one client (connection pool) per process."""

    def __init__(self, addresses: ReceiverAddresses, *, timeout_s: float = TIMEOUT_S) -> None:
        self._addresses = addresses
        self._timeout_s = timeout_s
        self._client: httpx.AsyncClient | None = None

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            # trust_env=False: no proxy from the environment may carry a delivery somewhere unchecked.
            self._client = httpx.AsyncClient(
                timeout=self._timeout_s,
                follow_redirects=False,
                trust_env=False,
                limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
            )
        return self._client

    async def send(self, request: WebhookRequest) -> tuple[int | None, bytes, str | None]:
        try:
            receiver = await self._addresses.resolve_allowed(request.url)
        except InvalidInput as refused:
            return None, b"", refused.detail
        address = receiver.address
        host_in_url = f"[{address}]" if isinstance(address, ipaddress.IPv6Address) else str(address)
        pinned = f"{receiver.scheme}://{host_in_url}:{receiver.port}{receiver.target}"
        default_port = 443 if receiver.scheme == "https" else 80
        host_header = receiver.host if receiver.port == default_port else f"{receiver.host}:{receiver.port}"
        signature = Webhook(request.secret).sign(request.message_id, request.timestamp, request.body)
        headers = {
            "host": host_header,
            "content-type": "application/json",
            "user-agent": USER_AGENT,
            "webhook-id": request.message_id,
            "webhook-timestamp": str(int(request.timestamp.timestamp())),
            "webhook-signature": signature,
        }
        try:
            async with asyncio.timeout(self._timeout_s):
                async with self._http().stream(
                    "POST",
                    pinned,
                    content=request.body.encode(),
                    headers=headers,
                    # TLS is checked against the host name, though the connection goes to the pinned address.
                    extensions={"sni_hostname": receiver.host},
                ) as answer:
                    excerpt = b""
                    async for chunk in answer.aiter_raw():
                        excerpt += chunk
                        if len(excerpt) >= ANSWER_EXCERPT_BYTES:
                            break
                    return answer.status_code, excerpt[:ANSWER_EXCERPT_BYTES], None
        except TimeoutError:
            return None, b"", f"no answer within {self._timeout_s:g} s"
        except httpx.HTTPError as error:
            return None, b"", f"{type(error).__name__}: {error}"[:300] or type(error).__name__

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
