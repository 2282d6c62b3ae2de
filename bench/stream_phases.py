"""The two measurements on open streams: commit-to-frame latency, and how many streams one web process holds."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from bench.delivery import DeliveryLog
from bench.event_streams import EventStreams
from bench.machine import resident_bytes
from bench.notification_source import NotificationSource, Pace
from bench.seeding import Person

CHECK_TIMEOUT_S = 10.0  # a sample notification not on its streams by then counts as not delivered
WARMUP_S = 2.0


@dataclass(frozen=True)
class Latency:
    streams: int
    users: int
    pace: Pace
    log: DeliveryLog


@dataclass(frozen=True)
class CapacityStep:
    streams: int  # open after this batch
    refused: Counter[str]
    open_seconds: float | None  # None for the streams already open before
    rss_bytes: int
    sample: DeliveryLog  # one notification to each of a sample of users, on every stream they have open


@dataclass
class Capacity:
    baseline_rss_bytes: int
    steps: list[CapacityStep] = field(default_factory=list)
    stopped: str = ""  # why it stopped before the goal, if it did

    @property
    def held(self) -> int:
        """The most streams open at once that all still delivered."""
        good = [s.streams for s in self.steps if not s.refused and s.sample.missing == 0]
        return max(good, default=0)

    @property
    def peak_rss_bytes(self) -> int:
        return max((s.rss_bytes for s in self.steps), default=self.baseline_rss_bytes)


def assignment(people: Sequence[Person], first: int, count: int) -> list[tuple[str, str]]:
    """(user id, token) of streams first .. first+count-1, dealt round the people like cards."""
    return [(people[n % len(people)].user_id, people[n % len(people)].token) for n in range(first, first + count)]


async def measure_latency(
    streams: EventStreams,
    source: NotificationSource,
    people: Sequence[Person],
    *,
    count: int,
    rate: float,
    seconds: float,
    concurrency: int,
) -> Latency:
    """Open `count` streams, then notify random stream holders at a steady rate and time commit -> frame."""
    # The first stream alone: in a fresh web process, streams subscribing at the same moment as the very
    # first one lose their subscription (redis-py's PubSub.connect races; see bench/README.md).
    first = await streams.open_many(assignment(people, 0, 1), concurrency=1)
    opened = await streams.open_many(assignment(people, 1, count - 1), concurrency=concurrency)
    refused = first.refused + opened.refused
    if refused:
        print(f"  {sum(refused.values())} streams refused: {dict(refused)}", flush=True)
    opening = first.seconds + opened.seconds
    print(f"latency: {len(streams):,} streams open in {opening:.1f} s; notifying at {rate:g}/s", flush=True)
    recipients = list(streams.per_user().items())
    warmup = DeliveryLog()
    streams.on_notification = warmup.seen
    await source.at_steady_rate(recipients, rate=rate, seconds=WARMUP_S, log=warmup)
    await warmup.all_arrived(CHECK_TIMEOUT_S)
    log = DeliveryLog()
    streams.on_notification = log.seen
    pace = await source.at_steady_rate(recipients, rate=rate, seconds=seconds, log=log)
    await log.all_arrived(CHECK_TIMEOUT_S)
    return Latency(streams=len(streams), users=len(recipients), pace=pace, log=log)


async def delivery_check(streams: EventStreams, source: NotificationSource, sample_size: int) -> DeliveryLog:
    """One notification to each of a random sample of users; wait for it on every stream they have open."""
    holders = streams.per_user()
    sample = random.Random(len(streams)).sample(sorted(holders), k=min(sample_size, len(holders)))
    log = DeliveryLog()
    streams.on_notification = log.seen
    await asyncio.gather(*(source.notify(user_id, copies=holders[user_id], log=log) for user_id in sample))
    await log.all_arrived(CHECK_TIMEOUT_S)
    return log


async def measure_capacity(
    streams: EventStreams,
    source: NotificationSource,
    people: Sequence[Person],
    *,
    web_pid: int,
    goal: int,
    batch: int,
    sample_size: int,
    concurrency: int,
    baseline_rss_bytes: int,
) -> Capacity:
    """Open more streams, a batch at a time, up to `goal`; after each, check delivery and read the RSS.

    It stops early when streams are refused, a sample notification does not reach all its streams,
    or the server closes streams it had accepted.
    """
    capacity = Capacity(baseline_rss_bytes=baseline_rss_bytes)
    assigned, opened = len(streams), None  # first, the streams the latency measurement left open
    while True:
        sample = await delivery_check(streams, source, sample_size)
        step = CapacityStep(
            streams=len(streams),
            refused=opened.refused if opened else Counter(),
            open_seconds=opened.seconds if opened else None,
            rss_bytes=resident_bytes(web_pid),
            sample=sample,
        )
        capacity.steps.append(step)
        print(
            f"capacity: {step.streams:,} streams open, RSS {step.rss_bytes / 1e6:,.0f} MB, "
            f"sample {sample.arrived}/{sample.expected} delivered",
            flush=True,
        )
        capacity.stopped = why_stop(step, streams.ended)
        if capacity.stopped or len(streams) >= goal:
            return capacity
        size = min(batch, goal - len(streams))
        opened = await streams.open_many(assignment(people, assigned, size), concurrency=concurrency)
        assigned += size


def why_stop(step: CapacityStep, ended: int) -> str:
    """Why the process is not holding this many streams; empty while it is."""
    if step.refused:
        reasons = ", ".join(f"{reason} x {n}" for reason, n in step.refused.most_common())
        return f"{sum(step.refused.values())} streams refused with {step.streams:,} open ({reasons})"
    if step.sample.missing:
        return f"{step.sample.missing} of {step.sample.expected} sample frames missing with {step.streams:,} open"
    if ended:
        return f"the server closed {ended} streams it had accepted"
    return ""
