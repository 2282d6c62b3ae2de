"""Traces, chosen here like every adapter: on when OTEL_EXPORTER_OTLP_ENDPOINT is set (adapters/telemetry)."""

from __future__ import annotations

from typing import Any

from adapters.telemetry.tracing import TRACE_KEY, http_tracing, job_span, start_tracing, tracing_on
from entrypoints.settings import Settings

__all__ = ["TRACE_KEY", "job_span", "tracing_for", "tracing_on"]


def tracing_for(settings: Settings, *, role: str) -> list[Any]:
    """Start tracing when OTEL_EXPORTER_OTLP_ENDPOINT is set (or a test started it); the web app's plugins for it."""
    if settings.otel_endpoint:
        start_tracing(settings.otel_endpoint, role=role)
    return [http_tracing()] if tracing_on() else []
