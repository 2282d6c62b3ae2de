"""My out-of-office ranges as a page: marked on my wall clock, listed, taken back; bad input named next to its field."""

from __future__ import annotations

import re

from tests.e2e.web.browsing import csrf_token
from tests.e2e.web.conftest import Visitors

AWAY = {"starts": "2031-07-14T00:00", "ends": "2031-07-26T00:00", "note": "Sailing"}


async def test_a_range_marked_on_the_page_is_kept_in_my_zone_listed_and_can_be_taken_back(person: Visitors) -> None:
    ada, _ = await person("ada")  # in Europe/Paris: UTC+2 in July

    empty = await ada.open("/out-of-office")
    marked = await ada.submit("/out-of-office", "/out-of-office", AWAY)
    listed = await ada.open("/out-of-office")
    stored = (await ada.api("GET", "/api/me/out-of-office")).json()["items"]

    assert empty.status_code == 200
    assert 'id="no-absences"' in empty.text
    assert (marked.status_code, marked.headers["location"]) == (303, "/out-of-office")
    assert [(a["starts_at"], a["ends_at"], a["note"]) for a in stored] == [
        ("2031-07-13T22:00:00Z", "2031-07-25T22:00:00Z", "Sailing")
    ]
    assert "Mon 14 Jul 2031 00:00" in listed.text
    assert "Sat 26 Jul 2031 00:00" in listed.text
    assert "Sailing" in listed.text

    removed = await ada.submit("/out-of-office", f"/out-of-office/{stored[0]['id']}/delete", {})
    assert (removed.status_code, removed.headers["location"]) == (303, "/out-of-office")
    assert (await ada.api("GET", "/api/me/out-of-office")).json()["items"] == []
    assert 'id="no-absences"' in (await ada.open("/out-of-office")).text


async def test_bad_ranges_are_named_next_to_their_field_and_nothing_is_kept(person: Visitors) -> None:
    ada, _ = await person("ada")

    missing = await ada.submit("/out-of-office", "/out-of-office", {**AWAY, "starts": ""})
    garbled = await ada.submit("/out-of-office", "/out-of-office", {**AWAY, "ends": "next tuesday"})
    backwards = await ada.submit("/out-of-office", "/out-of-office", {**AWAY, "ends": "2031-07-01T00:00"})
    too_long = await ada.submit("/out-of-office", "/out-of-office", {**AWAY, "ends": "2033-01-01T00:00"})
    long_note = await ada.submit("/out-of-office", "/out-of-office", {**AWAY, "note": "x" * 201})

    assert missing.status_code == 422
    assert 'id="starts-error"' in missing.text
    assert garbled.status_code == 422
    assert 'id="ends-error"' in garbled.text
    assert 'value="next tuesday"' in garbled.text
    assert backwards.status_code == 422
    assert re.search(r'id="ends-error"[^>]*>The end must be after the start', backwards.text)
    assert too_long.status_code == 422
    assert 'id="ends-error"' in too_long.text
    assert long_note.status_code == 422
    assert 'id="note-error"' in long_note.text
    assert (await ada.api("GET", "/api/me/out-of-office")).json()["items"] == []


async def test_a_form_without_its_csrf_token_is_refused_and_another_persons_range_is_left_alone(
    person: Visitors,
) -> None:
    ada, _ = await person("ada")
    bob, _ = await person("bob")
    await ada.submit("/out-of-office", "/out-of-office", AWAY)
    absence_id = (await ada.api("GET", "/api/me/out-of-office")).json()["items"][0]["id"]

    forged = await ada.post("/out-of-office", {**AWAY, "note": "forged"})
    forged_delete = await ada.post(f"/out-of-office/{absence_id}/delete", {})
    bobs_try = await bob.submit("/out-of-office", f"/out-of-office/{absence_id}/delete", {})

    assert forged.status_code == 403
    assert forged_delete.status_code == 403
    assert bobs_try.status_code == 303
    assert [a["note"] for a in (await ada.api("GET", "/api/me/out-of-office")).json()["items"]] == ["Sailing"]
    assert csrf_token((await bob.open("/out-of-office")).text)
