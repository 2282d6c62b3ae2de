"""Google's series mirrored as planner series: the rule, its exceptions as overrides, cancelled ones as EXDATEs."""

from datetime import date, timedelta

from domain.google_sync.mirroring import mirror_page
from domain.google_sync.model import RemoteEvent
from domain.scheduling.event import Event
from domain.scheduling.occurrence import date_recurrence_id
from domain.scheduling.recurrence import Recurrence
from tests.unit.google_sync.test_mirroring import a_mirror, a_remote
from tests.unit.scheduling.factories import NOW, at

LATER = NOW + timedelta(hours=1)
WEEKLY = Recurrence.of("FREQ=WEEKLY;COUNT=4")


def a_series(**overrides: object) -> RemoteEvent:
    return a_remote(id="weekly", recurrence=WEEKLY, **overrides)


def an_exception(week: int, **overrides: object) -> RemoteEvent:
    fields: dict[str, object] = {
        "id": f"weekly_{week}",
        "series_id": "weekly",
        "recurrence_id": at(9, day=7 * week),
        "starts_at": at(9, day=7 * week),
        "ends_at": at(10, day=7 * week),
        "title": "Standup",
    }
    return a_remote(**(fields | overrides))


def starts(event: Event) -> list[tuple[object, str]]:
    return [(o.starts_at, o.title) for o in event.occurrences(before=at(0, day=60))]


def test_a_series_and_its_exceptions_in_one_page_become_one_series_with_an_override_and_an_exdate() -> None:
    _, mirror = a_mirror()
    page = mirror_page(
        mirror,
        {},
        [
            an_exception(1, title="Standup (moved)", starts_at=at(11, day=7), ends_at=at(12, day=7)),
            RemoteEvent(id="weekly_2", cancelled=True, series_id="weekly", recurrence_id=at(9, day=14)),
            a_series(),
        ],
        now=NOW,
    )

    assert list(page.added) == ["weekly"]
    series = page.added["weekly"]
    assert series.recurrence is not None
    assert series.recurrence.exdates == (at(9, day=14),)
    assert starts(series) == [(at(9), "Standup"), (at(11, day=7), "Standup (moved)"), (at(9, day=21), "Standup")]
    assert series.overrides[at(9, day=7)].title == "Standup (moved)"
    assert page.applied == 3


def test_an_exception_arriving_later_overrides_the_mirrored_series_and_a_restored_one_is_back() -> None:
    _, mirror = a_mirror()
    series = mirror_page(mirror, {}, [a_series()], now=NOW).added["weekly"]

    skipped = mirror_page(
        mirror,
        {"weekly": series},
        [RemoteEvent(id="weekly_3", cancelled=True, series_id="weekly", recurrence_id=at(9, day=21))],
        now=LATER,
    )
    assert skipped.refreshed == [series]
    assert [start for start, _ in starts(series)] == [at(9), at(9, day=7), at(9, day=14)]

    restored = mirror_page(mirror, {"weekly": series}, [an_exception(3, location="Room 2")], now=LATER)
    assert restored.refreshed == [series]
    assert at(9, day=21) in [start for start, _ in starts(series)]
    assert series.overrides[at(9, day=21)].location == "Room 2"

    again = mirror_page(mirror, {"weekly": series}, [an_exception(3, location="Room 2")], now=LATER)
    assert again.refreshed == []


def test_a_changed_series_keeps_the_occurrences_its_exceptions_skipped() -> None:
    _, mirror = a_mirror()
    series = mirror_page(
        mirror,
        {},
        [a_series(), RemoteEvent(id="weekly_1", cancelled=True, series_id="weekly", recurrence_id=at(9, day=7))],
        now=NOW,
    ).added["weekly"]

    renamed = mirror_page(mirror, {"weekly": series}, [a_series(title="Daily sync")], now=LATER)

    assert renamed.refreshed == [series]
    assert [title for _, title in starts(series)] == ["Daily sync"] * 3


def test_an_exception_whose_series_is_not_mirrored_shows_as_an_event_of_its_own() -> None:
    _, mirror = a_mirror()
    page = mirror_page(mirror, {}, [an_exception(1, series_id="someone-elses")], now=NOW)
    assert list(page.added) == ["weekly_1"]
    assert page.added["weekly_1"].recurrence is None


def test_an_all_day_series_skips_whole_dates() -> None:
    _, mirror = a_mirror(time_zone="Europe/Paris")
    birthday = a_remote(
        id="birthday",
        all_day=True,
        timezone="Europe/Paris",
        starts_at=at(0) - timedelta(hours=1),
        ends_at=at(0, day=1) - timedelta(hours=1),
        recurrence=Recurrence.of("FREQ=DAILY;COUNT=3"),
    )
    skipped_day = (at(0, day=1)).date()
    page = mirror_page(
        mirror,
        {},
        [
            birthday,
            RemoteEvent(
                id="birthday_2", cancelled=True, series_id="birthday", recurrence_id=date_recurrence_id(skipped_day)
            ),
        ],
        now=NOW,
    )
    series = page.added["birthday"]
    assert series.recurrence is not None
    assert series.recurrence.exdates == (skipped_day,)
    assert [o.start_date for o in series.occurrences(before=at(0, day=10))] == [
        at(0).date(),
        at(0, day=2).date(),
    ]
    assert isinstance(skipped_day, date)
