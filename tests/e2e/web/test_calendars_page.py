"""The calendars page: each calendar I may add to has Subscribe and Import .ics, wired to the calendar's routes."""

from __future__ import annotations

from tests.e2e.web.conftest import Visitors


async def test_each_calendar_i_may_add_to_has_subscribe_and_import(person: Visitors) -> None:
    ada, _ = await person("ada")
    team = await ada.api("POST", "/api/calendars", {"name": "Product team", "color": "#16a34a"})
    assert team.status_code == 201, team.text
    team_id = team.json()["id"]

    page = (await ada.open("/calendars")).text

    assert f'data-subscribe="/api/calendars/{team_id}/feed"' in page
    assert f'data-import="/api/calendars/{team_id}/import"' in page
    assert f'<label for="import-{team_id}">Import .ics into Product team</label>' in page
    assert page.count('data-subscribe="/api/calendars/') == 2  # Ada's own calendar and the team's
    assert 'href="/calendars"' in (await ada.open("/")).text
