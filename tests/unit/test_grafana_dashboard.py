"""deploy/grafana/planner.json charts series planner exports (the ones docs/operations.md lists)."""

from __future__ import annotations

import json
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SUFFIXES = re.compile(r"_(bucket|sum|count|total)$")


def test_every_series_the_dashboard_charts_is_one_planner_exports() -> None:
    dashboard = json.loads((REPO / "deploy" / "grafana" / "planner.json").read_text())
    charted = {
        SUFFIXES.sub("", name)
        for panel in dashboard["panels"]
        for target in panel["targets"]
        for name in re.findall(r"planner_[a-z_]+", target["expr"])
    }
    documented = {
        SUFFIXES.sub("", name)
        for name in re.findall(r"`(planner_[a-z_]+)", (REPO / "docs" / "operations.md").read_text())
    }
    assert charted, "the dashboard charts nothing"
    assert charted <= documented, f"charted but not exported/documented: {sorted(charted - documented)}"
