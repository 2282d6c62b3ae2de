"""Whether an event blocks its people's time: RFC 5545 TRANSP (OPAQUE is "busy", TRANSPARENT is "free")."""

import enum


class Transparency(enum.StrEnum):
    """What free/busy and suggestions make of an event: its time taken ("busy") or left free ("free")."""

    BUSY = "busy"
    FREE = "free"

    @classmethod
    def default_for(cls, *, all_day: bool) -> "Transparency":
        """An all-day event leaves the day free unless said otherwise (a holiday, a birthday, as Google does)."""
        return cls.FREE if all_day else cls.BUSY
