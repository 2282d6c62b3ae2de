"""Writing planner's events to a Google calendar: events.insert, patch (the series, then each override), delete.

Every Google copy carries planner's private extended property with the planner id, so a copy whose
write was answered but not recorded is found again (events.list by privateExtendedProperty) instead
of written twice.

Participants become Google guests (`attendees`) only for people who opted in (`send_attendees`): Google
then emails them the invitation, changes and cancellation (`sendUpdates=all`). Otherwise no guest is
written, nobody is emailed (`sendUpdates=none`), and guests someone added in Google are left alone.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from googleapiclient.errors import HttpError

from adapters.google.calendar_api import GoogleCalendarApi, GoogleCalendarApis, GoogleService
from adapters.google.event_resource import (
    PLANNER_ID_PROPERTY,
    event_resource,
    instance_id,
    occurrence_resource,
    remote_event,
)
from domain.google_sync.model import GoogleTokens
from domain.google_sync.write_back import GoogleCopy
from domain.scheduling.event import Event
from domain.scheduling.occurrence import Occurrence

_GONE = (404, 410)


class GoogleCalendarWriters:
    """Implements domain.google_sync.write_back.CalendarWriters with the clients of GoogleCalendarApis."""

    def __init__(self, apis: GoogleCalendarApis) -> None:
        self._apis = apis

    def writer_for(self, tokens: GoogleTokens, *, send_attendees: bool = False) -> GoogleCalendarWriter:
        return GoogleCalendarWriter(self._apis.for_tokens(tokens), send_attendees=send_attendees)


class GoogleCalendarWriter:
    """Implements domain.google_sync.write_back.CalendarWriter on one grant's client."""

    def __init__(self, api: GoogleCalendarApi, *, send_attendees: bool = False) -> None:
        self._api = api
        self._send_attendees = send_attendees
        self._send_updates = "all" if send_attendees else "none"

    @property
    def api(self) -> GoogleCalendarApi:
        """The client it writes with (its tokens may have been refreshed)."""
        return self._api

    async def insert_event(self, google_calendar_id: str, event: Event) -> GoogleCopy:
        body = event_resource(event, with_attendees=self._send_attendees)

        def insert(service: GoogleService) -> GoogleCopy:
            request = service.events().insert(calendarId=google_calendar_id, body=body, sendUpdates=self._send_updates)
            return _copy(service.run(request))

        return await self._api.execute(insert)

    async def find_copy(self, google_calendar_id: str, event_id: UUID) -> GoogleCopy | None:
        def find(service: GoogleService) -> GoogleCopy | None:
            page = service.run(
                service.events().list(
                    calendarId=google_calendar_id,
                    privateExtendedProperty=f"{PLANNER_ID_PROPERTY}={event_id}",
                    maxResults=10,
                )
            )
            items = [item for item in page.get("items", []) if item.get("status") != "cancelled"]
            return _copy(items[0]) if items else None

        return await self._api.execute(find)

    async def patch_event(self, google_calendar_id: str, google_event_id: str, event: Event) -> GoogleCopy:
        body = event_resource(event, with_attendees=self._send_attendees)

        def patch(service: GoogleService) -> GoogleCopy:
            request = service.events().patch(
                calendarId=google_calendar_id, eventId=google_event_id, body=body, sendUpdates=self._send_updates
            )
            return _copy(service.run(request))

        return await self._api.execute(patch)

    async def patch_occurrence(self, google_calendar_id: str, google_event_id: str, occurrence: Occurrence) -> None:
        body, instance = occurrence_resource(occurrence), instance_id(google_event_id, occurrence)

        def patch(service: GoogleService) -> None:
            service.run(
                service.events().patch(
                    calendarId=google_calendar_id, eventId=instance, body=body, sendUpdates=self._send_updates
                )
            )

        await self._api.execute(patch)

    async def delete_event(self, google_calendar_id: str, google_event_id: str) -> None:
        def delete(service: GoogleService) -> None:
            try:
                service.run(
                    service.events().delete(
                        calendarId=google_calendar_id, eventId=google_event_id, sendUpdates=self._send_updates
                    )
                )
            except HttpError as error:
                if int(error.resp.status) not in _GONE:
                    raise

        await self._api.execute(delete)


def _copy(item: dict[str, Any]) -> GoogleCopy:
    return GoogleCopy(google_event_id=item["id"], updated=remote_event(item, "UTC").updated)
