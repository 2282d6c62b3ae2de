"""Factories for people and things over the public HTTP API."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)


@dataclass
class Person:
    client: AsyncTestClient[Litestar]
    id: str
    email: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def get(self, path: str, **kw: Any) -> Any:
        return await self.client.get(path, headers={**self.auth, **kw.pop("headers", {})}, **kw)

    async def post(self, path: str, json: Any = None, **kw: Any) -> Any:
        return await self.client.post(path, json=json, headers={**self.auth, **kw.pop("headers", {})}, **kw)

    async def patch(self, path: str, json: Any = None, **kw: Any) -> Any:
        return await self.client.patch(path, json=json, headers={**self.auth, **kw.pop("headers", {})}, **kw)

    async def put(self, path: str, json: Any = None, **kw: Any) -> Any:
        return await self.client.put(path, json=json, headers={**self.auth, **kw.pop("headers", {})}, **kw)

    async def delete(self, path: str, **kw: Any) -> Any:
        return await self.client.delete(path, headers={**self.auth, **kw.pop("headers", {})}, **kw)


async def sign_up(client: AsyncTestClient[Litestar], name: str | None = None) -> Person:
    number = next(_numbers)
    name = name or f"person{number}"
    email = f"{name}-{number}@example.com"
    registered = await client.post("/api/auth/register", json={"email": email, "password": PASSWORD, "name": name})
    assert registered.status_code == 201, registered.text
    login = await client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    client.cookies.clear()  # these people speak with bearer tokens; cookie tests set their own
    return Person(client=client, id=registered.json()["id"], email=email, token=login.json()["access_token"])


def day(offset_days: int = 3) -> datetime:
    return (datetime.now(UTC) + timedelta(days=offset_days)).replace(hour=0, minute=0, second=0, microsecond=0)


def at(hour: int, minute: int = 0, *, offset_days: int = 3) -> str:
    return (day(offset_days) + timedelta(hours=hour, minutes=minute)).isoformat()


def window(start_hour: int = 0, end_hour: int = 24, *, offset_days: int = 3) -> dict[str, str]:
    return {"start": at(start_hour, offset_days=offset_days), "end": at(end_hour, offset_days=offset_days)}
