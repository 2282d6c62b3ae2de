"""A catch-all SMTP server for one machine (`planner up --mail`): it keeps every message in a Maildir.

`aiosmtpd` serves SMTP on 127.0.0.1 and its Mailbox handler files each message in the Maildir;
the admin's mail page reads that Maildir (CaughtMail), so the email flow works without a real
mail server.
"""

from __future__ import annotations

import mailbox
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox

_LONG_AGO = datetime(1970, 1, 1, tzinfo=UTC)


class CatchAllSmtpServer:
    """An SMTP server on `host:port` that accepts every message and keeps it in `maildir` (no TLS, no auth)."""

    def __init__(self, maildir: Path, *, host: str = "127.0.0.1", port: int = 0) -> None:
        for folder in ("tmp", "new", "cur"):  # a Maildir's folders, also in a directory that exists already
            (maildir / folder).mkdir(parents=True, exist_ok=True)
        self.maildir = maildir
        self._controller = Controller(Mailbox(maildir), hostname=host, port=port or _free_port(host))

    @property
    def url(self) -> str:
        """The SMTP_URL that reaches it."""
        return f"smtp://{self._controller.hostname}:{self._controller.port}?starttls=false"

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()


@dataclass(frozen=True)
class CaughtLetter:
    """One message the catch-all kept, as the admin's mail page shows it."""

    key: str
    sender: str
    to: str
    subject: str
    sent_at: datetime | None
    text: str
    calendar_method: str | None
    calendar: str | None


class CaughtMail:
    """Reads what the catch-all kept, newest first."""

    def __init__(self, maildir: Path) -> None:
        self._maildir = maildir

    def newest(self, limit: int = 100) -> list[CaughtLetter]:
        if not self._maildir.is_dir():
            return []
        box = mailbox.Maildir(self._maildir, create=False)
        letters = [_caught(key, box.get_bytes(key)) for key in box.iterkeys()]
        letters.sort(key=lambda letter: letter.sent_at or _LONG_AGO, reverse=True)
        return letters[:limit]


def _caught(key: str, raw: bytes) -> CaughtLetter:
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    text, method, calendar = "", None, None
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "text/plain" and not text:
            text = str(part.get_content())
        elif kind == "text/calendar":
            method = part.get_param("method")
            calendar = str(part.get_content())
    try:
        sent_at = parsedate_to_datetime(str(message["date"])) if message["date"] else None
    except (TypeError, ValueError):
        sent_at = None
    return CaughtLetter(
        key=key,
        sender=str(message["from"] or ""),
        to=str(message["to"] or ""),
        subject=str(message["subject"] or ""),
        sent_at=sent_at,
        text=text,
        calendar_method=str(method) if method else None,
        calendar=calendar,
    )


def _free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port
