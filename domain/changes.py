"""Partial changes: a field left out of a change is UNSET, which differs from setting it to None."""

import enum
from typing import Final, Literal, TypeAlias


class Unset(enum.Enum):
    """The type of UNSET."""

    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = Unset.UNSET
UnsetType: TypeAlias = Literal[Unset.UNSET]
