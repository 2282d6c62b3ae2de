"""My working hours as a page: shown as typed spans, saved for "Find a time" and the grid, bad input named."""

from __future__ import annotations

from tests.e2e.web.conftest import Visitors

WEEK = {"mon": "08:00-12:00, 13:00-16:30", "tue": "08:00-16:30", "wed": "", "thu": "8:00-16:30", "fri": "08:00-12:00"}


async def test_my_working_hours_start_at_the_default_week_and_are_saved_as_typed(person: Visitors) -> None:
    ada, _ = await person("ada")  # in Europe/Paris

    shown = await ada.open("/working-hours")
    saved = await ada.submit("/working-hours", "/working-hours", {"timezone": "Europe/Berlin", **WEEK})
    stored = await ada.api("GET", "/api/me/working-hours")

    assert shown.status_code == 200
    assert 'id="mon" name="mon" value="09:00-17:00"' in shown.text
    assert 'id="sat" name="sat" value=""' in shown.text
    assert 'value="Europe/Paris"' in shown.text
    assert (saved.status_code, saved.headers["location"]) == (303, "/working-hours?saved=true")
    assert stored.json() == {
        "timezone": "Europe/Berlin",
        "days": {
            "mon": [["08:00", "12:00"], ["13:00", "16:30"]],
            "tue": [["08:00", "16:30"]],
            "wed": [],
            "thu": [["08:00", "16:30"]],
            "fri": [["08:00", "12:00"]],
            "sat": [],
            "sun": [],
        },
    }
    again = await ada.open("/working-hours?saved=true")
    assert 'id="mon" name="mon" value="08:00-12:00, 13:00-16:30"' in again.text
    assert 'id="saved"' in again.text


async def test_hours_that_do_not_read_are_named_next_to_their_day_and_nothing_is_saved(person: Visitors) -> None:
    ada, _ = await person("ada")

    garbled = await ada.submit("/working-hours", "/working-hours", {"timezone": "Europe/Paris", "mon": "nine to five"})
    backwards = await ada.submit("/working-hours", "/working-hours", {"timezone": "Europe/Paris", "tue": "17:00-09:00"})
    overlapping = await ada.submit(
        "/working-hours", "/working-hours", {"timezone": "Europe/Paris", "wed": "09:00-13:00, 12:00-17:00"}
    )
    nowhere = await ada.submit("/working-hours", "/working-hours", {"timezone": "Mars/Olympus", "mon": "09:00-17:00"})

    assert garbled.status_code == 422
    assert 'id="mon-error"' in garbled.text
    assert 'value="nine to five"' in garbled.text
    assert backwards.status_code == 422
    assert 'id="tue-error"' in backwards.text
    assert overlapping.status_code == 422
    assert 'id="wed-error"' in overlapping.text
    assert nowhere.status_code == 422
    assert 'id="timezone-error"' in nowhere.text
    stored = await ada.api("GET", "/api/me/working-hours")
    assert stored.json()["days"]["mon"] == [["09:00", "17:00"]]
