"""One webhook POST with aiohttp: to the checked address only, no redirects, 10 seconds at most."""

from __future__ import annotations

import asyncio
import ipaddress

import aiohttp
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
MAX_CONNECTIONS = 200


class AiohttpWebhookSender:
    """Implements domain.webhooks.ports.WebhookSender; one session (connection pool) per process.

    aiohttp rather than httpx: httpx's pool looks at every connection it holds for each request it
    starts or ends, so its CPU per request grows with the requests in flight (one process, a local
    receiver: 0.77 ms each with 10 in flight, 2.4 ms with 50, 2.3 ms with 200), where aiohttp's stays
    under 0.1 ms (77 us at 10, 93 us at 200), and a burst sends its deliveries 50 side by side.
    """

    def __init__(self, addresses: ReceiverAddresses, *, timeout_s: float = TIMEOUT_S) -> None:
        self._addresses = addresses
        self._timeout_s = timeout_s
        self._session: aiohttp.ClientSession | None = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=MAX_CONNECTIONS, limit_per_host=0),
                timeout=aiohttp.ClientTimeout(total=self._timeout_s),
                # No proxy from the environment may carry a delivery somewhere unchecked; no receiver's
                # cookie goes to another; the answer's excerpt is kept as it came (not decompressed).
                trust_env=False,
                cookie_jar=aiohttp.DummyCookieJar(),
                auto_decompress=False,
            )
        return self._session

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
            "Host": host_header,
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "webhook-id": request.message_id,
            "webhook-timestamp": str(int(request.timestamp.timestamp())),
            "webhook-signature": signature,
        }
        try:
            async with asyncio.timeout(self._timeout_s):
                async with self._http().post(
                    pinned,
                    data=request.body.encode(),
                    headers=headers,
                    allow_redirects=False,
                    # TLS is checked against the host name, though the connection goes to the pinned address.
                    server_hostname=receiver.host if receiver.scheme == "https" else None,
                ) as answer:
                    excerpt = b""
                    while len(excerpt) < ANSWER_EXCERPT_BYTES:
                        chunk = await answer.content.read(ANSWER_EXCERPT_BYTES - len(excerpt))
                        if not chunk:
                            break
                        excerpt += chunk
                    return answer.status, excerpt, None
        except TimeoutError:
            return None, b"", f"no answer within {self._timeout_s:g} s"
        except aiohttp.ClientError as error:
            return None, b"", f"{type(error).__name__}: {error}"[:300] or type(error).__name__

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
