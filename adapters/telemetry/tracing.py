"""OpenTelemetry traces, when OTEL_EXPORTER_OTLP_ENDPOINT is set: HTTP, SQL, Redis and SAQ jobs.

Off by default and then free: nothing here imports OpenTelemetry until `start_tracing` runs, and
`trace_carrier` answers None at the cost of one global read. A request's trace continues in the jobs
it causes: its context (W3C `traceparent`) is stored with each outbox message it commits, handed to
the job in SAQ's `meta`, and the worker starts the job's span as its child (`job_span`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter

SERVICE_NAME = "planner"
TRACE_KEY = "_trace"
"""Where an outbox message's payload and a job's meta keep the trace context (never a domain event's field)."""

_provider: TracerProvider | None = None


def tracing_on() -> bool:
    return _provider is not None


def start_tracing(endpoint: str | None, *, role: str, exporter: SpanExporter | None = None) -> TracerProvider:
    """Send spans to the OTLP/HTTP collector at `endpoint` (or to `exporter`); instrument Redis. Once per process."""
    global _provider  # noqa: PLW0603 - one tracer provider per process, as OpenTelemetry has it
    if _provider is not None:
        return _provider
    from opentelemetry.instrumentation.redis import RedisInstrumentor
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    if exporter is None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter(endpoint=f"{(endpoint or '').rstrip('/')}/v1/traces")
    provider = TracerProvider(resource=Resource.create({"service.name": SERVICE_NAME, "planner.role": role}))
    provider.add_span_processor(BatchSpanProcessor(exporter))
    # Not the global provider: every instrumentation here is handed this one, so a test can stop tracing again.
    RedisInstrumentor().instrument(tracer_provider=provider)
    _provider = provider
    return provider


def trace_engine(engine: AsyncEngine) -> None:
    """Give every statement on `engine` a span (a no-op with tracing off)."""
    if _provider is None:
        return
    from opentelemetry import metrics, trace
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer

    usage = metrics.get_meter(__name__).create_up_down_counter("db.client.connections.usage")
    EngineTracer(trace.get_tracer("planner.sql", tracer_provider=_provider), engine.sync_engine, usage)  # type: ignore[no-untyped-call]


def http_tracing() -> Any:
    """Litestar's OpenTelemetry plugin on this process's tracer provider (call only with tracing on)."""
    from litestar.plugins.opentelemetry import OpenTelemetryConfig, OpenTelemetryPlugin

    return OpenTelemetryPlugin(OpenTelemetryConfig(tracer_provider=_provider, exclude=["^/metrics$", "^/health$"]))


def trace_carrier() -> dict[str, str] | None:
    """The current trace context as W3C headers (`traceparent`), to store beside work handed on; None if off."""
    if _provider is None:
        return None
    from opentelemetry.propagate import inject

    carrier: dict[str, str] = {}
    inject(carrier)
    return carrier or None


def job_span(task: str, carrier: Mapping[str, str] | None) -> AbstractContextManager[Any] | None:
    """A span for one SAQ job, continuing the trace in `carrier` (the request's); None with tracing off."""
    if _provider is None:
        return None
    return _job_span(task, carrier)


@contextmanager
def _job_span(task: str, carrier: Mapping[str, str] | None) -> Iterator[Any]:
    from opentelemetry import trace
    from opentelemetry.propagate import extract

    parent = extract(dict(carrier)) if carrier else None
    tracer = trace.get_tracer("planner.jobs", tracer_provider=_provider)
    with tracer.start_as_current_span(
        f"saq.job {task}", context=parent, kind=trace.SpanKind.CONSUMER, attributes={"saq.task": task}
    ) as span:
        yield span


def stop_tracing() -> None:
    """Send what is buffered and stop tracing (engines already traced keep their listeners)."""
    global _provider  # noqa: PLW0603 - see start_tracing
    if _provider is None:
        return
    from opentelemetry.instrumentation.redis import RedisInstrumentor

    RedisInstrumentor().uninstrument()
    _provider.shutdown()
    _provider = None
