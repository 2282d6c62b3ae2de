"""The API tokens page: make a token (shown once), see it listed with its use, revoke it."""

from __future__ import annotations

import re

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.e2e.web.browsing import Visitor

Client = AsyncTestClient[Litestar]
SECRET = re.compile(r'id="new-token" readonly value="(plnr_[A-Za-z0-9_-]+)"')


async def test_a_token_made_on_the_page_is_shown_once_works_and_is_revoked_from_the_list(client: Client) -> None:
    ada = Visitor(client)
    assert (await ada.sign_up("Ada", "ada@example.com")).status_code == 303

    made = await ada.submit("/tokens", "/tokens", {"name": "Sync script", "scopes": ["events:read", "rooms:read"]})

    assert made.status_code == 200, made.text
    found = SECRET.search(made.text)
    assert found, "the new token is not shown"
    secret = found.group(1)
    me = await client.get("/api/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200
    listed = await ada.open("/tokens")
    assert "Sync script" in listed.text
    assert secret not in listed.text
    assert "<code>events:read</code>, <code>rooms:read</code>" in listed.text
    assert "from " in listed.text  # last used, and from where
    token_id = re.search(r'action="/tokens/([0-9a-f-]+)/revoke"', listed.text)
    assert token_id

    revoked = await ada.submit("/tokens", f"/tokens/{token_id.group(1)}/revoke", {})

    assert revoked.status_code == 303
    assert (await client.get("/api/me", headers={"Authorization": f"Bearer {secret}"})).status_code == 401
    assert "Sync script" not in (await ada.open("/tokens")).text


async def test_a_token_without_scopes_or_with_a_past_expiry_is_refused_next_to_the_field(client: Client) -> None:
    ada = Visitor(client)
    assert (await ada.sign_up("Ada", "ada@example.com")).status_code == 303

    no_scopes = await ada.submit("/tokens", "/tokens", {"name": "Empty"})
    assert no_scopes.status_code == 422
    assert 'id="scopes-error"' in no_scopes.text
    assert 'value="Empty"' in no_scopes.text  # what was typed is kept

    past = await ada.submit("/tokens", "/tokens", {"name": "Old", "scopes": "events:read", "expires": "2020-01-01"})
    assert past.status_code == 422
    assert 'id="expires-error"' in past.text


async def test_only_administrators_are_offered_the_admin_scope(client: Client) -> None:
    admin, person = Visitor(client), Visitor(client)
    assert (await admin.sign_up("Root", "root@example.com")).status_code == 303  # the first account administers
    assert (await person.sign_up("Bea", "bea@example.com")).status_code == 303

    assert 'value="admin"' in (await admin.open("/tokens")).text
    assert 'value="admin"' not in (await person.open("/tokens")).text
    refused = await person.submit("/tokens", "/tokens", {"name": "Sneaky", "scopes": "admin"})
    assert refused.status_code == 403
    assert "administrators" in refused.text
