"""Optimistic concurrency over HTTP: an event's version as its ETag, checked through If-Match."""

from __future__ import annotations

import re

_ETAG = re.compile(r'^(?:W/)?"v(\d{1,18})"$')
NEVER_MATCHES = -1


def etag(version: int) -> str:
    return f'"v{version}"'


def expected_version(if_match: str | None) -> int | None:
    """The version If-Match asks for: None without a precondition, NEVER_MATCHES for a foreign tag."""
    if if_match is None or if_match.strip() == "*":
        return None
    for candidate in if_match.split(","):
        found = _ETAG.match(candidate.strip())
        if found:
            return int(found.group(1))
    return NEVER_MATCHES
