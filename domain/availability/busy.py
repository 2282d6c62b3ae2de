"""Busy blocks: when a person or a room is taken, merged so a client sees each stretch of time once."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from domain.scheduling.participant import ParticipantStatus
from domain.scheduling.time_range import TimeRange


class BusyStatus(enum.StrEnum):
    """How a stretch of time is taken, weakest first: a tentative block may still be given up."""

    TENTATIVE = "tentative"
    BUSY = "busy"
    OUT_OF_OFFICE = "out_of_office"


_STRENGTH = {status: rank for rank, status in enumerate(BusyStatus)}


@dataclass(frozen=True)
class BusyBlock:
    """A stretch of time taken, with how; never what took it."""

    time_range: TimeRange
    status: BusyStatus

    @property
    def starts_at(self) -> datetime:
        return self.time_range.starts_at

    @property
    def ends_at(self) -> datetime:
        return self.time_range.ends_at


def attendance(answer: ParticipantStatus) -> BusyStatus | None:
    """How an invitation takes an invitee's time: accepted is busy, unanswered or maybe is tentative, declined is free.

    An unanswered invitation is tentative as in Outlook: the invitee may come, so it is not free either.
    """
    if answer is ParticipantStatus.DECLINED:
        return None
    return BusyStatus.BUSY if answer is ParticipantStatus.ACCEPTED else BusyStatus.TENTATIVE


def merged_busy(blocks: Iterable[BusyBlock], *, within: TimeRange | None = None) -> list[BusyBlock]:
    """The blocks as non-overlapping ones in order: where several overlap the strongest status holds the time.

    Blocks of the same status that overlap or touch become one; `within` clips them to a window.
    """
    edges: list[tuple[datetime, int, int]] = []
    for block in blocks:
        start, end = block.starts_at, block.ends_at
        if within is not None:
            start, end = max(start, within.starts_at), min(end, within.ends_at)
        if start < end:
            rank = _STRENGTH[block.status]
            edges.append((start, 1, rank))
            edges.append((end, -1, rank))
    edges.sort(key=lambda edge: edge[0])
    statuses = list(BusyStatus)
    open_count = [0] * len(statuses)
    merged: list[BusyBlock] = []
    index = 0
    while index < len(edges):
        at = edges[index][0]
        while index < len(edges) and edges[index][0] == at:
            open_count[edges[index][2]] += edges[index][1]
            index += 1
        if index == len(edges):
            break
        strongest = max((rank for rank, count in enumerate(open_count) if count > 0), default=None)
        if strongest is None:
            continue
        following = edges[index][0]
        status = statuses[strongest]
        if merged and merged[-1].status is status and merged[-1].ends_at == at:
            merged[-1] = BusyBlock(TimeRange(merged[-1].starts_at, following), status)
        else:
            merged.append(BusyBlock(TimeRange(at, following), status))
    return merged
