"""People using the web pages through the test client: each with their own cookies, CSRF tokens and forms."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import httpx
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.e2e.people import PASSWORD

HTML = {"Accept": "text/html"}
_TOKEN = re.compile(r'name="_csrf_token" value="([^"]+)"')


def csrf_token(html: str) -> str:
    found = _TOKEN.search(html)
    assert found, "the page has no CSRF token"
    return found.group(1)


@dataclass
class Visitor:
    """One browser: its own cookie jar, swapped into the shared test client for each request."""

    client: AsyncTestClient[Litestar]
    jar: httpx.Cookies = field(default_factory=httpx.Cookies)

    async def _send(self, method: str, path: str, **kw: Any) -> httpx.Response:
        self.client.cookies = httpx.Cookies(self.jar)
        try:
            return await self.client.request(method, path, headers=HTML, follow_redirects=False, **kw)
        finally:
            self.jar = httpx.Cookies(self.client.cookies)
            self.client.cookies = httpx.Cookies()

    async def open(self, path: str) -> httpx.Response:
        return await self._send("GET", path)

    async def api(self, method: str, path: str, json: Any = None, *, csrf: bool = True, **kw: Any) -> httpx.Response:
        """The JSON API with this browser's session cookie and, like htmx on our pages, its CSRF header."""
        headers = {"Accept": "application/json", **kw.pop("headers", {})}
        if csrf and "planner_csrf" in self.jar:
            headers["x-csrftoken"] = self.jar["planner_csrf"]
        self.client.cookies = httpx.Cookies(self.jar)
        try:
            return await self.client.request(method, path, json=json, headers=headers, **kw)
        finally:
            self.client.cookies = httpx.Cookies()

    async def post(self, path: str, fields: dict[str, Any]) -> httpx.Response:
        return await self._send("POST", path, data=fields)

    async def submit(self, page: str, action: str, fields: dict[str, Any]) -> httpx.Response:
        """Fill in the form on `page` (for its CSRF token) and post it to `action`."""
        token = csrf_token((await self.open(page)).text)
        return await self.post(action, {"_csrf_token": token, **fields})

    async def sign_up(self, name: str, email: str) -> httpx.Response:
        return await self.submit(
            "/signup", "/signup", {"name": name, "email": email, "password": PASSWORD, "timezone": "Europe/Paris"}
        )
