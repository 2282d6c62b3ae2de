"""Identifiers for new entities: time-ordered UUIDs (version 7) so inserts stay index-friendly."""

import secrets
from datetime import datetime
from uuid import UUID

_VERSION_7 = 0x7
_RFC_4122_VARIANT = 0b10


def new_id(now: datetime) -> UUID:
    """Return a fresh UUIDv7 whose timestamp part is `now`."""
    milliseconds = int(now.timestamp() * 1000) & ((1 << 48) - 1)
    random_a = secrets.randbits(12)
    random_b = secrets.randbits(62)
    value = (milliseconds << 80) | (_VERSION_7 << 76) | (random_a << 64) | (_RFC_4122_VARIANT << 62) | random_b
    return UUID(int=value)
