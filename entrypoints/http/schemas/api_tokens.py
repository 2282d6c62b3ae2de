"""Personal API tokens: what is asked for, the one answer that holds the secret, and the list."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec

from domain.accounts.api_token import MAX_NAME_LENGTH, ApiToken, TokenScope
from entrypoints.http.schemas.fields import AwareDateTime

TokenName = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_NAME_LENGTH, examples=["nightly export"])]
Scopes = Annotated[
    list[TokenScope],
    msgspec.Meta(
        min_length=1,
        max_length=len(TokenScope),
        description="What the token may do; `admin` only for administrators",
        examples=[["events:read", "events:write", "rooms:read"]],
    ),
]


class ApiTokenCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: TokenName
    scopes: Scopes
    expires_at: Annotated[
        AwareDateTime | None, msgspec.Meta(description="When it stops working; null (the default) for never")
    ] = None


class ApiTokenInfo(msgspec.Struct):
    """A token as listed: never its secret."""

    id: UUID
    name: str
    scopes: list[TokenScope]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    last_used_from: str | None

    @classmethod
    def of(cls, token: ApiToken) -> ApiTokenInfo:
        return cls(
            id=token.id,
            name=token.name,
            scopes=sorted(token.scopes),
            created_at=token.created_at,
            expires_at=token.expires_at,
            last_used_at=token.last_used_at,
            last_used_from=token.last_used_from,
        )


class NewApiToken(msgspec.Struct):
    """A new token with its secret, `token`: shown this once, never again (only its SHA-256 is kept)."""

    id: UUID
    name: str
    scopes: list[TokenScope]
    created_at: datetime
    expires_at: datetime | None
    token: Annotated[str, msgspec.Meta(description="Send it as `Authorization: Bearer plnr_...`")]


class ApiTokenList(msgspec.Struct):
    items: list[ApiTokenInfo]
