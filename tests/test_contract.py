"""The contract comparison: what it lets differ, and what it catches."""

from __future__ import annotations

import copy
from typing import Any

import contract

PROBLEM = {"$ref": "#/components/schemas/Problem"}


def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "demo", "version": "0.1.0"},
        "paths": {
            "/api/v1/items/{item_id}": {
                "get": {
                    "operationId": "read_item",
                    "summary": "One of your items",
                    "parameters": [
                        {
                            "name": "item_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer", "minimum": 1, "title": "Item Id"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "OK",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                        "404": {
                            "description": "Not found",
                            "content": {"application/problem+json": {"schema": PROBLEM}},
                        },
                    },
                    "security": [{"OAuth2PasswordBearer": []}],
                }
            }
        },
        "components": {
            "schemas": {
                "Problem": {
                    "type": "object",
                    "properties": {"status": {"type": "integer", "minimum": 100.0}},
                    "required": ["status"],
                    "description": "An RFC 9457 problem",
                }
            }
        },
    }


def test_prose_and_spelling_may_differ() -> None:
    theirs = document()
    item = theirs["paths"]["/api/v1/items/{item_id}"]
    # flask-smorest's way: the path parameter on the path, a shared response by reference.
    item["parameters"] = item["get"].pop("parameters")
    theirs["components"]["responses"] = {"NOT_FOUND": item["get"]["responses"]["404"]}
    item["get"]["responses"]["404"] = {"$ref": "#/components/responses/NOT_FOUND"}
    item["get"]["summary"] = "Something else entirely"
    theirs["components"]["schemas"]["Problem"]["properties"]["status"]["minimum"] = 100
    theirs["info"]["title"] = "another"
    assert contract.differences(contract.structure(theirs), contract.structure(document())) == []


def test_a_renamed_operation_or_a_missing_status_is_caught() -> None:
    theirs = document()
    operation = theirs["paths"]["/api/v1/items/{item_id}"]["get"]
    operation["operationId"] = "read_item_api_v1_items__item_id__get"
    del operation["responses"]["404"]
    found = contract.differences(contract.structure(theirs), contract.structure(document()))
    assert any(
        line.endswith('operationId: "read_item_api_v1_items__item_id__get" != "read_item"')
        for line in found
    ), found
    assert any("/responses/404: missing" in line for line in found), found


def test_a_different_error_media_type_or_bound_is_caught() -> None:
    theirs = copy.deepcopy(document())
    responses = theirs["paths"]["/api/v1/items/{item_id}"]["get"]["responses"]
    responses["404"]["content"] = {"application/json": {"schema": PROBLEM}}
    theirs["paths"]["/api/v1/items/{item_id}"]["get"]["parameters"][0]["schema"]["minimum"] = 0
    found = contract.differences(contract.structure(theirs), contract.structure(document()))
    assert any("application/problem+json: missing" in line for line in found), found
    assert any("/parameters:" in line for line in found), found


def test_a_public_operation_with_optional_security_is_caught() -> None:
    theirs = document()
    theirs["paths"]["/api/v1/items/{item_id}"]["get"]["security"] = [{}]
    found = contract.differences(contract.structure(theirs), contract.structure(document()))
    assert found == [
        '/paths//api/v1/items/{item_id}/get/security: [{}] != [{"OAuth2PasswordBearer": []}]'
    ]


def test_the_reference_names_every_operation_of_the_contract() -> None:
    operations = {
        operation["operationId"]
        for item in contract.reference()["paths"].values()
        for operation in item.values()
    }
    assert operations == {
        "health", "ready", "register", "create_token", "refresh_token", "logout", "read_me",
        "update_me", "change_password", "list_users", "list_items", "create_item", "read_item",
        "update_item", "delete_item", "request_password_reset", "confirm_password_reset",
        "request_email_verification", "confirm_email_verification",
    }  # fmt: skip


def test_the_error_cases_load_from_the_starters_partial() -> None:
    cases, allow = contract.problem_cases()
    assert len(cases) >= 20
    assert {path for method, path, _, status, _ in cases if status == 405} <= set(allow)


def test_what_changes_a_generated_client_is_caught() -> None:
    """`const` for `enum`, or additionalProperties: false, make openapi-python-client write
    different types, so the contract counts them."""
    theirs = document()
    problem = theirs["components"]["schemas"]["Problem"]
    problem["additionalProperties"] = False
    problem["properties"]["type"] = {"type": "string", "const": "about:blank"}
    ours = document()
    ours["components"]["schemas"]["Problem"]["properties"]["type"] = {
        "type": "string",
        "enum": ["about:blank"],
    }
    found = contract.differences(contract.structure(theirs), contract.structure(ours))
    assert any("additionalProperties: not in the contract" in line for line in found), found
    assert any("/type/const: not in the contract" in line for line in found), found
