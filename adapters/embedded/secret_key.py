"""The SECRET_KEY a `planner up` keeps in its data dir: made once, readable by its owner only."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from adapters.embedded.errors import EmbeddedServerError

SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name, not a secret


def load_or_create_secret_key(data_dir: Path, make: Callable[[], str]) -> str:
    """The key stored in `data_dir`, or a new one from `make`, written with mode 0600 first."""
    path = data_dir.resolve() / SECRET_KEY_FILE
    if not path.exists():
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
            draft = path.with_name(f"{SECRET_KEY_FILE}.{os.getpid()}")
            descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w") as handle:
                handle.write(make() + "\n")
            try:
                # A link never replaces: of two starts at once, one key wins and both read it.
                os.link(draft, path)
            except FileExistsError:
                pass
            finally:
                draft.unlink()
        except OSError as exc:
            raise EmbeddedServerError(
                f"cannot use data dir {data_dir.resolve()}: {exc.strerror}; choose a writable one with --data-dir "
                "or set SECRET_KEY"
            ) from exc
    try:
        key = path.read_text().strip()
    except OSError as exc:
        raise EmbeddedServerError(f"cannot read the SECRET_KEY in {path}: {exc.strerror}; set SECRET_KEY") from exc
    if not key:
        raise EmbeddedServerError(f"{path} is empty: delete it to have a new SECRET_KEY made (sessions end)")
    return key
