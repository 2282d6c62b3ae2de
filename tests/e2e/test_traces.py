"""Traces: a request's trace continues in the job it causes (through the outbox), with SQL and Redis spans."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from litestar.testing import AsyncTestClient
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from adapters.saq.queue import create_queue
from adapters.telemetry.tracing import start_tracing, stop_tracing, tracing_on
from entrypoints.app import create_app
from entrypoints.settings import Settings
from entrypoints.worker.settings import build_worker, saq_config
from tests.e2e.people import at, sign_up
from tests.support.waiting import wait_for


@dataclass(frozen=True)
class Spans:
    exporter: InMemorySpanExporter
    provider: TracerProvider

    def finished(self) -> list[ReadableSpan]:
        self.provider.force_flush()
        return list(self.exporter.get_finished_spans())


@pytest.fixture
def spans() -> Iterator[Spans]:
    exporter = InMemorySpanExporter()
    yield Spans(exporter, start_tracing(None, role="test", exporter=exporter))
    stop_tracing()


async def test_the_job_a_request_causes_continues_the_requests_trace(settings: Settings, spans: Spans) -> None:
    queue = create_queue(settings.redis.url or "")
    await queue.connect()
    worker = build_worker(saq_config(settings, queue))
    running = asyncio.create_task(worker.start())
    try:
        async with AsyncTestClient(app=create_app(settings, configure_logs=False)) as client:
            alice, bob = await sign_up(client, "alice"), await sign_up(client, "bob")
            spans.exporter.clear()
            created = await alice.post(
                "/api/events",
                json={"title": "Traced", "starts_at": at(9), "ends_at": at(10), "participants": [bob.email]},
            )
            assert created.status_code == 201, created.text

            def job_span() -> ReadableSpan | None:
                return next((s for s in spans.finished() if s.name == "saq.job notify_event_invited"), None)

            async def job_ran() -> bool:
                return job_span() is not None

            await wait_for(job_ran, timeout=20, what="the job's span")
    finally:
        await worker.stop()
        with contextlib.suppress(asyncio.CancelledError):
            await running
        await queue.disconnect()

    every = spans.finished()
    servers = [s for s in every if s.kind.name == "SERVER" and s.parent is None]
    request = next((s for s in servers if s.name == "POST /api/events"), None)
    assert request is not None, [(s.name, dict(s.attributes or {})) for s in servers]
    job = job_span()
    assert job is not None
    assert job.context is not None
    assert request.context is not None
    assert job.context.trace_id == request.context.trace_id, "the job's span starts a trace of its own"
    in_trace = [s for s in every if s.context is not None and s.context.trace_id == request.context.trace_id]
    job_children = [s for s in in_trace if s.parent is not None and s.parent.span_id == job.context.span_id]
    sql = [s for s in job_children if {"db.statement", "db.query.text"} & set(s.attributes or {})]
    assert sql, f"no SQL span in the job: {[s.name for s in job_children]}"
    assert any(s.attributes and s.attributes.get("db.system") == "redis" for s in in_trace), "no Redis span"


def test_tracing_is_off_unless_asked_for() -> None:
    assert not tracing_on()
