"""ICS over HTTP: a calendar's secret feed, one event's download, and importing a file as a job.

The import tests run a real SAQ worker. The oracle test imports every file of the corpus and checks
that the occurrences GET /api/events answers equal those recurring-ical-events computes from the file.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import icalendar
import pytest
import recurring_ical_events
from litestar import Litestar
from litestar.testing import AsyncTestClient

from entrypoints.settings import Settings
from tests.e2e.people import Person, sign_up
from tests.support.waiting import wait_for

Client = AsyncTestClient[Litestar]
CORPUS = {
    path.name: path.read_bytes() for path in sorted((Path(__file__).parents[1] / "fixtures" / "ics").glob("*.ics"))
}
Seen = tuple[str, str, str]


def unfolded(text: str) -> str:
    return re.sub(r"\r\n[ \t]", "", text)


async def calendar_of(person: Person, name: str = "Imported") -> str:
    created = await person.post("/api/calendars", {"name": name})
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


async def personal_calendar(person: Person) -> str:
    calendars = (await person.get("/api/calendars")).json()["items"]
    return str(next(c["id"] for c in calendars if c["is_personal"]))


async def weekly_series(person: Person) -> dict[str, Any]:
    created = await person.post(
        "/api/events",
        {
            "title": "Stand-up",
            "starts_at": "2027-03-15T10:00:00+01:00",
            "ends_at": "2027-03-15T10:30:00+01:00",
            "timezone": "Europe/Berlin",
            "recurrence": {"rule": "FREQ=WEEKLY;BYDAY=MO;COUNT=6"},
        },
    )
    assert created.status_code == 201, created.text
    return dict(created.json())


async def import_file(person: Person, calendar_id: str, data: bytes) -> dict[str, Any]:
    queued = await person.post(
        f"/api/calendars/{calendar_id}/import", content=data, headers={"Content-Type": "text/calendar"}
    )
    assert queued.status_code == 202, queued.text
    job_id = queued.json()["job_id"]

    async def finished() -> bool:
        return (await person.get(f"/api/jobs/{job_id}")).json()["status"] in ("complete", "failed", "partial")

    await wait_for(finished, timeout=30, what="the import job to finish")
    job = (await person.get(f"/api/jobs/{job_id}")).json()
    result = (await person.get(f"/api/jobs/{job_id}/result")).json()
    return {"job": job, "result": result["result"]}


async def test_the_feed_shows_a_series_with_its_rule_cancelled_and_moved_occurrences(client: Client) -> None:
    owner = await sign_up(client)
    series = await weekly_series(owner)
    cancelled = await owner.delete(f"/api/events/{series['id']}/occurrences/2027-03-22T09:00:00Z")
    assert cancelled.status_code in (200, 204), cancelled.text
    moved = await owner.patch(
        f"/api/events/{series['id']}/occurrences/2027-03-29T08:00:00Z",
        {"starts_at": "2027-03-29T14:00:00+02:00", "ends_at": "2027-03-29T14:30:00+02:00"},
    )
    assert moved.status_code == 200, moved.text

    opened = await owner.post(f"/api/calendars/{await personal_calendar(owner)}/feed")
    assert opened.status_code == 201, opened.text
    url = opened.json()["url"]
    feed = await client.get(urlsplit(url).path)  # no sign-in: the URL is the key

    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    text = unfolded(feed.text)
    assert f"UID:{series['id']}" in text
    assert "RRULE:FREQ=WEEKLY;COUNT=6;BYDAY=MO" in text or "RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=6" in text
    assert "EXDATE;TZID=Europe/Berlin:20270322T100000" in text
    assert "RECURRENCE-ID;TZID=Europe/Berlin:20270329T100000" in text
    assert "DTSTART;TZID=Europe/Berlin:20270329T140000" in text
    assert "BEGIN:VTIMEZONE" in text
    occurrences = recurring_ical_events.of(icalendar.Calendar.from_ical(feed.content)).between(
        datetime(2027, 3, 1, tzinfo=UTC), datetime(2027, 5, 1, tzinfo=UTC)
    )
    assert len(occurrences) == 5


async def test_the_feed_writes_all_day_events_as_dates_and_leaves_cancelled_ones_out(client: Client) -> None:
    owner = await sign_up(client)
    holiday = await owner.post(
        "/api/events",
        {"title": "Holiday", "all_day": True, "start_date": "2027-03-17", "end_date": "2027-03-19"},
    )
    assert holiday.status_code == 201, holiday.text
    called_off = await owner.post(
        "/api/events", {"title": "Called off", "starts_at": "2027-03-18T09:00:00Z", "ends_at": "2027-03-18T10:00:00Z"}
    )
    assert (await owner.delete(f"/api/events/{called_off.json()['id']}")).status_code in (200, 204)

    url = (await owner.post(f"/api/calendars/{await personal_calendar(owner)}/feed")).json()["url"]
    text = unfolded((await client.get(urlsplit(url).path)).text)

    assert "DTSTART;VALUE=DATE:20270317" in text
    assert "DTEND;VALUE=DATE:20270319" in text
    assert called_off.json()["id"] not in text
    assert "Called off" not in text


async def test_a_new_feed_url_ends_the_old_one_and_revoking_ends_both(client: Client) -> None:
    owner = await sign_up(client)
    calendar_id = await personal_calendar(owner)
    first = urlsplit((await owner.post(f"/api/calendars/{calendar_id}/feed")).json()["url"]).path
    second = urlsplit((await owner.post(f"/api/calendars/{calendar_id}/feed")).json()["url"]).path

    assert (await client.get(first)).status_code == 404
    assert (await client.get(second)).status_code == 200
    assert (await owner.delete(f"/api/calendars/{calendar_id}/feed")).status_code == 204
    assert (await client.get(second)).status_code == 404
    assert (await client.get("/ics/not-a-token.ics")).status_code == 404
    assert (await client.get(second.removesuffix(".ics"))).status_code == 404


async def test_the_feed_url_is_made_of_the_public_base_url_and_a_secret_token(client: Client) -> None:
    owner = await sign_up(client)
    url = (await owner.post(f"/api/calendars/{await personal_calendar(owner)}/feed")).json()["url"]
    assert re.fullmatch(r"https?://[^/]+/ics/[A-Za-z0-9_-]{43}\.ics", url), url


async def test_one_event_downloads_as_ics_for_those_who_see_it_only(client: Client) -> None:
    owner, stranger = await sign_up(client), await sign_up(client)
    series = await weekly_series(owner)

    download = await owner.get(f"/api/events/{series['id']}/ics")

    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/calendar")
    assert "attachment" in download.headers["content-disposition"]
    assert f"UID:{series['id']}" in unfolded(download.text)
    assert (await stranger.get(f"/api/events/{series['id']}/ics")).status_code == 404


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/plain", 415),
        (b"{}", "application/json", 415),
        (b"hello, world", "text/calendar", 422),
        (b"", "text/calendar", 422),
        (b"BEGIN:VCALENDAR\r\n" + b"X" * (10 * 1024 * 1024 + 1), "text/calendar", 413),
    ],
    ids=["text-plain", "json", "not-icalendar", "empty", "over-10-mb"],
)
async def test_an_import_that_is_not_an_icalendar_file_is_refused_at_once(
    client: Client, body: bytes, content_type: str, status: int
) -> None:
    person = await sign_up(client)
    calendar_id = await calendar_of(person)

    refused = await person.post(
        f"/api/calendars/{calendar_id}/import", content=body, headers={"Content-Type": content_type}
    )

    assert refused.status_code == status, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")


async def test_a_file_larger_than_other_bodies_may_be_is_taken_for_import(client: Client) -> None:
    person = await sign_up(client)
    calendar_id = await calendar_of(person)
    event = "BEGIN:VEVENT\r\nUID:{n}@big\r\nSUMMARY:Big\r\nDTSTART:20270301T090000Z\r\nDURATION:PT1H\r\nEND:VEVENT\r\n"
    body = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + "".join(event.format(n=n) for n in range(12_000)) + "END:VCALENDAR\r\n"
    )
    assert len(body) > 1024 * 1024

    queued = await person.post(
        f"/api/calendars/{calendar_id}/import", content=body.encode(), headers={"Content-Type": "text/calendar"}
    )

    assert queued.status_code == 202, queued.text


async def test_an_import_job_lists_what_it_skipped_and_why(client: Client, worker: None) -> None:
    person = await sign_up(client)
    calendar_id = await calendar_of(person)

    done = await import_file(person, calendar_id, CORPUS["thunderbird_export.ics"])

    assert done["job"]["status"] == "complete"
    assert done["job"]["progress"] == 100
    assert done["job"]["kind"] == "ics_import"
    assert done["result"]["imported"] == 3
    assert [item["uid"] for item in done["result"]["skipped"]] == ["todo-7c1d2e3f@thunderbird"]


async def test_an_event_the_domain_refuses_is_skipped_and_the_rest_imported(client: Client, worker: None) -> None:
    person = await sign_up(client)
    calendar_id = await calendar_of(person)
    data = "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//planner tests//EN",
            "BEGIN:VEVENT",
            "UID:fine@planner.test",
            "SUMMARY:Fine",
            "DTSTART:20270301T090000Z",
            "DURATION:PT1H",
            "END:VEVENT",
            "BEGIN:VEVENT",
            "UID:hourly@planner.test",
            "SUMMARY:Every hour",
            "DTSTART:20270301T090000Z",
            "DURATION:PT10M",
            "RRULE:FREQ=DAILY;BYHOUR=9,10,11",
            "END:VEVENT",
            "END:VCALENDAR",
            "",
        ]
    ).encode()

    done = await import_file(person, calendar_id, data)

    assert done["result"]["imported"] == 1
    assert [(s["uid"], "BYHOUR" in s["reason"]) for s in done["result"]["skipped"]] == [("hourly@planner.test", True)]


def _api_seen(items: list[dict[str, Any]]) -> list[Seen]:
    seen = []
    for item in items:
        if item.get("all_day"):
            seen.append((item["title"], item["start_date"], item["end_date"]))
        else:
            starts = datetime.fromisoformat(item["starts_at"]).astimezone(UTC).isoformat()
            ends = datetime.fromisoformat(item["ends_at"]).astimezone(UTC).isoformat()
            seen.append((item["title"], starts, ends))
    return seen


def _oracle_seen(data: bytes, start: datetime, end: datetime) -> list[Seen]:
    seen = []
    for component in recurring_ical_events.of(icalendar.Calendar.from_ical(data)).between(start, end):
        if component.name != "VEVENT" or str(component.get("STATUS", "")).upper() == "CANCELLED":
            continue
        first, last = component.start, component.end
        if isinstance(first, datetime):
            seen.append(
                (str(component["SUMMARY"]), first.astimezone(UTC).isoformat(), last.astimezone(UTC).isoformat())
            )
        else:
            seen.append((str(component["SUMMARY"]), str(first), str(last)))
    return seen


def _starting_inside(seen: list[Seen], start: date, end: date) -> list[Seen]:
    """Occurrences that start well inside the window: both sides agree on the edges' meaning without reading it."""
    return sorted(
        s for s in seen if start + timedelta(days=2) <= date.fromisoformat(s[1][:10]) < end - timedelta(days=2)
    )


@pytest.mark.parametrize("name", sorted(CORPUS))
async def test_imported_files_show_the_occurrences_recurring_ical_events_computes(
    client: Client, worker: None, settings: Settings, name: str
) -> None:
    person = await sign_up(client)
    calendar_id = await calendar_of(person)
    data = CORPUS[name]

    done = await import_file(person, calendar_id, data)
    assert done["job"]["status"] == "complete", done
    for year in (2027, 2028):
        start, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
        listed = await person.get(
            "/api/events", params={"start": start.isoformat(), "end": end.isoformat(), "calendar_id": calendar_id}
        )
        assert listed.status_code == 200, listed.text

        # planner holds a series' occurrences up to its horizon (a cron extends it): compare up to there.
        horizon = timedelta(days=settings.occurrence_horizon_days)
        last = min(end.date(), (datetime.now(UTC) + horizon).date())
        planner = _starting_inside(_api_seen(listed.json()["items"]), start.date(), last)
        oracle = _starting_inside(_oracle_seen(data, start, end), start.date(), last)

        assert planner == oracle, f"{name} in {year}"


def test_the_openapi_schema_documents_the_import_body_as_an_icalendar_file(app: Litestar) -> None:
    schema = app.openapi_schema.to_schema()
    operation = schema["paths"]["/api/calendars/{calendar_id}/import"]["post"]

    assert list(operation["requestBody"]["content"]) == ["text/calendar"]
    assert {"413", "415", "422"} <= set(operation["responses"])
