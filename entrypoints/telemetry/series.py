"""The web's and the worker's Prometheus series: open streams, rate-limit refusals, jobs, reminders, Google syncs.

HTTP requests are counted by Litestar's Prometheus middleware (entrypoints/http/metrics.py). Label
values are names from code (a task, a limit, an outcome), never ids: a series per person or event
would grow without end.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

SSE_STREAMS_OPEN = Gauge(
    "planner_sse_streams_open", "Notification streams (SSE) open right now", multiprocess_mode="livesum"
)

RATE_LIMIT_REJECTIONS = Counter(
    "planner_rate_limit_rejections", "Requests refused with 429 by a rate limit, by limit", ["limit"]
)

JOB_SECONDS_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)
JOBS = Counter("planner_jobs", "SAQ jobs processed, by task and outcome (complete, failed)", ["task", "outcome"])
JOB_DURATION = Histogram(
    "planner_job_duration_seconds", "How long a SAQ job ran, by task", ["task"], buckets=JOB_SECONDS_BUCKETS
)
JOB_WAIT = Histogram(
    "planner_job_queue_wait_seconds",
    "How long a SAQ job waited in the queue before a worker took it (queue latency), by task",
    ["task"],
    buckets=JOB_SECONDS_BUCKETS,
)

for _limit in ("sign_in", "sign_up", "api", "sign_in_account", "sign_up_account", "events_created"):
    RATE_LIMIT_REJECTIONS.labels(limit=_limit)  # every limit's series from the start, at 0

REMINDERS_SENT = Counter("planner_reminders_sent", "Reminders sent by the minute-by-minute reminder job")

GOOGLE_SYNCS = Counter(
    "planner_google_syncs", "Google Calendar sync jobs run, by outcome (complete, failed)", ["outcome"]
)
GOOGLE_SYNCS.labels(outcome="complete")
GOOGLE_SYNCS.labels(outcome="failed")
