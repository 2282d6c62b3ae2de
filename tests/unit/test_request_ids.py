from __future__ import annotations

from entrypoints.logs import new_request_id


def test_a_well_formed_incoming_request_id_is_kept() -> None:
    assert new_request_id("lb-7f3a.42") == "lb-7f3a.42"


def test_a_missing_or_hostile_request_id_is_replaced() -> None:
    made = new_request_id(None)
    assert len(made) == 32
    assert new_request_id("x" * 500) != "x" * 500
    assert "\n" not in new_request_id("abc\ninjected: yes")
