"""Logs and task answers hold no secrets: no bound SQL values, no worker tracebacks."""

from __future__ import annotations

from adapters.postgres.engine import create_engine
from entrypoints.http.schemas.jobs import task_error

TRACEBACK = (
    'Traceback (most recent call last):\n  File "/app/adapters/google/oauth.py", line 3\n'
    "GoogleError: refresh_token=1//0abc"
)


async def test_engine_keeps_bound_values_out_of_error_messages() -> None:
    engine = create_engine("postgresql://planner@localhost:1/planner")
    try:
        assert engine.sync_engine.hide_parameters is True
    finally:
        await engine.dispose()


def test_a_failed_task_answers_a_code_and_a_sentence_not_the_traceback() -> None:
    error = task_error("failed", TRACEBACK)
    assert error is not None
    assert error.code == "task_failed"
    assert "Traceback" not in error.message
    assert "refresh_token" not in error.message


def test_a_task_retrying_after_a_failed_attempt_says_so_without_details() -> None:
    error = task_error("queued", TRACEBACK)
    assert error is not None
    assert (error.code, "oauth.py" in error.message) == ("task_retrying", False)
    assert task_error("complete", None) is None
