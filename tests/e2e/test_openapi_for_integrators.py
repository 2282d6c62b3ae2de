"""The OpenAPI document as integrators read it: every operation described, with examples and the scope it needs."""

from __future__ import annotations

from typing import Any

from litestar import Litestar

from entrypoints.http.scopes import describe

ACCESS_SENTENCES = {describe(access) for access in ("any token", "sessions only")}


def operations(app: Litestar) -> list[tuple[str, dict[str, Any]]]:
    schema = app.openapi_schema.to_schema()
    return [(f"{method.upper()} {path}", op) for path, item in schema["paths"].items() for method, op in item.items()]


def test_every_operation_says_what_it_does_beyond_the_scope_it_needs(app: Litestar) -> None:
    bare = []
    for route, operation in operations(app):
        text = operation.get("description", "")
        said = [part for part in text.split("\n\n") if part and "API token" not in part]
        if not said or not operation.get("summary"):
            bare.append(route)
    assert not bare, f"operations without a summary or a description of their own: {bare}"


def test_every_json_body_has_an_example(app: Litestar) -> None:
    missing = []
    for route, operation in operations(app):
        content = operation.get("requestBody", {}).get("content", {})
        json_body = content.get("application/json")
        if json_body is not None and not (json_body.get("examples") or json_body["schema"].get("examples")):
            missing.append(route)
    assert not missing, f"JSON request bodies without an example: {missing}"


def test_every_api_operation_names_its_token_scope_in_security(app: Litestar) -> None:
    schema = app.openapi_schema.to_schema()
    tokens = schema["paths"]["/api/tokens"]["post"]
    assert "Not for API tokens" in tokens["description"]
    rooms = schema["paths"]["/api/rooms"]["post"]
    assert rooms["security"] == [{"BearerToken": ["rooms:write"]}]
    assert "`rooms:write`" in rooms["description"]
    assert schema["paths"]["/api/me"]["get"]["security"] == [{"BearerToken": []}]
