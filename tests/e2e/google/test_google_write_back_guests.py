"""Write-back and guests: participants become Google guests only for people who opt in."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.e2e.google.test_google_write_back import create, google_copy, settled, writing_back
from tests.fakes.google import FakeGoogle
from tests.support.google import Planner, running_worker
from tests.support.waiting import wait_for


async def test_by_default_no_guest_is_written_and_google_emails_nobody(
    planner: Planner, fake: FakeGoogle, engine: AsyncEngine
) -> None:
    async with running_worker(planner.settings):
        ada = await writing_back(planner, fake)
        bob = await planner.person("bob")
        event = await create(ada, "Planning", participants=[bob.email])
        copy = await google_copy(fake, event["id"], summary="Planning")
        assert "attendees" not in copy
        assert (await ada.delete(f"/api/events/{event['id']}")).status_code in (200, 204)
        await settled(planner, engine)

    writes = fake.writes()
    assert [call.method for call in writes] == ["POST", "DELETE"]
    assert all(call.query.get("sendUpdates") == "none" for call in writes)
    assert "attendees" not in (writes[0].body or {})
    shown = (await ada.get("/api/google/write-back")).json()
    assert shown["send_attendees"] is False


async def test_with_send_attendees_my_events_participants_are_google_guests_and_google_tells_them(
    planner: Planner, fake: FakeGoogle, engine: AsyncEngine
) -> None:
    async with running_worker(planner.settings):
        ada = await writing_back(planner, fake)
        bob, chen = await planner.person("bob"), await planner.person("chen")
        answer = await ada.put("/api/google/write-back", json={"google_calendar_id": "primary", "send_attendees": True})
        assert answer.status_code == 200, answer.text
        assert answer.json()["send_attendees"] is True
        assert (await ada.get("/api/google/write-back")).json()["send_attendees"] is True

        event = await create(ada, "Planning", participants=[bob.email])
        copy = await google_copy(fake, event["id"], summary="Planning")
        assert [guest["email"] for guest in copy["attendees"]] == [bob.email]  # Ada organizes: no guest

        added = await ada.post(f"/api/events/{event['id']}/participants", json={"email": chen.email})
        assert added.status_code in (200, 201), added.text

        async def both() -> bool:
            found = await google_copy(fake, event["id"])
            return sorted(g["email"] for g in found.get("attendees", [])) == sorted([bob.email, chen.email])

        await wait_for(both, timeout=15, what="Chen as a Google guest too")
        await settled(planner, engine)

    writes = fake.writes()
    assert writes
    assert all(call.query.get("sendUpdates") == "all" for call in writes)
    assert ada.email not in {g["email"] for call in writes for g in (call.body or {}).get("attendees", [])}

    # Switched off again: later writes carry no guests and tell nobody.
    answer = await ada.put("/api/google/write-back", json={"google_calendar_id": "primary"})
    assert answer.json()["send_attendees"] is False
