"""Who may create an account: anyone, people an administrator invited, or people of some email domains."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class RegistrationMode(StrEnum):
    OPEN = "open"
    INVITE = "invite"
    DOMAIN = "domain"


@dataclass(frozen=True)
class RegistrationPolicy:
    """REGISTRATION: `open`, `invite`, or `domain:example.com,example.org` (an invitation admits anyone)."""

    mode: RegistrationMode = RegistrationMode.OPEN
    domains: tuple[str, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.mode is RegistrationMode.OPEN

    def admits_uninvited(self, email: str) -> bool:
        """Whether this (normalized) email may sign up without an invitation."""
        if self.mode is RegistrationMode.OPEN:
            return True
        if self.mode is RegistrationMode.DOMAIN:
            return email.rpartition("@")[2] in self.domains
        return False

    @property
    def text(self) -> str:
        """The REGISTRATION value that reads back as this policy."""
        return f"domain:{','.join(self.domains)}" if self.mode is RegistrationMode.DOMAIN else self.mode.value


OPEN_REGISTRATION = RegistrationPolicy()
