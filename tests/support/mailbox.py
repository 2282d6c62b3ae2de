"""A real SMTP server for tests (aiosmtpd on 127.0.0.1) keeping every message it receives, parsed."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from icalendar import Calendar


@dataclass(frozen=True)
class Received:
    """One message as the server got it: the envelope and the parsed message."""

    sender: str
    recipients: tuple[str, ...]
    message: EmailMessage

    @property
    def calendar_part(self) -> EmailMessage | None:
        return next((p for p in self.message.walk() if p.get_content_type() == "text/calendar"), None)  # type: ignore[misc]

    @property
    def calendar(self) -> Calendar | None:
        """The calendar part read back with icalendar."""
        part = self.calendar_part
        return None if part is None else Calendar.from_ical(part.get_content())

    @property
    def message_id(self) -> str:
        return str(self.message["message-id"])


@dataclass
class Mailbox:
    """What the test SMTP server received, in order."""

    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0
    answer_after_s: float = 0.0
    """How long the server keeps a message before answering 250: a slow server, to catch a sender mid-send."""

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}?starttls=false"

    def to(self, address: str) -> list[Received]:
        with self.lock:
            return [mail for mail in self.received if address.lower() in mail.recipients]

    def all(self) -> list[Received]:
        with self.lock:
            return list(self.received)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        content: Any = envelope.original_content or envelope.content
        message = message_from_bytes(bytes(content), policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self.lock:
            self.received.append(
                Received(
                    sender=str(envelope.mail_from),
                    recipients=tuple(r.lower() for r in envelope.rcpt_tos),
                    message=message,
                )
            )
        if self.answer_after_s:
            await asyncio.sleep(self.answer_after_s)
        return "250 Message accepted for delivery"


@contextlib.contextmanager
def smtp_server(mailbox: Mailbox | None = None, *, port: int | None = None) -> Iterator[Mailbox]:
    """An SMTP server on a free port (or `port`) of 127.0.0.1 for as long as the block runs."""
    mailbox = mailbox or Mailbox()
    if port is None:
        with socket.socket() as probe:  # aiosmtpd needs a port number up front
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    mailbox.port = controller.port
    try:
        yield mailbox
    finally:
        controller.stop()
