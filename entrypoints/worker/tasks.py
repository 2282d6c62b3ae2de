"""SAQ tasks: keyword-only arguments, JSON-able results, idempotent."""

from __future__ import annotations

from typing import Any

from saq.types import Context


async def ping(_: Context, *, echo: str = "pong") -> dict[str, Any]:
    """Answer at once; lets operators and tests see a worker take a job end to end."""
    return {"echo": echo}
