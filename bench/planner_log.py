"""What planner logged while under load: the reasons behind 5xx answers, counted."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path


def logged_errors(log: Path, limit: int = 5) -> list[tuple[int, str]]:
    """The most frequent errors in planner's JSON log lines, as (count, one-line reason)."""
    reasons: Counter[str] = Counter()
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if not isinstance(entry, dict) or entry.get("level") not in {"error", "critical"}:
            continue
        reasons[_reason(entry)] += 1
    return [(count, reason) for reason, count in reasons.most_common(limit)]


def _reason(entry: dict[str, object]) -> str:
    where = " ".join(str(entry[key]) for key in ("method", "path") if key in entry)
    cause = _last_exception_line(str(entry.get("exception") or "")) or str(entry.get("error") or "")
    return f"{entry.get('event')} {where}: {cause}"[:300]


def _last_exception_line(traceback: str) -> str:
    """The `module.Error: message` line of the innermost-last exception, without SQLAlchemy's footers."""
    for line in reversed(traceback.splitlines()):
        if line and not line[0].isspace() and not line.startswith(("(Background", "[SQL", "[parameters", "Traceback")):
            return line
    return ""
