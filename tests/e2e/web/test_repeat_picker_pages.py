"""The repeat picker in the event form, through the pages: labelled inputs, bad choices refused next to them."""

from __future__ import annotations

import re

from tests.e2e.web.conftest import Visitors
from tests.e2e.web.test_event_pages import DAY, fields


async def test_the_new_event_form_has_a_labelled_repeat_picker(person: Visitors) -> None:
    ada, _ = await person("ada")

    form = (await ada.open(f"/events/new?date={DAY}&hour=9")).text

    assert '<label for="repeat">Repeats</label>' in form
    assert all(f'value="{kind}"' in form for kind in ("none", "daily", "weekdays", "weekly", "monthly", "yearly"))
    assert re.search(r'<span class="visually-hidden">Wednesday</span>', form)
    assert "on the first Tuesday" in form  # 4 March 2031 is the first Tuesday of its month
    assert 'for="repeat_until"' in form
    assert 'for="repeat_count"' in form


async def test_a_repeat_that_makes_no_rule_is_refused_next_to_its_input_keeping_the_form(person: Visitors) -> None:
    ada, _ = await person("ada")
    chosen = fields("Stand-up", "09:00", "09:15", repeat="custom", repeat_unit="DAILY", repeat_interval="0")

    refused = await ada.submit("/events/new", "/events/new", chosen)

    assert refused.status_code == 422
    assert 'id="repeat_interval-error"' in refused.text
    assert re.search(r'id="repeat_interval"[^>]*aria-invalid="true"', refused.text)
    assert re.search(r'<option value="custom" selected>', refused.text)
    assert 'value="Stand-up"' in refused.text


async def test_an_end_date_before_the_first_occurrence_is_refused(person: Visitors) -> None:
    ada, _ = await person("ada")
    chosen = fields("Stand-up", "09:00", "09:15", repeat="daily", repeat_ends="until", repeat_until="2031-03-01")

    refused = await ada.submit("/events/new", "/events/new", chosen)

    assert refused.status_code == 422
    assert "The last date cannot be before the first occurrence." in refused.text
