"""Which receivers planner may reach: a URL's host is resolved and every address it names is judged (SSRF).

Loopback, link-local, private, shared (carrier-grade NAT), multicast, reserved and unspecified
addresses are refused unless WEBHOOK_ALLOW_PRIVATE=true. The check runs when someone subscribes
and again before every delivery, and the delivery connects to the address that was checked
(`resolve_allowed`), so a DNS answer that changes in between cannot lead it elsewhere.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from domain.errors import InvalidInput
from domain.webhooks.subscription import MAX_URL_LENGTH

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
RESOLVE_TIMEOUT_S = 5.0
"""A host that does not resolve within this is treated as one that does not resolve."""


@dataclass(frozen=True)
class Receiver:
    """Where a delivery goes: the URL's parts and the one address checked and connected to."""

    scheme: str
    host: str
    port: int
    target: str
    """The path and query, as sent in the request line."""
    address: IpAddress


def is_public(address: IpAddress) -> bool:
    """Whether the address is one on the public internet (not loopback, private, link-local, ...)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not (
        address.is_loopback
        or address.is_link_local
        or address.is_private
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or address in ipaddress.ip_network("100.64.0.0/10")
        or not address.is_global
    )


class ReceiverAddresses:
    """Implements domain.webhooks.ports.ReceiverAddresses; `allow_private` is WEBHOOK_ALLOW_PRIVATE."""

    def __init__(self, *, allow_private: bool = False) -> None:
        self._allow_private = allow_private

    async def check(self, url: str) -> None:
        await self.resolve_allowed(url)

    async def resolve_allowed(self, url: str) -> Receiver:
        """The receiver at `url`, its host resolved to an allowed address; InvalidInput('url') otherwise."""
        if len(url) > MAX_URL_LENGTH:
            raise InvalidInput("url", f"the URL is longer than {MAX_URL_LENGTH} characters")
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            raise InvalidInput("url", "the URL is not a valid http(s) URL") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InvalidInput("url", "the URL must start with http:// or https:// and name a host")
        if parts.username or parts.password:
            raise InvalidInput("url", "the URL must not carry a user name or password")
        port = port or (443 if parts.scheme == "https" else 80)
        addresses = await _resolve(parts.hostname, port)
        if not addresses:
            raise InvalidInput("url", f"the host {parts.hostname} does not resolve")
        if not self._allow_private:
            refused = [address for address in addresses if not is_public(address)]
            if refused:
                raise InvalidInput(
                    "url",
                    f"the host {parts.hostname} resolves to {refused[0]}, a loopback, private or otherwise "
                    "non-public address planner does not send to (WEBHOOK_ALLOW_PRIVATE=true allows it)",
                )
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return Receiver(scheme=parts.scheme, host=parts.hostname, port=port, target=target, address=addresses[0])


async def _resolve(host: str, port: int) -> list[IpAddress]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        async with asyncio.timeout(RESOLVE_TIMEOUT_S):
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, TimeoutError):
        return []
    return list(dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos))
