"""A real HTTP receiver of webhooks on 127.0.0.1, in a thread: it records every POST and answers as told."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Received:
    """One POST as the receiver got it."""

    path: str
    headers: dict[str, str]
    body: bytes


Answer = Callable[[str, int], int]
"""(path, how many POSTs to that path came before) -> the status code to answer."""


class _Handler(http.server.BaseHTTPRequestHandler):
    server: WebhookReceiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        with self.server.lock:
            earlier = sum(1 for got in self.server.received if got.path == self.path)
            self.server.received.append(
                Received(self.path, {key.lower(): value for key, value in self.headers.items()}, body)
            )
        code = self.server.answer(self.path, earlier)
        self.send_response(code)
        if 300 <= code < 400:
            self.send_header("Location", "/followed")  # a sender that followed redirects would POST there
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


class WebhookReceiver(http.server.ThreadingHTTPServer):
    """Records POSTs; `answer` decides each status code (200 by default)."""

    daemon_threads = True

    def __init__(self, answer: Answer | None = None) -> None:
        self.received: list[Received] = []
        self.lock = threading.Lock()
        self.answer: Answer = answer or (lambda _path, _earlier: 200)
        super().__init__(("127.0.0.1", 0), _Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"

    def on(self, path: str) -> list[Received]:
        with self.lock:
            return [got for got in self.received if got.path == path]


@contextmanager
def webhook_receiver(answer: Answer | None = None) -> Iterator[WebhookReceiver]:
    """A receiver serving in a thread for the block's duration."""
    receiver = WebhookReceiver(answer)
    thread = threading.Thread(target=receiver.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.shutdown()
        receiver.server_close()


def closed_port_url() -> str:
    """The URL of a port on 127.0.0.1 where nothing listens: a receiver that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
