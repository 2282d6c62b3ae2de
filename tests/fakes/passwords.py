"""A password hasher for tests: instant, and obviously not secure."""


class FakePasswordHasher:
    """Hashes by tagging the password; counts how often it hashed."""

    def __init__(self) -> None:
        self.hashed = 0

    async def hash(self, password: str) -> str:
        """Return a recognizable stand-in for a hash."""
        self.hashed += 1
        return f"fake-hash:{password[::-1]}"

    async def verify(self, password_hash: str, password: str) -> bool:
        """Tell whether the stand-in was made from `password`."""
        return password_hash == f"fake-hash:{password[::-1]}"
