"""GET /metrics: who may read it, and what it says (Prometheus text format, route templates, planner's series)."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from prometheus_client.parser import text_string_to_metric_families

from entrypoints.app import create_app
from entrypoints.settings import Settings
from tests.e2e.people import at, sign_up

METRICS_TOKEN = "scrape-me-0123456789abcdef"


@pytest.fixture
async def scraped(settings: Settings) -> AsyncIterator[AsyncTestClient[Litestar]]:
    app = create_app(dataclasses.replace(settings, metrics_token=METRICS_TOKEN), configure_logs=False)
    async with AsyncTestClient(app=app) as client:
        yield client


def samples(text: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    found: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found.setdefault(sample.name, []).append((sample.labels, sample.value))
    return found


async def test_metrics_need_the_metrics_token_or_an_administrator(scraped: AsyncTestClient[Litestar]) -> None:
    admin, someone = await sign_up(scraped, "admin"), await sign_up(scraped, "someone")  # the first one administers
    assert (await scraped.get("/metrics")).status_code == 401
    assert (await scraped.get("/metrics", headers={"Authorization": "Bearer not-the-token"})).status_code == 401
    assert (await scraped.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}x"})).status_code == 401
    assert (await someone.get("/metrics")).status_code == 403
    assert (await admin.get("/metrics")).status_code == 200
    response = await scraped.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")


async def test_without_a_metrics_token_only_administrators_read_metrics(client: AsyncTestClient[Litestar]) -> None:
    admin, someone = await sign_up(client, "admin"), await sign_up(client, "someone")
    assert (await client.get("/metrics", headers={"Authorization": "Bearer None"})).status_code == 401
    assert (await someone.get("/metrics")).status_code == 403
    assert (await admin.get("/metrics")).status_code == 200


async def test_requests_are_counted_by_route_template_and_status_without_ids(
    scraped: AsyncTestClient[Litestar],
) -> None:
    alice = await sign_up(scraped, "alice")
    created = await alice.post("/api/events", json={"title": "Counted", "starts_at": at(9), "ends_at": at(10)})
    event_id = created.json()["id"]
    assert (await alice.get(f"/api/events/{event_id}")).status_code == 200
    assert (await alice.get("/api/events/01890000-0000-7000-8000-000000000000")).status_code == 404

    text = (await scraped.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})).text
    found = samples(text)
    reads = {
        labels["status_code"]: value
        for labels, value in found["planner_http_requests_total"]
        if labels["path"] == "/api/events/{event_id}" and labels["method"] == "GET"
    }
    assert reads["200"] >= 1
    assert reads["404"] >= 1
    assert event_id not in text, "a raw id in a label: one series per event would grow without end"
    assert any(name.startswith("planner_http_request_duration_seconds_bucket") for name in found)
    for name in (
        "planner_queue_jobs",
        "planner_outbox_waiting",
        "planner_outbox_oldest_waiting_seconds",
        "planner_reminders_due_unsent",
        "planner_reminders_lateness_seconds",
        "planner_sse_streams_open",
        "planner_notifications_sent_total",
        "planner_reminders_sent_total",
        "planner_cache_lookups_total",
        "planner_rate_limit_rejections_total",
        "planner_google_syncs_total",
        "planner_db_pool_connections_in_use",
    ):
        assert name in found, f"{name} is missing from /metrics"
    # The event just created is in the outbox until a worker acts on it (no worker runs here).
    assert found["planner_outbox_waiting"][0][1] >= 1
