"""Personal API tokens as the domain makes them: a scanner-recognisable secret, kept only as its SHA-256."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from application.accounts.api_tokens import USE_NOTED_EVERY, use_api_token
from application.accounts.dto import UseApiToken
from domain.accounts.api_token import ApiToken, TokenScope, api_token_digest, is_api_token
from domain.accounts.ports import TokenHolder
from domain.errors import InvalidInput, PermissionDenied

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def issue(**overrides: object) -> tuple[ApiToken, str]:
    fields: dict[str, object] = {
        "user_id": uuid4(),
        "name": "sync",
        "scopes": [TokenScope.EVENTS_READ],
        "expires_at": None,
        "owner_is_admin": False,
        "now": NOW,
    }
    fields.update(overrides)
    return ApiToken.issue(**fields)  # type: ignore[arg-type]


def test_a_token_secret_is_prefixed_random_and_stored_only_as_its_digest() -> None:
    token, secret = issue()
    _, other_secret = issue()
    assert secret.startswith("plnr_")
    assert is_api_token(secret)
    assert secret != other_secret
    assert token.token_digest == api_token_digest(secret)
    assert secret not in repr(token)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"scopes": []}, "scopes"),
        ({"expires_at": NOW}, "expires_at"),
    ],
)
def test_a_token_asked_for_wrongly_names_the_field(overrides: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        issue(**overrides)
    assert refused.value.field == field


def test_only_an_administrator_gives_a_token_the_admin_scope() -> None:
    with pytest.raises(PermissionDenied):
        issue(scopes=[TokenScope.ADMIN])
    token, _ = issue(scopes=[TokenScope.ADMIN], owner_is_admin=True)
    assert token.scopes == {TokenScope.ADMIN}


def test_a_jwt_is_never_taken_for_an_api_token() -> None:
    assert not is_api_token("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig")
    assert not is_api_token("plnr_short")


class Clock:
    def __init__(self, now: datetime) -> None:
        self.at = now

    def now(self) -> datetime:
        return self.at


class Tokens:
    """An in-memory ApiTokenStore holding one token, counting the uses it is told of."""

    def __init__(self, holder: TokenHolder, digest: str) -> None:
        self.holder_, self.digest, self.noted = holder, digest, 0

    async def holder(self, token_digest: str, *, now: datetime) -> TokenHolder | None:
        return self.holder_ if token_digest == self.digest else None

    async def note_use(self, token_id: object, *, at: datetime, address: str | None) -> None:
        self.noted += 1
        self.holder_ = TokenHolder(
            token_id=self.holder_.token_id,
            user_id=self.holder_.user_id,
            is_admin=False,
            scopes=self.holder_.scopes,
            expires_at=None,
            last_used_at=at,
            last_used_from=address,
        )


async def test_use_is_written_down_once_a_minute_or_when_the_address_changes() -> None:
    token, secret = issue()
    holder = TokenHolder(token.id, token.user_id, False, token.scopes, None, None, None)
    tokens, clock = Tokens(holder, token.token_digest), Clock(NOW)

    async def use(address: str) -> None:
        assert await use_api_token(UseApiToken(secret=secret, address=address), tokens=tokens, clock=clock)  # type: ignore[arg-type]

    await use("10.0.0.1")
    await use("10.0.0.1")
    assert tokens.noted == 1
    await use("10.0.0.2")
    assert tokens.noted == 2
    clock.at += USE_NOTED_EVERY + timedelta(seconds=1)
    await use("10.0.0.2")
    assert tokens.noted == 3
    assert await use_api_token(UseApiToken(secret="plnr_" + "y" * 43), tokens=tokens, clock=clock) is None  # type: ignore[arg-type]
