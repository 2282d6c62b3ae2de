"""A recurring meeting through the pages: made with the repeat picker, marked in the week, changed and
cancelled for this occurrence, this and the following ones, or all of them."""

from __future__ import annotations

import re

from tests.e2e.web.browsing import Visitor
from tests.e2e.web.conftest import Visitors

# Tuesdays within the two years ahead that a series' occurrences are stored for.
WEEKS = ["2027-06-01", "2027-06-08", "2027-06-15", "2027-06-22"]
DAY = WEEKS[0]


def fields(title: str, start: str, end: str, *, day: str = DAY, **more: object) -> dict[str, object]:
    return {"title": title, "starts": f"{day}T{start}", "ends": f"{day}T{end}", "timezone": "UTC", **more}


async def weekly_stand_up(ada: Visitor, **more: object) -> str:
    chosen = fields("Stand-up", "09:00", "09:15", repeat="weekly", repeat_days="TU", repeat_ends="count")
    made = await ada.submit("/events/new", "/events/new", chosen | {"repeat_count": "3"} | more)
    assert made.status_code == 303, made.text
    return str(made.headers["location"])


async def titles_by_week(ada: Visitor) -> list[list[str]]:
    weeks = [(await ada.open(f"/?date={day}")).text for day in WEEKS]
    return [re.findall(r'<span class="event-title">([^<]+)</span>', week) for week in weeks]


def occurrence_link(week: str) -> str:
    found = re.search(r'href="(/events/[0-9a-f-]{36}/occurrences/[0-9TZ:-]+)"', week)
    assert found, "no occurrence in that week"
    return found.group(1)


async def test_a_weekly_series_made_in_the_form_shows_in_each_week_with_a_repeat_mark(person: Visitors) -> None:
    ada, _ = await person("ada")

    series = await weekly_stand_up(ada)

    assert "Every week on Tuesday, 3 times" in (await ada.open(series)).text
    assert await titles_by_week(ada) == [["Stand-up"], ["Stand-up"], ["Stand-up"], []]
    week = (await ada.open(f"/?date={DAY}")).text
    assert 'class="repeat-mark" role="img" aria-label="Repeats"' in week
    assert occurrence_link(week).endswith("/occurrences/2027-06-01T09:00:00Z")
    edit = (await ada.open(f"{series}/edit")).text
    assert re.search(r'<option value="weekly" selected>', edit)
    assert re.search(r'name="repeat_days" value="TU" checked', edit)


async def test_changing_this_occurrence_changes_only_it(person: Visitors) -> None:
    ada, _ = await person("ada")
    await weekly_stand_up(ada)
    second = occurrence_link((await ada.open(f"/?date={WEEKS[1]}")).text)
    form = (await ada.open(f"{second}/edit")).text
    assert 'name="scope" value="this" checked' in form
    # The rule is the series': the repeat picker is there for "this and following" only.
    assert re.search(r'id="repeat-picker" data-repeat-picker data-scope-show="following"', form)

    changed = await ada.submit(
        f"{second}/edit",
        f"{second}/edit",
        fields("Long stand-up", "09:00", "09:45", scope="this", day=WEEKS[1]),
    )

    assert changed.status_code == 303, changed.text
    assert await titles_by_week(ada) == [["Stand-up"], ["Long stand-up"], ["Stand-up"], []]


async def test_changing_all_events_from_an_occurrence_changes_every_one(person: Visitors) -> None:
    ada, _ = await person("ada")
    await weekly_stand_up(ada)
    second = occurrence_link((await ada.open(f"/?date={WEEKS[1]}")).text)

    changed = await ada.submit(
        f"{second}/edit",
        f"{second}/edit",
        fields("Daily sync", "10:00", "10:15", scope="all", day=WEEKS[1]),
    )

    assert changed.status_code == 303, changed.text
    assert await titles_by_week(ada) == [["Daily sync"], ["Daily sync"], ["Daily sync"], []]
    assert "10:00" in (await ada.open(f"/?date={WEEKS[0]}")).text


async def test_changing_this_and_following_splits_the_series(person: Visitors) -> None:
    ada, _ = await person("ada")
    await weekly_stand_up(ada)
    second = occurrence_link((await ada.open(f"/?date={WEEKS[1]}")).text)

    changed = await ada.submit(
        f"{second}/edit",
        f"{second}/edit",
        fields("New stand-up", "09:00", "09:15", scope="following", day=WEEKS[1]),
    )

    assert changed.status_code == 303, changed.text
    assert await titles_by_week(ada) == [["Stand-up"], ["New stand-up"], ["New stand-up"], []]


async def test_this_and_following_starts_from_the_rule_as_it_goes_on_from_that_date(person: Visitors) -> None:
    ada, _ = await person("ada")
    await weekly_stand_up(ada)
    second = occurrence_link((await ada.open(f"/?date={WEEKS[1]}")).text)

    form = (await ada.open(f"{second}/edit")).text

    assert re.search(r'<option value="weekly" selected>', form)
    assert re.search(r'name="repeat_days" value="TU" checked', form)
    assert re.search(r'name="repeat_ends" value="count" checked', form)
    assert re.search(r'id="repeat_count" name="repeat_count" [^>]*value="2"', form)  # 2 of the 3 are left


async def test_this_and_following_with_another_rule_repeats_the_following_ones_by_it(person: Visitors) -> None:
    ada, _ = await person("ada")
    await weekly_stand_up(ada)
    second = occurrence_link((await ada.open(f"/?date={WEEKS[1]}")).text)
    form = (await ada.open(f"{second}/edit")).text
    revision = re.search(r'name="revision" value="([0-9a-f]+)"', form)
    assert revision, "the form carries the occurrence's revision"

    # From the second Tuesday on: every two weeks, on Tuesdays, with no end.
    every_other_week = {
        "repeat": "custom",
        "repeat_interval": "2",
        "repeat_unit": "WEEKLY",
        "repeat_days": "TU",
        "repeat_ends": "never",
        "revision": revision.group(1),
    }
    changed = await ada.submit(
        f"{second}/edit",
        f"{second}/edit",
        fields("Stand-up", "09:00", "09:15", scope="following", day=WEEKS[1], **every_other_week),
    )

    assert changed.status_code == 303, changed.text
    assert await titles_by_week(ada) == [["Stand-up"], ["Stand-up"], [], ["Stand-up"]]
    following = (await ada.open(str(changed.headers["location"]))).text
    assert "Every 2 weeks on Tuesday" in following


async def test_this_and_following_with_the_repeat_left_as_it_was_keeps_the_rule(person: Visitors) -> None:
    ada, _ = await person("ada")
    await weekly_stand_up(ada)
    second = occurrence_link((await ada.open(f"/?date={WEEKS[1]}")).text)
    as_shown = {"repeat": "weekly", "repeat_days": "TU", "repeat_ends": "count", "repeat_count": "2"}

    changed = await ada.submit(
        f"{second}/edit",
        f"{second}/edit",
        fields("New stand-up", "09:00", "09:15", scope="following", day=WEEKS[1], **as_shown),
    )

    assert changed.status_code == 303, changed.text
    assert await titles_by_week(ada) == [["Stand-up"], ["New stand-up"], ["New stand-up"], []]


async def test_a_stale_occurrence_form_is_refused_with_the_form_kept(person: Visitors) -> None:
    ada, _ = await person("ada")
    await weekly_stand_up(ada)
    second = occurrence_link((await ada.open(f"/?date={WEEKS[1]}")).text)
    form = (await ada.open(f"{second}/edit")).text
    revision = re.search(r'name="revision" value="([0-9a-f]+)"', form)
    assert revision
    first = await ada.submit(
        f"{second}/edit", f"{second}/edit", fields("Retro", "09:00", "09:15", scope="this", day=WEEKS[1])
    )
    assert first.status_code == 303, first.text

    late = await ada.submit(
        f"{second}/edit",
        f"{second}/edit",
        fields("Lost edit", "09:00", "09:15", scope="this", day=WEEKS[1], revision=revision.group(1)),
    )

    assert late.status_code == 412
    assert "Someone else changed this event while you were editing it" in late.text
    assert 'value="Lost edit"' in late.text
    assert await titles_by_week(ada) == [["Stand-up"], ["Retro"], ["Stand-up"], []]


async def test_cancelling_this_occurrence_leaves_the_others(person: Visitors) -> None:
    ada, _ = await person("ada")
    await weekly_stand_up(ada)
    second = occurrence_link((await ada.open(f"/?date={WEEKS[1]}")).text)
    page = (await ada.open(second)).text
    assert 'name="scope" value="following"' in page

    cancelled = await ada.submit(second, f"{second}/cancel", {"scope": "this"})

    assert cancelled.status_code == 303, cancelled.text
    assert await titles_by_week(ada) == [["Stand-up"], [], ["Stand-up"], []]


async def test_cancelling_this_and_following_ends_the_series_before_it(person: Visitors) -> None:
    ada, _ = await person("ada")
    await weekly_stand_up(ada)
    second = occurrence_link((await ada.open(f"/?date={WEEKS[1]}")).text)

    cancelled = await ada.submit(second, f"{second}/cancel", {"scope": "following"})

    assert cancelled.status_code == 303, cancelled.text
    assert await titles_by_week(ada) == [["Stand-up"], [], [], []]


async def test_cancelling_all_events_from_an_occurrence_cancels_the_series(person: Visitors) -> None:
    ada, _ = await person("ada")
    await weekly_stand_up(ada)
    second = occurrence_link((await ada.open(f"/?date={WEEKS[1]}")).text)

    cancelled = await ada.submit(second, f"{second}/cancel", {"scope": "all"})

    assert cancelled.status_code == 303, cancelled.text
    assert await titles_by_week(ada) == [[], [], [], []]


async def test_an_unknown_scope_or_occurrence_is_refused(person: Visitors) -> None:
    ada, _ = await person("ada")
    await weekly_stand_up(ada)
    second = occurrence_link((await ada.open(f"/?date={WEEKS[1]}")).text)

    bad_scope = await ada.submit(second, f"{second}/cancel", {"scope": "everything"})
    no_such = await ada.open(second.replace("09:00:00Z", "09:30:00Z"))
    nonsense = await ada.open(second.rsplit("/", 1)[0] + "/yesterday")

    assert bad_scope.status_code == 422
    assert no_such.status_code == 404
    assert nonsense.status_code in (400, 422)
    assert await titles_by_week(ada) == [["Stand-up"], ["Stand-up"], ["Stand-up"], []]


async def test_a_guest_answers_for_one_date_of_a_series(person: Visitors) -> None:
    ada, _ = await person("ada")
    bob, bob_email = await person("bob")
    await weekly_stand_up(ada, participants=bob_email)
    second = occurrence_link((await bob.open(f"/?date={WEEKS[1]}")).text)
    first = occurrence_link((await bob.open(f"/?date={WEEKS[0]}")).text)
    rid = second.rsplit("/", 1)[1]

    answered = await bob.submit(
        second, f"/events/{second.split('/')[2]}/response", {"status": "declined", "recurrence_id": rid}
    )

    assert answered.status_code == 303, answered.text
    assert answered.headers["location"] == second
    assert 'id="my-status">declined<' in (await bob.open(second)).text
    assert 'id="my-status">declined<' not in (await bob.open(first)).text


async def test_the_guest_list_of_one_date_refreshes_with_that_dates_answers(person: Visitors) -> None:
    ada, _ = await person("ada")
    bob, bob_email = await person("bob")
    series = await weekly_stand_up(ada, participants=bob_email)
    second = occurrence_link((await bob.open(f"/?date={WEEKS[1]}")).text)
    rid = second.rsplit("/", 1)[1]
    event_id = series.rsplit("/", 1)[1]
    await bob.submit(second, f"/events/{event_id}/response", {"status": "declined", "recurrence_id": rid})

    page = (await ada.open(second)).text
    refreshed = await ada.open(f"/events/{event_id}/attendance?recurrence_id={rid}")
    whole = await ada.open(f"/events/{event_id}/attendance")

    assert f'data-refresh-url="/events/{event_id}/attendance?recurrence_id=' in page
    assert "status-declined" in refreshed.text
    assert "status-declined" not in whole.text


async def test_an_all_day_series_shows_in_the_all_day_row_and_one_date_moves_alone(person: Visitors) -> None:
    ada, _ = await person("ada")
    chosen = fields("Gym day", "00:00", "00:00", all_day="on", repeat="weekly", repeat_days="TU")
    made = await ada.submit("/events/new", "/events/new", chosen | {"repeat_ends": "count", "repeat_count": "3"})
    assert made.status_code == 303, made.text

    weeks = [(await ada.open(f"/?date={day}")).text for day in WEEKS]
    all_day = [re.findall(r'All-day events on (\w+ \d+ \w+)">\s*<li[^>]*><a href="([^"]+)">', week) for week in weeks]
    assert [[day for day, _ in found] for found in all_day] == [
        ["Tuesday 01 June"],
        ["Tuesday 08 June"],
        ["Tuesday 15 June"],
        [],
    ]
    second = all_day[1][0][1]
    assert second.endswith("/occurrences/2027-06-08T00:00:00Z")
    moved = await ada.submit(
        f"{second}/edit",
        f"{second}/edit",
        fields("Gym day (moved)", "00:00", "00:00", day="2027-06-09", all_day="on", scope="this"),
    )

    assert moved.status_code == 303, moved.text
    week = (await ada.open(f"/?date={WEEKS[1]}")).text
    assert re.search(r'All-day events on Wednesday 09 June">\s*<li[^>]*><a href="[^"]+">.*Gym day \(moved\)', week)
