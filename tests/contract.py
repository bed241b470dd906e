"""The API contract (docs/api.md), checked from outside against a running starter.

One suite for the three starters: the schema each serves is brought to its structure (what a
client generator or a client relies on) and compared with docs/api-contract.json; the same
scenario and the same error cases run against each server.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

REFERENCE = Path(__file__).resolve().parents[1] / "docs" / "api-contract.json"

# What the contract lets differ: prose, examples, the generator's own bookkeeping. Everything
# else (names, types, bounds, formats, required sets, statuses, media types, security) counts.
PROSE = {"title", "description", "summary", "example", "examples", "externalDocs", "tags"}
# Writing direction is implied by where a schema is used; NUL refusal is enforced by all three
# starters but documented (as a pattern) only where the framework writes one.
UNENFORCED = {"readOnly", "writeOnly", "pattern", "additionalProperties", "deprecated"}
OPERATION_KEYS = {"operationId", "parameters", "requestBody", "responses", "security"}
METHODS = {"get", "put", "post", "patch", "delete", "options", "head"}


def _resolve(document: Mapping[str, Any], node: Any) -> Any:
    """Inline references to shared responses and parameters (flask-smorest uses them)."""
    if isinstance(node, dict) and "$ref" in node:
        ref = str(node["$ref"])
        if ref.startswith(("#/components/responses/", "#/components/parameters/")):
            _, _, kind, name = ref.split("/")
            return _resolve(document, document["components"][kind][name])
    return node


def _schema(node: Any) -> Any:
    if isinstance(node, list):
        return [_schema(item) for item in node]
    if not isinstance(node, dict):
        return int(node) if isinstance(node, float) and node.is_integer() else node
    result: dict[str, Any] = {}
    for key, value in node.items():
        if key in PROSE or key in UNENFORCED or key.startswith("x-"):
            continue
        if key == "properties":
            result[key] = {name: _schema(prop) for name, prop in value.items()}
        elif key == "required":
            result[key] = sorted(value)
        elif key == "const":
            result["enum"] = [value]
        elif key == "default" and value is None:
            continue  # a null default documents nothing: the key is simply absent
        else:
            result[key] = _schema(value)
    if "enum" in result and "type" not in result:
        result["type"] = "string"
    if result.get("required") == []:
        del result["required"]
    return result


def _content(document: Mapping[str, Any], content: Mapping[str, Any]) -> dict[str, Any]:
    return {media: _schema(body.get("schema", {})) for media, body in content.items()}


def _operation(
    document: Mapping[str, Any], operation: Mapping[str, Any], shared: list[Any]
) -> dict[str, Any]:
    result: dict[str, Any] = {"operationId": operation.get("operationId")}
    # Parameters may sit on the path (flask-smorest puts path parameters there) or the operation.
    parameters = [_resolve(document, p) for p in [*shared, *operation.get("parameters", [])]]
    result["parameters"] = sorted(
        (
            {
                "name": p["name"],
                "in": p["in"],
                "required": bool(p.get("required", False)),
                "schema": _schema(p.get("schema", {})),
            }
            for p in parameters
        ),
        key=lambda p: (p["in"], p["name"]),
    )
    if "requestBody" in operation:
        body = _resolve(document, operation["requestBody"])
        result["requestBody"] = {
            "required": bool(body.get("required", False)),
            "content": _content(document, body.get("content", {})),
        }
    result["responses"] = {
        str(status): _content(document, _resolve(document, response).get("content", {}))
        for status, response in sorted(operation.get("responses", {}).items())
    }
    result["security"] = operation.get("security", [])
    return result


def structure(document: Mapping[str, Any]) -> dict[str, Any]:
    """The parts of an OpenAPI document the contract fixes, in one canonical form."""
    components = document.get("components", {})
    return {
        "openapi": document.get("openapi"),
        "security": document.get("security", []),
        "paths": {
            path: {
                method: _operation(document, operation, item.get("parameters", []))
                for method, operation in sorted(item.items())
                if method in METHODS
            }
            for path, item in sorted(document.get("paths", {}).items())
        },
        "schemas": {
            name: _schema(schema) for name, schema in sorted(components.get("schemas", {}).items())
        },
        "securitySchemes": components.get("securitySchemes", {}),
    }


def differences(actual: Any, expected: Any, where: str = "") -> list[str]:
    """Every place two structures differ, as `path: actual != expected` lines."""
    if isinstance(actual, dict) and isinstance(expected, dict):
        found: list[str] = []
        for key in sorted(set(actual) | set(expected), key=str):
            here = f"{where}/{key}"
            if key not in expected:
                found.append(f"{here}: not in the contract")
            elif key not in actual:
                found.append(f"{here}: missing")
            else:
                found += differences(actual[key], expected[key], here)
        return found
    if actual != expected:
        return [f"{where or '/'}: {json.dumps(actual)} != {json.dumps(expected)}"]
    return []


def reference() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(REFERENCE.read_text(encoding="utf-8"))
    return loaded
