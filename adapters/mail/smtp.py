"""Sending letters through an SMTP server with `aiosmtplib`; the letter becomes a MIME message here.

An invitation is an iMIP message (RFC 6047): multipart/alternative with a text, an HTML and a
`text/calendar; method=REQUEST` part (or CANCEL), which Gmail, Outlook and Apple Mail show as an
invitation with Accept/Decline.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, parseaddr
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from domain.notifications.email import Letter

SEND_TIMEOUT_S = 8.0
"""Below the task's 10 s timeout, so a hanging server fails the attempt (and it is retried) instead of the job."""
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
    """Implements domain.notifications.email.Mailer: one SMTP conversation per letter."""

    def __init__(self, server: SmtpServer, *, mail_from: str) -> None:
        self._server = server
        self._mail_from = mail_from
        self._sender = parseaddr(mail_from)[1] or mail_from

    async def send(self, letter: Letter) -> None:
        server = self._server
        await aiosmtplib.send(
            mime_message(letter, mail_from=self._mail_from),
            sender=self._sender,
            recipients=[letter.to_address],
            hostname=server.host,
            port=server.port,
            username=server.username,
            password=server.password,
            use_tls=server.use_tls,
            start_tls=server.start_tls,
            timeout=SEND_TIMEOUT_S,
        )


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
