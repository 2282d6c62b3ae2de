"""Sending letters through an SMTP server with `aiosmtplib`; the letter becomes a MIME message here.

An invitation is an iMIP message (RFC 6047): multipart/alternative with a text, an HTML and a
`text/calendar; method=REQUEST` part (or CANCEL), which Gmail, Outlook and Apple Mail show as an
invitation with Accept/Decline.
"""

from __future__ import annotations

import asyncio
import html
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, parseaddr
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib
import structlog

from domain.notifications.email import Letter

log = structlog.get_logger(__name__)

SEND_TIMEOUT_S = 8.0
"""Below the task's 10 s timeout, so a hanging server fails the attempt (and it is retried) instead of the job."""
MAX_IDLE_CONNECTIONS = 4
"""SMTP connections a process keeps open between letters."""
IDLE_FOR_S = 20.0
"""A kept connection unused this long is closed rather than reused (servers drop idle clients, often after 30 s+)."""
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class BadSmtpUrl(ValueError):
    """SMTP_URL cannot be read; the message says what is wrong."""


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to hand mail over, read from SMTP_URL."""

    host: str
    port: int
    username: str | None = None
    password: str | None = None
    use_tls: bool = False
    """Implicit TLS from the first byte (smtps://, usually port 465)."""
    start_tls: bool | None = None
    """STARTTLS: True required, False never, None when the server offers it."""

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        """`smtp://user:pass@host:587?starttls=true` or `smtps://user:pass@host:465`."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise BadSmtpUrl("SMTP_URL must look like smtp://user:pass@host:587?starttls=true (or smtps://...)")
        query = {key.lower(): values[-1].lower() for key, values in parse_qs(parts.query).items()}
        start_tls = None
        if "starttls" in query:
            if query["starttls"] not in _TRUE | _FALSE:
                raise BadSmtpUrl("SMTP_URL's starttls must be true or false")
            start_tls = query["starttls"] in _TRUE
        implicit = parts.scheme == "smtps"
        try:
            port = parts.port or (465 if implicit else 25)
        except ValueError:
            raise BadSmtpUrl("SMTP_URL's port is not a number from 1 to 65535") from None
        return cls(
            host=parts.hostname,
            port=port,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            use_tls=implicit,
            start_tls=False if implicit else start_tls,
        )


class SmtpMailer:
    """Implements domain.notifications.email.Mailer, reusing SMTP connections between letters.

    Opening a conversation (TCP, EHLO, STARTTLS, AUTH) costs more than sending one invitation, so a
    connection that sent a letter is kept for the next one (up to MAX_IDLE_CONNECTIONS, each used by
    one letter at a time, for IDLE_FOR_S at most). A kept connection the server has closed meanwhile
    fails before any message is handed over: the letter is then sent on a new connection. Any other
    failure closes the connection and propagates, so the task retries.
    """

    def __init__(self, server: SmtpServer, *, mail_from: str) -> None:
        self._server = server
        self._mail_from = mail_from
        self._sender = parseaddr(mail_from)[1] or mail_from
        self._idle: list[tuple[aiosmtplib.SMTP, float]] = []

    async def send(self, letter: Letter) -> None:
        message = mime_message(letter, mail_from=self._mail_from)
        async with asyncio.timeout(SEND_TIMEOUT_S):
            kept = self._kept_connection()
            if kept is not None:
                try:
                    await self._send_on(kept, message, letter)
                    return
                except (aiosmtplib.SMTPServerDisconnected, ConnectionError):
                    log.info("smtp.kept_connection_closed", reason="the server closed it; sending on a new one")
            await self._send_on(await self._connect(), message, letter)

    async def _send_on(self, smtp: aiosmtplib.SMTP, message: EmailMessage, letter: Letter) -> None:
        try:
            await smtp.send_message(message, sender=self._sender, recipients=[letter.to_address])
        except BaseException:
            smtp.close()
            raise
        if len(self._idle) < MAX_IDLE_CONNECTIONS:
            self._idle.append((smtp, time.monotonic()))
        else:
            await _quit(smtp)

    def _kept_connection(self) -> aiosmtplib.SMTP | None:
        while self._idle:
            smtp, since = self._idle.pop()
            if smtp.is_connected and time.monotonic() - since < IDLE_FOR_S:
                return smtp
            smtp.close()
        return None

    async def _connect(self) -> aiosmtplib.SMTP:
        server = self._server
        smtp = aiosmtplib.SMTP(
            hostname=server.host,
            port=server.port,
            username=server.username,
            password=server.password,
            use_tls=server.use_tls,
            start_tls=server.start_tls,
            timeout=SEND_TIMEOUT_S,
        )
        await smtp.connect()
        return smtp

    async def close(self) -> None:
        """Say goodbye on every kept connection."""
        idle, self._idle = self._idle, []
        for smtp, _ in idle:
            await _quit(smtp)


async def _quit(smtp: aiosmtplib.SMTP) -> None:
    try:
        await smtp.quit()
    except (aiosmtplib.SMTPException, OSError):
        smtp.close()


def mime_message(letter: Letter, *, mail_from: str) -> EmailMessage:
    """The letter as a MIME message: text and HTML, and its calendar part (iMIP) when it has one."""
    name, address = parseaddr(mail_from)
    message = EmailMessage()
    message["From"] = formataddr((name or "planner", address or mail_from))
    message["To"] = formataddr((letter.to_name, letter.to_address))
    message["Subject"] = letter.subject
    message["Date"] = formatdate(localtime=False)
    domain = (address or mail_from).rpartition("@")[2] or "planner.invalid"
    message["Message-ID"] = f"<{letter.message_id}@{domain}>"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(_text(letter))
    message.add_alternative(_html(letter), subtype="html")
    if letter.calendar is not None and letter.method is not None:
        message.add_alternative(
            letter.calendar.decode("utf-8"), subtype="calendar", params={"method": letter.method.value}
        )
    return message


def _text(letter: Letter) -> str:
    lines = [letter.subject, "", letter.text]
    if letter.link:
        lines += ["", f"Open it in planner: {letter.link}"]
    return "\n".join(lines) + "\n"


def _html(letter: Letter) -> str:
    link = ""
    if letter.link:
        href = html.escape(letter.link, quote=True)
        link = f'<p><a href="{href}">Open it in planner</a></p>'
    return (
        "<!doctype html><html><body>"
        f"<h2>{html.escape(letter.subject)}</h2><p>{html.escape(letter.text)}</p>{link}"
        "</body></html>\n"
    )
