"""What a rate-limit counter answers: the entrypoints decide from it whether a request may go on."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Hit:
    """One counted request: how many the caller made in the current window and when it resets."""

    count: int
    resets_in_s: int


@dataclass(frozen=True)
class Failure:
    """A failed sign-in counted: the pair's failures so far and how long it is now locked (0: not)."""

    count: int
    locked_for_s: int
