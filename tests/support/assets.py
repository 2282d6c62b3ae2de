"""The web client's npm packages, installed once for the tests that load pages."""

from __future__ import annotations

import os

import pytest

from entrypoints.web.assets import AssetsMissing, ensure_assets


def installed_assets() -> None:
    """`npm ci` if needed; without npm the web tests skip locally and fail in CI (CI=true)."""
    try:
        ensure_assets()
    except AssetsMissing as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true: {exc}")
        pytest.skip(str(exc))
