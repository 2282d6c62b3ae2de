"""Which jobs a worker keeps touching while they run, so that a dead worker's job is retried within seconds."""

from entrypoints.worker.heartbeat import JOB_HEARTBEAT_S, needs_heartbeat


def test_a_job_whose_timeout_is_short_needs_no_heartbeat() -> None:
    assert needs_heartbeat(timeout=10, heartbeat=0) == 0
    assert needs_heartbeat(timeout=JOB_HEARTBEAT_S, heartbeat=0) == 0


def test_a_long_or_endless_job_gets_the_heartbeat() -> None:
    assert needs_heartbeat(timeout=3600, heartbeat=0) == JOB_HEARTBEAT_S
    assert needs_heartbeat(timeout=0, heartbeat=0) == JOB_HEARTBEAT_S


def test_a_job_enqueued_with_a_heartbeat_keeps_it() -> None:
    assert needs_heartbeat(timeout=3600, heartbeat=4) == 4
