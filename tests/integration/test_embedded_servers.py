from __future__ import annotations

from pathlib import Path

import pytest
import redis

from adapters.embedded.data_dir import DataDirLock
from adapters.embedded.errors import EmbeddedServerError
from adapters.embedded.redis import EmbeddedRedis


def test_a_second_lock_on_the_same_data_dir_is_refused_with_the_holder(tmp_path: Path) -> None:
    first = DataDirLock(tmp_path)
    first.acquire()
    try:
        with pytest.raises(EmbeddedServerError, match="already running"):
            DataDirLock(tmp_path).acquire()
    finally:
        first.release()
    second = DataDirLock(tmp_path)
    second.acquire()  # released locks leave nothing stale behind
    second.release()


def test_an_unwritable_data_dir_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(EmbeddedServerError, match="cannot use data dir"):
        DataDirLock(blocker / "data").acquire()


def test_embedded_redis_keeps_its_data_across_restarts(tmp_path: Path) -> None:
    server = EmbeddedRedis(tmp_path)
    server.start()
    try:
        client = redis.Redis(unix_socket_path=str(server.socket))
        client.set("kept", "yes")
        client.close()
    finally:
        server.stop()
    assert not server.socket.exists() or not _answers(server)
    server.start()
    try:
        client = redis.Redis(unix_socket_path=str(server.socket))
        assert client.get("kept") == b"yes"
        client.close()
    finally:
        server.stop()


def _answers(server: EmbeddedRedis) -> bool:
    try:
        return bool(redis.Redis(unix_socket_path=str(server.socket), socket_timeout=0.5).ping())
    except (redis.RedisError, OSError):
        return False
