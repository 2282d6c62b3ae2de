"""The launchers' multiprocess directory: fresh at start, gone at exit; an operator's own is left as it is."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from entrypoints.telemetry.multiprocess import MULTIPROC_DIR_VARIABLE, own_metrics_dir


def test_the_launcher_wipes_its_directory_at_start_and_removes_it_at_exit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(MULTIPROC_DIR_VARIABLE, raising=False)
    where = tmp_path / "metrics"
    where.mkdir()
    (where / "counter_123.db").write_bytes(b"a dead process's counts")
    with own_metrics_dir(where) as directory:
        assert directory == where
        assert os.environ[MULTIPROC_DIR_VARIABLE] == str(where)
        assert list(where.iterdir()) == []
    assert not where.exists()
    assert MULTIPROC_DIR_VARIABLE not in os.environ


def test_without_a_place_the_launcher_makes_a_temporary_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MULTIPROC_DIR_VARIABLE, raising=False)
    with own_metrics_dir() as directory:
        assert directory.is_dir()
        assert os.environ[MULTIPROC_DIR_VARIABLE] == str(directory)
    assert not directory.exists()


def test_an_operators_directory_is_used_as_it_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shared = tmp_path / "shared"
    monkeypatch.setenv(MULTIPROC_DIR_VARIABLE, str(shared))
    with own_metrics_dir(tmp_path / "ignored") as directory:
        assert directory == shared
        (shared / "counter_1.db").write_bytes(b"the web's counts")
    assert (shared / "counter_1.db").exists(), "another process on the host still writes there"
    assert os.environ[MULTIPROC_DIR_VARIABLE] == str(shared)
