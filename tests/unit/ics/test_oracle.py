"""The independent oracle: for every file of the corpus, planner's occurrences equal recurring-ical-events'."""

from datetime import date
from pathlib import Path

import pytest

from adapters.ics.reader import IcalendarReader
from tests.unit.ics.occurrences import oracle_occurrences, planner_occurrences

CORPUS = Path(__file__).parents[2] / "fixtures" / "ics"
WINDOWS = [(date(2024, 1, 1), date(2030, 1, 1)), (date(2027, 3, 10), date(2027, 4, 10))]


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.ics")), ids=lambda p: p.stem)
@pytest.mark.parametrize("window", WINDOWS, ids=["years", "march-april-2027"])
def test_planner_expands_every_corpus_file_as_recurring_ical_events_does(path: Path, window: tuple[date, date]) -> None:
    data = path.read_bytes()
    read = IcalendarReader().read(data)

    planner = planner_occurrences(read, *window)
    oracle = oracle_occurrences(data, *window)

    assert planner == oracle
    assert planner or window != WINDOWS[0]
