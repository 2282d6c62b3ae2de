"""Password hashing with Argon2id (argon2-cffi), off the event loop."""

import asyncio

from argon2 import PasswordHasher as _Argon2
from argon2.exceptions import InvalidHashError, VerificationError


class Argon2PasswordHasher:
    """Hashes and checks passwords with Argon2id in a worker thread: hashing is slow on purpose."""

    def __init__(self, *, time_cost: int = 3, memory_cost: int = 65_536, parallelism: int = 4) -> None:
        self._argon2 = _Argon2(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)

    async def hash(self, password: str) -> str:
        """Return a salted Argon2id hash of `password`."""
        return await asyncio.to_thread(self._argon2.hash, password)

    async def verify(self, password_hash: str, password: str) -> bool:
        """Tell whether `password` is the one `password_hash` was made from; a malformed hash is a no."""
        try:
            return await asyncio.to_thread(self._argon2.verify, password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
