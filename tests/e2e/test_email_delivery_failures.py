"""A worker killed (SIGKILL) in the middle of sending email: every email still arrives, none under two Message-IDs."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine

from entrypoints.settings import MailSettings, Settings
from tests.e2e.delivery import all_processed, in_process_worker, kill_hard, rows, worker_process
from tests.e2e.people import at, sign_up
from tests.support.mailbox import Mailbox, smtp_server
from tests.support.waiting import wait_for

pytestmark = pytest.mark.slow

INVITATIONS = 30
WORKER_CONCURRENCY = 20  # entrypoints/worker/settings.py: at most this many emails are in flight in one worker


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as mailbox:
        mailbox.answer_after_s = 0.5  # each message is in the server, unanswered, for half a second
        yield mailbox


@pytest.fixture
def settings(settings: Settings, mailbox: Mailbox) -> Settings:
    return dataclasses.replace(settings, mail=MailSettings(smtp_url=mailbox.url, mail_from="calendar@planner.example"))


async def test_a_worker_killed_while_sending_loses_no_email_and_resends_only_under_the_same_message_id(
    client: AsyncTestClient[Litestar], settings: Settings, engine: AsyncEngine, mailbox: Mailbox, tmp_path: Path
) -> None:
    ada, bob = await sign_up(client, "ada"), await sign_up(client, "bob")
    for n in range(INVITATIONS):
        created = await ada.post(
            "/api/events",
            json={"title": f"Meeting {n}", "starts_at": at(8, n), "ends_at": at(9, n), "participants": [bob.email]},
        )
        assert created.status_code == 201, created.text

    with worker_process(settings, tmp_path / "killed-worker.log") as doomed:
        await wait_for(lambda: _received(mailbox, 5), timeout=60, what="the worker to be sending invitations")
        kill_hard(doomed)
    received_before_the_kill = len(mailbox.to(bob.email))
    assert received_before_the_kill < INVITATIONS, "the worker finished before it was killed: nothing was tested"

    async with in_process_worker(settings):

        async def all_sent() -> bool:
            (left,) = await rows(engine, "SELECT count(*) AS n FROM outgoing_emails WHERE sent_at IS NULL")
            return left.n == 0 and await all_processed(engine)

        # A dead worker's jobs are retried once past their timeout (30 s for send_email), and SAQ sweeps
        # them one by one, waiting 5 s on each for an abort nobody answers: up to WORKER_CONCURRENCY x 5 s.
        await wait_for(all_sent, timeout=30 + WORKER_CONCURRENCY * 5 + 60, what="every queued email to be sent")

    queued = await rows(engine, "SELECT id FROM outgoing_emails")
    assert len(queued) == INVITATIONS
    received = mailbox.to(bob.email)
    message_ids = {mail.message_id for mail in received}
    assert message_ids == {f"<{row.id}.planner@planner.example>" for row in queued}, "an email was lost"
    # Only what was in flight when the worker died can arrive twice, and then under its first Message-ID.
    assert len(received) - INVITATIONS <= WORKER_CONCURRENCY


async def _received(mailbox: Mailbox, count: int) -> bool:
    return len(mailbox.all()) >= count
