"""Sending a queued email on the real PostgreSQL to a real SMTP server: once, and what a crash does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID

import aiosmtplib
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.ics.writer import IcalendarWriter
from adapters.mail.smtp import SmtpMailer, SmtpServer
from application.notifications.notify_about import store_notifications
from application.notifications.send_email import EmailOutcome, MailPorts, send_email
from application.scheduling.cancel_event import cancel_event
from application.scheduling.dto import CancelEvent
from domain.notifications.email import EmailBeingSent, Letter, Mailer
from domain.notifications.notification import NotificationDraft, NotificationType
from tests.integration.scheduling.office import PostgresOffice
from tests.support.mailbox import Mailbox, smtp_server

FROM = "calendar@planner.example"


class WorkerKilled(Exception):
    """Stands for the worker dying right after the SMTP server took the message, before the commit."""


class DiesAfterSending:
    """Hands the letter to the SMTP server, then dies before anything is committed."""

    def __init__(self, mailer: Mailer) -> None:
        self._mailer = mailer

    async def send(self, letter: Letter) -> None:
        await self._mailer.send(letter)
        raise WorkerKilled


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as mailbox:
        yield mailbox


def mail_ports(office: PostgresOffice, mailer: Mailer) -> MailPorts:
    return MailPorts(
        mailer=mailer, writer=IcalendarWriter(), clock=office.clock, event_link=lambda e: f"http://planner/events/{e}"
    )


def smtp_to(mailbox: Mailbox) -> SmtpMailer:
    return SmtpMailer(SmtpServer.from_url(mailbox.url), mail_from=FROM)


async def queued_invitation(office: PostgresOffice) -> tuple[UUID, UUID]:
    """An event inviting bob, and the id of bob's queued invitation email."""
    ada, bob = await office.person(name="Ada"), await office.person(name="Bob")
    event = await office.event(ada, participants=[bob.email])
    draft = NotificationDraft(
        user_id=bob.id,
        type=NotificationType.EVENT_INVITED,
        title="Invitation: Planning",
        message="Ada invited you to Planning",
        event_id=event.id,
        dedupe_key=f"invited:{event.id}:{bob.id}",
    )
    uow = office.unit_of_work()
    async with uow:
        await store_notifications(uow, [draft], email=True)
        await uow.commit()
    (email,) = await office.rows("SELECT id FROM outgoing_emails")
    return event.id, email.id


async def test_an_email_is_sent_once_however_often_its_job_runs(
    sessions: async_sessionmaker[AsyncSession], office: PostgresOffice, mailbox: Mailbox
) -> None:
    _, email_id = await queued_invitation(office)
    ports = mail_ports(office, smtp_to(mailbox))

    first = await send_email(email_id, uow=office.unit_of_work(), mail=ports)
    again = await send_email(email_id, uow=office.unit_of_work(), mail=ports)

    assert (first, again) == (EmailOutcome.SENT, EmailOutcome.SENT_BEFORE)
    (received,) = mailbox.all()
    assert received.message_id.startswith(f"<{email_id}.planner@")
    (row,) = await office.rows("SELECT sent_at FROM outgoing_emails")
    assert row.sent_at is not None


async def test_telling_the_same_news_twice_queues_one_email(office: PostgresOffice) -> None:
    await queued_invitation(office)
    (draft_key,) = await office.rows("SELECT dedupe_key FROM outgoing_emails")
    (bob,) = await office.rows("SELECT user_id FROM outgoing_emails")
    again = NotificationDraft(
        user_id=bob.user_id,
        type=NotificationType.EVENT_INVITED,
        title="Invitation: Planning",
        message="Ada invited you to Planning",
        event_id=None,
        dedupe_key=draft_key.dedupe_key.removeprefix("email:"),
    )
    uow = office.unit_of_work()
    async with uow:
        await store_notifications(uow, [again], email=True)
        await uow.commit()
    assert len(await office.rows("SELECT id FROM outgoing_emails")) == 1
    assert len(await office.rows("SELECT id FROM outbox WHERE name = 'email_queued'")) == 1


async def test_a_worker_dying_between_sending_and_committing_sends_it_again_under_the_same_message_id(
    office: PostgresOffice, mailbox: Mailbox
) -> None:
    # The at-least-once edge docs/email.md describes: the server has the message, the database does not know.
    _, email_id = await queued_invitation(office)

    with pytest.raises(WorkerKilled):
        await send_email(
            email_id, uow=office.unit_of_work(), mail=mail_ports(office, DiesAfterSending(smtp_to(mailbox)))
        )
    (row,) = await office.rows("SELECT sent_at FROM outgoing_emails")
    assert row.sent_at is None

    assert await send_email(email_id, uow=office.unit_of_work(), mail=mail_ports(office, smtp_to(mailbox))) == (
        EmailOutcome.SENT
    )
    assert await send_email(email_id, uow=office.unit_of_work(), mail=mail_ports(office, smtp_to(mailbox))) == (
        EmailOutcome.SENT_BEFORE
    )
    copies = mailbox.all()
    assert len(copies) == 2
    assert copies[0].message_id == copies[1].message_id


async def test_an_email_another_worker_is_sending_is_left_to_it(
    sessions: async_sessionmaker[AsyncSession], office: PostgresOffice, mailbox: Mailbox
) -> None:
    _, email_id = await queued_invitation(office)
    holder = office.unit_of_work()
    async with holder:
        assert await holder.emails.claim(email_id) is not None  # locked until this block ends

        with pytest.raises(EmailBeingSent):
            await send_email(email_id, uow=office.unit_of_work(), mail=mail_ports(office, smtp_to(mailbox)))

    assert mailbox.all() == []


async def test_an_email_the_server_does_not_take_stays_queued_for_the_retry(
    office: PostgresOffice, mailbox: Mailbox
) -> None:
    _, email_id = await queued_invitation(office)
    with smtp_server() as gone:
        nobody_listens = SmtpMailer(SmtpServer.from_url(gone.url), mail_from=FROM)
    with pytest.raises(aiosmtplib.SMTPConnectError):
        await send_email(email_id, uow=office.unit_of_work(), mail=mail_ports(office, nobody_listens))
    (row,) = await office.rows("SELECT sent_at FROM outgoing_emails")
    assert row.sent_at is None

    assert await send_email(email_id, uow=office.unit_of_work(), mail=mail_ports(office, smtp_to(mailbox))) == (
        EmailOutcome.SENT
    )
    assert len(mailbox.all()) == 1


async def test_an_invitation_to_an_event_called_off_before_it_went_out_is_dropped(
    office: PostgresOffice, mailbox: Mailbox
) -> None:
    event_id, email_id = await queued_invitation(office)
    (organizer,) = await office.rows("SELECT organizer_id FROM events WHERE id = :id", id=event_id)
    await cancel_event(
        CancelEvent(event_id=event_id, actor_id=organizer.organizer_id), uow=office.unit_of_work(), clock=office.clock
    )

    outcome = await send_email(email_id, uow=office.unit_of_work(), mail=mail_ports(office, smtp_to(mailbox)))

    assert outcome is EmailOutcome.DROPPED
    assert mailbox.all() == []
    (row,) = await office.rows("SELECT sent_at, dropped_at FROM outgoing_emails")
    assert (row.sent_at, row.dropped_at is not None) == (None, True)


def a_letter(n: int) -> Letter:
    return Letter(message_id=f"reuse-{n}.planner", to_address=f"p{n}@example.com", to_name="P", subject="s", text="t")


async def test_letters_in_a_row_share_one_smtp_connection() -> None:
    connections: list[object] = []

    class Counting(Mailbox):
        async def handle_EHLO(self, server: Any, session: Any, envelope: Any, hostname: str, responses: Any) -> Any:  # noqa: N802
            connections.append(session)
            session.host_name = hostname
            return responses

    with smtp_server(Counting()) as mailbox:
        mailer = smtp_to(mailbox)
        for n in range(3):
            await mailer.send(a_letter(n))
        await mailer.close()

    assert [mail.message_id for mail in mailbox.all()] == [f"<reuse-{n}.planner@planner.example>" for n in range(3)]
    assert len({id(session) for session in connections}) == 1


async def test_a_kept_connection_the_server_closed_is_replaced_and_the_letter_sent_once() -> None:
    with smtp_server() as first:
        mailer = smtp_to(first)
        await mailer.send(a_letter(1))
    # That server is gone, with the connection the mailer kept; a new one listens on the same port.
    with smtp_server(port=first.port) as second:
        await mailer.send(a_letter(2))
        await mailer.close()

    assert [mail.message_id for mail in second.all()] == ["<reuse-2.planner@planner.example>"]
