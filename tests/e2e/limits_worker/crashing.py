"""A worker process that dies as it starts (as one would with its Redis unreachable); light, so it starts fast."""

from __future__ import annotations

import sys

from entrypoints.settings import Settings


def die_at_start(settings: Settings) -> None:
    sys.exit(3)
