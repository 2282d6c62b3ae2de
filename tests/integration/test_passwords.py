"""Argon2 password hashing: salted, checkable, and refusing what it did not make."""

import pytest

from adapters.passwords import Argon2PasswordHasher


@pytest.fixture
def hasher() -> Argon2PasswordHasher:
    """A hasher with light parameters: the algorithm is the same, the test is faster."""
    return Argon2PasswordHasher(time_cost=1, memory_cost=8_192, parallelism=1)


async def test_a_password_checks_against_its_own_hash_only(hasher: Argon2PasswordHasher) -> None:
    hashed = await hasher.hash("correct horse battery staple")

    assert hashed.startswith("$argon2id$")
    assert await hasher.verify(hashed, "correct horse battery staple")
    assert not await hasher.verify(hashed, "correct horse battery stable")


async def test_the_same_password_hashes_differently_each_time(hasher: Argon2PasswordHasher) -> None:
    assert await hasher.hash("s3cret-enough") != await hasher.hash("s3cret-enough")


async def test_a_malformed_hash_is_a_mismatch_not_an_error(hasher: Argon2PasswordHasher) -> None:
    assert not await hasher.verify("fake-hash:drowssap", "password")
    assert not await hasher.verify("", "password")


async def test_the_default_hasher_checks_hashes_made_with_other_parameters(hasher: Argon2PasswordHasher) -> None:
    assert await Argon2PasswordHasher().verify(await hasher.hash("correct horse"), "correct horse")
