"""Google's own rules for a Calendar API request, read from the discovery document google-api-python-client ships.

The fake Google checks every request it receives against them: a method and path Google has, only the
query parameters that method takes (with values of the right type), its required ones present, and a
body with only the fields its schema names. A request Google would reject fails the test that sent it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

# What Google's reference adds to the document: the fields a channel needs, and what a sync token excludes.
_REQUIRED_BODY_FIELDS = {
    ("events", "watch"): ("id", "type", "address"),
    ("calendarList", "watch"): ("id", "type", "address"),
    ("channels", "stop"): ("id", "resourceId"),
}
_NOT_WITH_SYNC_TOKEN = (
    "iCalUID",
    "orderBy",
    "privateExtendedProperty",
    "q",
    "sharedExtendedProperty",
    "timeMin",
    "timeMax",
    "updatedMin",
)


@dataclass(frozen=True)
class _Method:
    resource: str
    name: str
    http_method: str
    pattern: re.Pattern[str]
    literals: int
    spec: dict[str, Any]


@cache
def discovery_document() -> dict[str, Any]:
    path = resources.files("googleapiclient") / "discovery_cache" / "documents" / "calendar.v3.json"
    return dict(json.loads(path.read_text(encoding="utf-8")))


@cache
def _methods() -> list[_Method]:
    methods = []
    for resource, body in discovery_document()["resources"].items():
        for name, spec in body.get("methods", {}).items():
            template = spec.get("flatPath", spec["path"])
            parts = template.split("/")
            regex = "/".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts)
            literals = sum(1 for part in parts if not part.startswith("{"))
            methods.append(_Method(resource, name, spec["httpMethod"], re.compile(f"^{regex}$"), literals, spec))
    return methods


def violations(http_method: str, route: str, query: dict[str, list[str]], body: bytes) -> list[str]:
    """What Google would refuse in this request (`route` is the path after /calendar/v3/); empty when valid."""
    candidates = [m for m in _methods() if m.http_method == http_method and m.pattern.match(route)]
    if not candidates:
        return [f"{http_method} {route}: no such method in Calendar API v3"]
    method = max(candidates, key=lambda m: m.literals)
    where = f"{method.resource}.{method.name}"
    problems = []
    parameters = method.spec.get("parameters", {})
    global_parameters = discovery_document()["parameters"]
    for name, values in query.items():
        spec = parameters.get(name) or global_parameters.get(name)
        if spec is None or spec.get("location") == "path":
            problems.append(f"{where}: unknown query parameter {name!r}")
            continue
        if len(values) > 1 and not spec.get("repeated"):
            problems.append(f"{where}: {name!r} given {len(values)} times")
        problems += [f"{where}: {name}={value!r} {why}" for value in values if (why := _bad_value(spec, value))]
    for name, spec in parameters.items():
        if spec.get("required") and spec.get("location") == "query" and name not in query:
            problems.append(f"{where}: required query parameter {name!r} missing")
    if "syncToken" in query:
        problems += [f"{where}: {name!r} cannot go with syncToken" for name in _NOT_WITH_SYNC_TOKEN if name in query]
        if query.get("showDeleted") == ["false"]:
            problems.append(f"{where}: showDeleted=false cannot go with syncToken")
    problems += _body_problems(method, where, body)
    return problems


def _bad_value(spec: dict[str, Any], value: str) -> str | None:
    kind = spec.get("type")
    if kind == "boolean" and value not in ("true", "false"):
        return "is not a boolean"
    if kind == "integer":
        try:
            number = int(value)
        except ValueError:
            return "is not an integer"
        if "minimum" in spec and number < int(spec["minimum"]):
            return f"is below {spec['minimum']}"
        if "maximum" in spec and number > int(spec["maximum"]):
            return f"is above {spec['maximum']}"
    if "enum" in spec and value not in spec["enum"]:
        return f"is not one of {spec['enum']}"
    return None


def _body_problems(method: _Method, where: str, body: bytes) -> list[str]:
    request = method.spec.get("request")
    if request is None:
        return [f"{where}: takes no body"] if body.strip() else []
    try:
        payload = json.loads(body or b"{}")
    except ValueError:
        return [f"{where}: the body is not JSON"]
    problems = _fields_problems(request["$ref"], payload, where)
    for name in _REQUIRED_BODY_FIELDS.get((method.resource, method.name), ()):
        if not (isinstance(payload, dict) and payload.get(name)):
            problems.append(f"{where}: body field {name!r} missing")
    return problems


def _fields_problems(schema_name: str, value: Any, where: str) -> list[str]:
    schema = discovery_document()["schemas"][schema_name]
    return _value_problems(schema, value, where)


def _value_problems(schema: dict[str, Any], value: Any, where: str) -> list[str]:
    if value is None:
        return []  # JSON null clears a field (a patch turning a timed event all-day sends "dateTime": null)
    if "$ref" in schema:
        return _fields_problems(schema["$ref"], value, where)
    kind = schema.get("type")
    if kind == "object" and "properties" in schema:
        if not isinstance(value, dict):
            return [f"{where}: expected an object, got {value!r}"]
        problems = []
        for name, field_value in value.items():
            field = schema["properties"].get(name)
            if field is None:
                problems.append(f"{where}: unknown body field {name!r}")
            else:
                problems += _value_problems(field, field_value, f"{where}.{name}")
        return problems
    if kind == "array":
        if not isinstance(value, list):
            return [f"{where}: expected a list"]
        return [problem for item in value for problem in _value_problems(schema.get("items", {}), item, where)]
    return []
