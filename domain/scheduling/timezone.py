"""IANA time zone names, checked against the zone database."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.errors import InvalidInput

MAX_TIMEZONE_LENGTH = 64


def time_zone(name: str, *, field: str = "timezone") -> ZoneInfo:
    """Return the zone called `name` (e.g. 'Europe/Paris'), or refuse a name the database does not know."""
    if not name or len(name) > MAX_TIMEZONE_LENGTH:
        raise InvalidInput(field, f"{field} must be an IANA time zone name such as Europe/Paris")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise InvalidInput(field, f"{field} must be an IANA time zone name such as Europe/Paris") from None


def valid_time_zone_name(name: str, *, field: str = "timezone") -> str:
    """Return `name` once it is known to be an IANA time zone."""
    time_zone(name, field=field)
    return name
