import itertools
from collections.abc import Awaitable, Callable

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.e2e.web.browsing import Visitor
from tests.support.assets import installed_assets

_numbers = itertools.count(1)
Visitors = Callable[[str], Awaitable[tuple[Visitor, str]]]


@pytest.fixture(scope="session", autouse=True)
def _assets() -> None:
    installed_assets()


@pytest.fixture
def person(client: AsyncTestClient[Litestar]) -> Visitors:
    """Someone signed up through the sign-up page, in a browser of their own; the first one is the admin."""

    async def signed_up(name: str) -> tuple[Visitor, str]:
        visitor, email = Visitor(client), f"{name}-{next(_numbers)}@example.com"
        answer = await visitor.sign_up(name.title(), email)
        assert answer.status_code == 303, answer.text
        return visitor, email

    return signed_up
