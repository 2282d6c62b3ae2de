"""Busy blocks merged: each stretch of time once, the strongest status holding it, nothing said of what took it."""

import itertools
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.availability.busy import BusyBlock, BusyStatus, attendance, merged_busy
from domain.scheduling.participant import ParticipantStatus
from domain.scheduling.time_range import TimeRange

T0 = datetime(2026, 11, 30, tzinfo=UTC)
STRENGTH = list(BusyStatus)


def block(start: int, end: int, status: BusyStatus = BusyStatus.BUSY) -> BusyBlock:
    return BusyBlock(TimeRange(T0 + timedelta(minutes=start), T0 + timedelta(minutes=end)), status)


def test_overlapping_and_touching_busy_blocks_become_one() -> None:
    assert merged_busy([block(60, 120), block(0, 90), block(120, 150)]) == [block(0, 150)]


def test_a_tentative_invitation_under_a_busy_meeting_shows_only_where_it_sticks_out() -> None:
    merged = merged_busy([block(0, 120, BusyStatus.TENTATIVE), block(60, 90)])

    assert merged == [block(0, 60, BusyStatus.TENTATIVE), block(60, 90), block(90, 120, BusyStatus.TENTATIVE)]


def test_blocks_are_clipped_to_the_window() -> None:
    window = TimeRange(T0 + timedelta(minutes=30), T0 + timedelta(minutes=60))

    assert merged_busy([block(0, 120)], within=window) == [block(30, 60)]


def test_an_accepted_invitation_is_busy_an_open_or_maybe_one_tentative_a_declined_one_free() -> None:
    assert attendance(ParticipantStatus.ACCEPTED) is BusyStatus.BUSY
    assert attendance(ParticipantStatus.TENTATIVE) is BusyStatus.TENTATIVE
    assert attendance(ParticipantStatus.NEEDS_ACTION) is BusyStatus.TENTATIVE
    assert attendance(ParticipantStatus.DECLINED) is None


blocks = st.lists(
    st.tuples(st.integers(0, 500), st.integers(1, 200), st.sampled_from(list(BusyStatus))).map(
        lambda t: block(t[0], t[0] + t[1], t[2])
    ),
    max_size=12,
)


@given(blocks)
def test_merged_blocks_are_apart_in_order_and_hold_each_minute_with_its_strongest_status(
    given: list[BusyBlock],
) -> None:
    merged = merged_busy(given)

    assert all(a.ends_at <= b.starts_at for a, b in itertools.pairwise(merged))
    assert all(not (a.ends_at == b.starts_at and a.status is b.status) for a, b in itertools.pairwise(merged))
    for minute in range(0, 700, 7):
        at = T0 + timedelta(minutes=minute)
        covering = [b.status for b in given if b.starts_at <= at < b.ends_at]
        shown = [b.status for b in merged if b.starts_at <= at < b.ends_at]
        assert shown == ([max(covering, key=STRENGTH.index)] if covering else [])
