"""IANA time zone names, checked against the zone database."""

from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from domain.errors import InvalidInput

MAX_TIMEZONE_LENGTH = 64


def time_zone(name: str, *, field: str = "timezone") -> ZoneInfo:
    """Return the zone called `name` (e.g. 'Europe/Paris'), or refuse a name the database does not know."""
    if not name or len(name) > MAX_TIMEZONE_LENGTH or name not in _iana_names():
        raise InvalidInput(field, f"{field} must be an IANA time zone name such as Europe/Paris")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise InvalidInput(field, f"{field} must be an IANA time zone name such as Europe/Paris") from None


def valid_time_zone_name(name: str, *, field: str = "timezone") -> str:
    """Return `name` once it is known to be an IANA time zone."""
    time_zone(name, field=field)
    return name


@cache
def _iana_names() -> frozenset[str]:
    """The zone names any host knows alike: not the host's own (`localtime`) nor tzdata's variant trees."""
    return frozenset(
        name
        for name in available_timezones()
        if not name.startswith(("posix/", "right/")) and name not in ("localtime", "posixrules", "Factory")
    )
