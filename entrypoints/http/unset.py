"""msgspec's UNSET (a field the client left out) becomes the domain's UNSET."""

from __future__ import annotations

from typing import TypeVar

import msgspec

from domain.changes import UNSET, UnsetType

T = TypeVar("T")


def unset_to_domain(value: T | msgspec.UnsetType) -> T | UnsetType:
    return UNSET if value is msgspec.UNSET else value
