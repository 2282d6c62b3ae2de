"""Optimistic concurrency over HTTP: an event's version (an occurrence's revision) as its ETag, checked by If-Match.

A series answers `"v7"` (its version, bumped by any change to it or to one of its occurrences); one
occurrence answers `"o-<revision>"`, which changes with the series as a whole and with that
occurrence, not with its siblings, so editing one date does not make the ETags held for the others stale.
"""

from __future__ import annotations

import re

_ETAG = re.compile(r'^(?:W/)?"v(\d{1,18})"$')
_OCCURRENCE_ETAG = re.compile(r'^(?:W/)?"o-([0-9a-f]{1,64})"$')
NEVER_MATCHES = -1
NEVER_MATCHING_REVISION = "-"


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


def occurrence_etag(revision: str) -> str:
    return f'"o-{revision}"'


def expected_revision(if_match: str | None) -> str | None:
    """The occurrence revision If-Match asks for: None without a precondition, NEVER_MATCHING_REVISION if foreign."""
    if if_match is None or if_match.strip() == "*":
        return None
    for candidate in if_match.split(","):
        found = _OCCURRENCE_ETAG.match(candidate.strip())
        if found:
            return found.group(1)
    return NEVER_MATCHING_REVISION
