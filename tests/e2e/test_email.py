"""Email through a real SMTP server (aiosmtpd): iMIP invitations, changes and cancellations, each sent once.

The app, a real worker and the test's SMTP server; every message is read back with `icalendar`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine

from entrypoints.settings import MailSettings, Settings
from tests.e2e.delivery import all_processed, notifications_of, rows
from tests.e2e.people import Person, at, sign_up
from tests.support.mailbox import Mailbox, Received, smtp_server
from tests.support.waiting import wait_for

MAIL_FROM = "calendar@planner.example"


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as mailbox:
        yield mailbox


@pytest.fixture
def settings(settings: Settings, mailbox: Mailbox) -> Settings:
    return dataclasses.replace(settings, mail=MailSettings(smtp_url=mailbox.url, mail_from=MAIL_FROM))


async def _mail_to(mailbox: Mailbox, person: Person, count: int, engine: AsyncEngine) -> list[Received]:
    async def arrived() -> bool:
        return len(mailbox.to(person.email)) >= count and await all_processed(engine)

    await wait_for(arrived, timeout=15, what=f"{count} email(s) to {person.email}")
    return mailbox.to(person.email)


async def test_an_invitation_a_change_and_a_cancellation_reach_the_invitee_as_imip(
    client: AsyncTestClient[Litestar], worker: None, mailbox: Mailbox, engine: AsyncEngine
) -> None:
    ada, bob = await sign_up(client, "ada"), await sign_up(client, "bob")
    created = await ada.post(
        "/api/events",
        json={
            "title": "Weekly planning",
            "starts_at": at(10),
            "ends_at": at(11),
            "timezone": "Europe/Berlin",
            "participants": [bob.email],
            "recurrence": {"rule": "FREQ=WEEKLY;COUNT=5"},
        },
    )
    assert created.status_code == 201, created.text
    event_id = created.json()["id"]

    (invitation,) = await _mail_to(mailbox, bob, 1, engine)
    assert invitation.sender == MAIL_FROM
    assert {p.get_content_type() for p in invitation.message.walk()} >= {"text/plain", "text/html", "text/calendar"}
    part = invitation.calendar_part
    assert part is not None
    assert part.get_param("method") == "REQUEST"
    calendar = invitation.calendar
    assert calendar is not None
    assert calendar["METHOD"] == "REQUEST"
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["UID"]) == event_id
    assert str(vevent["SUMMARY"]) == "Weekly planning"
    assert str(vevent["ORGANIZER"]).lower() == f"mailto:{ada.email}"
    attendees = vevent["ATTENDEE"] if isinstance(vevent["ATTENDEE"], list) else [vevent["ATTENDEE"]]
    assert [str(a).lower() for a in attendees] == [f"mailto:{bob.email}"]
    assert attendees[0].params["PARTSTAT"] == "NEEDS-ACTION"
    assert attendees[0].params["RSVP"] == "TRUE"
    assert vevent["RRULE"].to_ical() == b"FREQ=WEEKLY;COUNT=5"
    first_sequence = int(vevent["SEQUENCE"])
    assert f"/events/{event_id}" in invitation.message.get_body(("plain",)).get_content()  # type: ignore[union-attr]

    moved = await ada.patch(f"/api/events/{event_id}", json={"starts_at": at(12), "ends_at": at(13)})
    assert moved.status_code == 200, moved.text
    _, change = await _mail_to(mailbox, bob, 2, engine)
    changed = change.calendar
    assert changed is not None
    assert changed["METHOD"] == "REQUEST"
    (changed_event,) = changed.walk("VEVENT")
    assert int(changed_event["SEQUENCE"]) > first_sequence
    assert str(changed_event["UID"]) == event_id

    assert (await ada.delete(f"/api/events/{event_id}")).status_code == 204
    _, _, cancellation = await _mail_to(mailbox, bob, 3, engine)
    cancelled = cancellation.calendar
    assert cancelled is not None
    assert cancelled["METHOD"] == "CANCEL"
    assert cancellation.calendar_part is not None
    assert cancellation.calendar_part.get_param("method") == "CANCEL"
    (cancelled_event,) = cancelled.walk("VEVENT")
    assert str(cancelled_event["STATUS"]) == "CANCELLED"
    assert int(cancelled_event["SEQUENCE"]) > int(changed_event["SEQUENCE"])

    # Each email once, each with its own Message-ID; ada (who made every change) got none.
    assert len({mail.message_id for mail in mailbox.to(bob.email)}) == 3
    assert mailbox.to(ada.email) == []
    (queued,) = await rows(engine, "SELECT count(*) AS n, count(sent_at) AS sent FROM outgoing_emails")
    assert (queued.n, queued.sent) == (3, 3)


async def test_preferences_choose_between_the_app_and_email_per_kind(
    client: AsyncTestClient[Litestar], worker: None, mailbox: Mailbox, engine: AsyncEngine
) -> None:
    ada, bob, cy = await sign_up(client, "ada"), await sign_up(client, "bob"), await sign_up(client, "cy")
    shown = await bob.get("/api/me/notification-preferences")
    assert shown.status_code == 200
    assert shown.json() == {
        "event_invited": ["in_app", "email"],
        "event_updated": ["in_app", "email"],
        "event_cancelled": ["in_app", "email"],
        "event_reminder": ["in_app"],
        "participant_response": ["in_app"],
        "email_enabled": True,
    }
    # bob: invitations by email only; cy: invitations in the app only.
    chosen = await bob.client.put(
        "/api/me/notification-preferences", json={"event_invited": ["email"]}, headers=bob.auth
    )
    assert chosen.status_code == 200, chosen.text
    assert chosen.json()["event_invited"] == ["email"]
    assert chosen.json()["event_updated"] == ["in_app", "email"]
    assert (
        await cy.client.put("/api/me/notification-preferences", json={"event_invited": ["in_app"]}, headers=cy.auth)
    ).status_code == 200

    created = await ada.post(
        "/api/events",
        json={"title": "Review", "starts_at": at(9), "ends_at": at(10), "participants": [bob.email, cy.email]},
    )
    assert created.status_code == 201
    await _mail_to(mailbox, bob, 1, engine)

    assert await notifications_of(engine, bob.id, "event_invited") == []
    assert len(await notifications_of(engine, cy.id, "event_invited")) == 1
    assert mailbox.to(cy.email) == []


async def test_bad_preferences_are_refused_with_a_problem(client: AsyncTestClient[Litestar]) -> None:
    bob = await sign_up(client, "bob")
    for body in ({"event_invited": ["pigeon"]}, {"event_invitd": ["email"]}, {"event_invited": "email"}):
        answer = await bob.client.put("/api/me/notification-preferences", json=body, headers=bob.auth)
        assert answer.status_code in (400, 422), (body, answer.text)
        assert answer.headers["content-type"].startswith("application/problem+json")


async def test_a_participant_taken_off_the_guest_list_gets_a_cancel_for_them_alone_as_they_chose(
    client: AsyncTestClient[Litestar], worker: None, mailbox: Mailbox, engine: AsyncEngine
) -> None:
    ada, bob, cy = await sign_up(client, "ada"), await sign_up(client, "bob"), await sign_up(client, "cy")
    # cy wants cancellations in the app only.
    chosen = await cy.client.put(
        "/api/me/notification-preferences", json={"event_cancelled": ["in_app"]}, headers=cy.auth
    )
    assert chosen.status_code == 200, chosen.text
    created = await ada.post(
        "/api/events",
        json={"title": "Review", "starts_at": at(9), "ends_at": at(10), "participants": [bob.email, cy.email]},
    )
    assert created.status_code == 201, created.text
    event_id = created.json()["id"]
    await _mail_to(mailbox, bob, 1, engine)
    await _mail_to(mailbox, cy, 1, engine)

    assert (await ada.delete(f"/api/events/{event_id}/participants/{bob.id}")).status_code == 204
    assert (await ada.patch(f"/api/events/{event_id}", json={"participants": []})).status_code == 200
    _, taken_off = await _mail_to(mailbox, bob, 2, engine)

    calendar = taken_off.calendar
    assert calendar is not None
    assert calendar["METHOD"] == "CANCEL"
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["UID"]) == event_id
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert str(vevent["ATTENDEE"]).lower() == f"mailto:{bob.email}"
    assert str(vevent["ORGANIZER"]).lower() == f"mailto:{ada.email}"
    # cy, taken off by the guest list's replacement, is told in the app only, as she chose.
    told = await notifications_of(engine, cy.id, "event_cancelled")
    assert len(told) == 1
    assert len(mailbox.to(cy.email)) == 1
    assert len(await notifications_of(engine, bob.id, "event_cancelled")) == 1


async def test_one_cancelled_occurrence_reaches_the_invitee_as_a_cancel_of_that_instance(
    client: AsyncTestClient[Litestar], worker: None, mailbox: Mailbox, engine: AsyncEngine
) -> None:
    ada, bob = await sign_up(client, "ada"), await sign_up(client, "bob")
    created = await ada.post(
        "/api/events",
        json={
            "title": "Standup",
            "starts_at": at(9),
            "ends_at": at(9, 30),
            "timezone": "Europe/Berlin",
            "participants": [bob.email],
            "recurrence": {"rule": "FREQ=DAILY;COUNT=5"},
        },
    )
    assert created.status_code == 201, created.text
    event_id = created.json()["id"]
    await _mail_to(mailbox, bob, 1, engine)
    second = datetime.fromisoformat(at(9)) + timedelta(days=1)

    cancelled = await ada.delete(f"/api/events/{event_id}/occurrences/{second.isoformat()}")
    assert cancelled.status_code == 204, cancelled.text
    _, cancellation = await _mail_to(mailbox, bob, 2, engine)

    calendar = cancellation.calendar
    assert calendar is not None
    assert calendar["METHOD"] == "CANCEL"
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["UID"]) == event_id
    assert vevent["RECURRENCE-ID"].dt == second
    assert "RRULE" not in vevent
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert str(vevent["ORGANIZER"]).lower() == f"mailto:{ada.email}"
