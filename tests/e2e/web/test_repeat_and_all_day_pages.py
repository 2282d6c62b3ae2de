"""The event form's time choices through the pages: the repeat picker, and all-day events as dates."""

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


async def test_an_all_day_event_made_in_the_form_covers_its_dates_whatever_times_were_typed(person: Visitors) -> None:
    ada, _ = await person("ada")
    chosen = fields("Offsite", "09:00", "10:00", timezone="Europe/Berlin", all_day="on")
    chosen["ends"] = "2031-03-05T10:00"

    made = await ada.submit("/events/new", "/events/new", chosen)
    assert made.status_code == 303, made.text
    shown = await ada.open(made.headers["location"])
    edit = await ada.open(made.headers["location"] + "/edit")
    week = await ada.open(f"/?date={DAY}")

    assert "Tuesday 04 March 2031</time> &ndash; <time" in shown.text
    assert "Wednesday 05 March 2031" in shown.text
    assert re.search(r'id="all_day" name="all_day" checked', edit.text)
    assert 'value="2031-03-04T00:00"' in edit.text
    assert 'value="2031-03-05T00:00"' in edit.text
    all_day_lists = re.findall(r'aria-label="All-day events on (\w+ \d+ \w+)">(.*?)</ul>', week.text, re.S)
    assert [day for day, items in all_day_lists if "Offsite" in items] == ["Tuesday 04 March", "Wednesday 05 March"]


async def test_an_all_day_event_whose_last_day_is_before_its_first_is_refused(person: Visitors) -> None:
    ada, _ = await person("ada")
    chosen = fields("Offsite", "09:00", "10:00", all_day="on")
    chosen["ends"] = "2031-03-03T10:00"

    refused = await ada.submit("/events/new", "/events/new", chosen)

    assert refused.status_code == 422
    assert "The last day cannot be before the first." in refused.text
