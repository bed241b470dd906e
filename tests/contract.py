"""The API contract (docs/api.md), checked from outside against a running starter.

One suite for the three starters: the schema each serves is brought to its structure (what a
client generator or a client relies on) and compared with docs/api-contract.json; the same
scenario and the same error cases run against each server.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import harness

PROBLEM_JSON = "application/problem+json"

REFERENCE = Path(__file__).resolve().parents[1] / "docs" / "api-contract.json"

# What the contract lets differ: prose, examples, the generator's own bookkeeping. Everything
# else (names, types, bounds, formats, required sets, statuses, media types, security) counts.
PROSE = {"title", "description", "summary", "example", "examples", "externalDocs", "tags"}
# Writing direction is implied by where a schema is used. (additionalProperties, const and
# enum do count: client generators write different code for them.)
UNENFORCED = {"readOnly", "writeOnly", "deprecated"}
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
        elif key == "default" and value is None:
            continue  # a null default documents nothing: the key is simply absent
        else:
            result[key] = _schema(value)
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


# ---- checks against a running server --------------------------------------------------------

CASES_SOURCE = (
    Path(__file__).resolve().parents[1] / "templates" / "_shared" / "problem_cases.py.jinja"
)
SCENARIO = Path(__file__).with_name("contract_scenario.py")
# Read by openapi-python-client: one package name, whatever the project is called.
CLIENT_CONFIG = "package_name_override: api_client\nproject_name_override: api-client\n"
# The one mypy complaint openapi-python-client 0.29's fixed client.py template earns against
# httpx 0.28's typed __exit__/__aexit__; it is the same for every schema, so it says nothing
# about ours. Anything else mypy finds fails the check.
GENERATOR_TEMPLATE_DEFECT = re.compile(
    r'^api_client/client\.py:\d+: error: Argument 1 to "__a?exit__" of "(Async)?Client" has '
    r'incompatible type "\*tuple\[object, \.\.\.\]"'
)


def schema_is_the_contract(server: harness.Site) -> None:
    """The served /openapi.json has the contract's structure (docs/api-contract.json)."""
    found = differences(structure(server.get("/openapi.json").json()), reference())  # type: ignore[arg-type]
    if found:
        listed = "\n  ".join(found[:40])
        raise harness.CheckFailed(f"/openapi.json differs from the contract:\n  {listed}")


def problem_cases() -> tuple[
    list[tuple[str, str, bytes | None, int, dict[str, str] | None]], dict[str, str]
]:
    """The starters' own error cases (one source, rendered into each starter's tests)."""
    namespace: dict[str, Any] = {"Any": Any}
    exec(compile(CASES_SOURCE.read_text(encoding="utf-8"), str(CASES_SOURCE), "exec"), namespace)
    return namespace["PROBLEM_CASES"], namespace["ALLOW"]


def errors_are_problems(server: harness.Server) -> None:
    """Each error case, over HTTP, answers the contract's problem with the right status."""
    token = harness.access_token(server)
    cases, allow = problem_cases()
    for method, path, body, status, names in cases:
        headers = {"Authorization": f"Bearer {token}"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(server.base_url + path, body, headers, method=method)
        answer = harness.http_request(request, timeout=10)
        where = f"{method} {path} {body!r}"
        try:
            problem = json.loads(answer.body)
        except ValueError:
            raise harness.CheckFailed(
                f"{where}: {answer.status} is not JSON: {answer.body[:200]!r}"
            ) from None
        kind = answer.headers.get("content-type", "")
        if answer.status != status or kind != PROBLEM_JSON or not isinstance(problem, dict):
            raise harness.CheckFailed(
                f"{where}: {answer.status} {kind} {answer.body[:300]!r}, wanted a {status} problem"
            )
        if not {"type", "title", "status", "detail"} <= set(problem) or problem["status"] != status:
            raise harness.CheckFailed(f"{where}: not an RFC 9457 problem: {problem}")
        if names and not any(names.items() <= error.items() for error in problem.get("errors", [])):
            raise harness.CheckFailed(f"{where}: errors do not name {names}: {problem}")
        if status == 405 and answer.headers.get("allow") != allow[path]:
            raise harness.CheckFailed(
                f"{where}: Allow {answer.headers.get('allow')!r}, wanted {allow[path]!r}"
            )


def generated_client(server: harness.Site, workdir: Path) -> Path:
    """openapi-python-client's package for the served schema, generated without a warning and
    passing ruff and mypy; the directory holding it."""
    out = workdir / "generated-client"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    (out / "config.yml").write_text(CLIENT_CONFIG)
    generated = harness.run(
        [
            harness.require("openapi-python-client"),
            "generate",
            "--url",
            server.base_url + "/openapi.json",
            "--meta",
            "none",
            "--output-path",
            str(out / "api_client"),
            "--config",
            str(out / "config.yml"),
        ],
        out,
        # It formats what it writes with the ruff on PATH: fwgen's own.
        env={"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"},
        what="openapi-python-client",
    )
    said = generated.stdout + generated.stderr
    if "warning" in said.lower():
        raise harness.CheckFailed(f"openapi-python-client warned:\n{said[-3000:]}")
    shutil.copy(SCENARIO, out / SCENARIO.name)
    # The scenario is fwgen's own code, linted with the rest of it; here the generated package.
    harness.run(
        [harness.require("ruff"), "check", "--isolated", "--no-cache", "api_client"],
        out,
        what="ruff on the generated client",
    )
    typed = subprocess.run(
        [
            harness.require("mypy"),
            "--no-incremental",
            "--cache-dir",
            os.devnull,
            "api_client",
            SCENARIO.name,
        ],
        cwd=out,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    complaints = [
        line
        for line in typed.stdout.splitlines()
        if ": error:" in line and not GENERATOR_TEMPLATE_DEFECT.match(line)
    ]
    if complaints:
        raise harness.CheckFailed("mypy on the generated client:\n" + "\n".join(complaints[:30]))
    return out


def client_scenario(server: harness.Server, client: Path, admin: tuple[str, str]) -> None:
    """The contract's scenario through the generated client (tests/contract_scenario.py)."""
    harness.run(
        [sys.executable, SCENARIO.name, server.base_url, *admin],
        client,
        timeout=120,
        what="the contract scenario through the generated client",
    )


def docs_load_nothing_from_elsewhere(server: harness.Site) -> None:
    """/docs and /redoc name no absolute http(s) URL: the docs work offline."""
    for path in ("/docs", "/redoc"):
        page = server.get(path)
        found = re.findall(rb"""(?:src|href)\s*=\s*["']?(https?://[^"' >]+)""", page.body)
        found += re.findall(rb"""@import\s+(?:url\()?["']?(https?://[^"' )]+)""", page.body)
        if page.status != 200 or found:
            raise harness.CheckFailed(f"GET {path} answered {page.status}, loading {found}")
