"""The web client's npm packages, installed once for the tests that load pages."""

from __future__ import annotations

import pytest

from entrypoints.web.assets import AssetsMissing, ensure_assets


def installed_assets() -> None:
    try:
        ensure_assets()
    except AssetsMissing as exc:
        pytest.fail(str(exc))
