"""The HTTP side of a delivery: redirects not followed, 10 seconds at most, sent to the very address checked."""

from __future__ import annotations

import ipaddress
import socket
from datetime import UTC, datetime

from adapters.webhooks.receiver_addresses import Receiver, ReceiverAddresses
from adapters.webhooks.sender import TIMEOUT_S, AiohttpWebhookSender
from domain.webhooks.ports import WebhookRequest
from tests.support.webhook_receiver import webhook_receiver

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def request_to(url: str) -> WebhookRequest:
    return WebhookRequest(
        url=url, secret=SECRET, message_id="msg_sender", timestamp=datetime.now(UTC), body='{"type":"event.created"}'
    )


async def test_a_redirect_is_an_answer_not_followed() -> None:
    sender = AiohttpWebhookSender(ReceiverAddresses(allow_private=True))
    with webhook_receiver(lambda _path, _earlier: 307) as receiver:
        status, _, error = await sender.send(request_to(receiver.url + "/moved"))

        assert (status, error) == (307, None)
        assert len(receiver.on("/moved")) == 1
        assert receiver.on("/followed") == []
    await sender.close()


async def test_a_receiver_that_never_answers_is_given_up_at_the_timeout() -> None:
    assert TIMEOUT_S == 10.0
    sender = AiohttpWebhookSender(ReceiverAddresses(allow_private=True), timeout_s=0.3)
    with socket.socket() as silent:  # accepts connections (the backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        status, _, error = await sender.send(request_to(f"http://127.0.0.1:{silent.getsockname()[1]}/slow"))

    assert status is None
    assert error is not None
    assert "0.3 s" in error
    await sender.close()


class CheckedAs(ReceiverAddresses):
    """Addresses whose check found `address` for every host, whatever DNS says when the request is made."""

    def __init__(self, address: str) -> None:
        super().__init__(allow_private=False)
        self._address = ipaddress.ip_address(address)

    async def resolve_allowed(self, url: str) -> Receiver:
        receiver = await ReceiverAddresses(allow_private=True).resolve_allowed(
            url.replace("hooks.example.com", "1.1.1.1")
        )
        return Receiver(
            scheme=receiver.scheme,
            host="hooks.example.com",
            port=receiver.port,
            target=receiver.target,
            address=self._address,
        )


async def test_the_request_goes_to_the_address_that_was_checked_not_a_new_dns_answer() -> None:
    # DNS rebinding: a name checked as one address must not be looked up again when connecting.
    # hooks.example.com does not lead to this machine; the checked address (127.0.0.1) does.
    with webhook_receiver() as receiver:
        port = receiver.url.rsplit(":", 1)[1]
        sender = AiohttpWebhookSender(CheckedAs("127.0.0.1"))
        status, _, error = await sender.send(request_to(f"http://hooks.example.com:{port}/pinned"))

        assert (status, error) == (200, None)
        [got] = receiver.on("/pinned")
        assert got.headers["host"] == f"hooks.example.com:{port}"
    await sender.close()
