"""The IANA zone behind an iCalendar time: a TZID (IANA, Windows or vendor-prefixed), else UTC."""

from datetime import date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from domain.errors import InvalidInput
from domain.scheduling.timezone import valid_time_zone_name

UTC_NAME = "UTC"
_UTC_NAMES = frozenset({"UTC", "Z", "GMT", "Etc/UTC"})


def zone_name(value: datetime, tzid: str | None) -> str | None:
    """The IANA name of a time's zone; UTC for a floating time; None when the zone has no IANA equivalent."""
    if value.tzinfo is None:
        return UTC_NAME if tzid is None else _iana(tzid)
    if isinstance(value.tzinfo, ZoneInfo):
        return value.tzinfo.key
    if _is_utc(value.tzinfo, value):
        return UTC_NAME
    return _iana(tzid) if tzid is not None else None


def in_zone(value: datetime, name: str) -> datetime:
    """The time read in the IANA zone `name`: a floating time at its wall clock, an aware one converted.

    A time in a VTIMEZONE of the file that has an IANA equivalent keeps the wall clock the file gives.
    """
    zone = ZoneInfo(name)
    if value.tzinfo is None:
        return value.replace(tzinfo=zone)
    if isinstance(value.tzinfo, ZoneInfo) or _is_utc(value.tzinfo, value):
        return value.astimezone(zone)
    return value.replace(tzinfo=zone)


def as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _iana(tzid: str) -> str | None:
    """The IANA zone a TZID names: itself, a Windows name's zone, or a vendor-prefixed ID's trailing name.

    icalendar's own lookup is not asked: once a file's VTIMEZONE of that TZID was read, it answers that.
    """
    cleaned = tzid.strip().strip('"')
    candidates = [cleaned]
    if cleaned in WINDOWS_TO_OLSON:
        candidates.append(WINDOWS_TO_OLSON[cleaned])
    if cleaned.startswith("/"):  # "/mozilla.org/20050126_1/Europe/Paris" (RFC 5545's globally unique TZIDs)
        parts = cleaned.strip("/").split("/")
        candidates.extend("/".join(parts[start:]) for start in range(1, len(parts)))
    for candidate in candidates:
        try:
            return valid_time_zone_name(candidate)
        except InvalidInput:
            continue
    return None


def _is_utc(zone: tzinfo, value: datetime) -> bool:
    return zone.utcoffset(value) == timedelta(0) and zone.tzname(value) in _UTC_NAMES
