"""The error answers every API view documents, and the schema's finishing touches."""

from typing import Any

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from .problems import PROBLEM_JSON


class FieldErrorSerializer(serializers.Serializer[dict[str, str]]):
    detail = serializers.CharField()
    pointer = serializers.CharField(required=False, help_text="RFC 6901 pointer into the body")
    parameter = serializers.CharField(required=False, help_text="A query or path parameter")


class ProblemSerializer(serializers.Serializer[dict[str, Any]]):
    """An RFC 9457 problem: the body of every error answer (documentation only)."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        # Declared here: as a class attribute it would hide Serializer.errors.
        fields["errors"] = FieldErrorSerializer(
            many=True, required=False, help_text="What is invalid (422)"
        )
        return fields


def error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ProblemSerializer, description=description)


INVALID_BODY = {
    400: error("The body is not JSON"),
    422: error("The body does not match the schema"),
}
INVALID_QUERY = {422: error("A query parameter is out of bounds")}
UNAUTHORIZED = {401: error("Missing, invalid or expired access token")}
FORBIDDEN = {403: error("Administrators only")}
NOT_FOUND = {404: error("Not found, or not yours")}
CONFLICT = {409: error("That email is already registered")}

# drf-spectacular names a paginated list Paginated<Name>List; the contract calls it <Name>Page.
RENAMED = {"PaginatedItemList": "ItemPage", "PaginatedUserList": "UserPage"}


def contract(result: dict[str, Any], **_: Any) -> dict[str, Any]:
    """POSTPROCESSING_HOOKS: problems as application/problem+json, public operations without a
    `security` entry (drf-spectacular writes [{}], "optional", for AllowAny), bodies required
    (a PATCH too: require_body refuses an empty one), pages renamed."""
    schemas = result["components"]["schemas"]
    for schema in schemas.values():
        for name, prop in schema.get("properties", {}).items():
            # drf-spectacular offers "" beside the pattern of a blank-allowed field; the NUL
            # pattern matches "" already, and one schema per field is what the others write.
            choices = prop.pop("oneOf", None)
            if choices and choices[1:] == [{"type": "string", "maxLength": 0}]:
                schema["properties"][name] = {**prop, **choices[0]}
            elif choices:
                prop["oneOf"] = choices
    for old, new in RENAMED.items():
        if old in schemas:
            schemas[new] = schemas.pop(old)
    for operations in result["paths"].values():
        for operation in operations.values():
            if operation.get("security") in ([], [{}]):
                del operation["security"]
            if "requestBody" in operation:
                operation["requestBody"]["required"] = True
            for code, response in operation["responses"].items():
                content = response.get("content", {})
                if code.startswith("4") and "application/json" in content:
                    response["content"] = {PROBLEM_JSON: content["application/json"]}
                for media in content.values():
                    ref = media.get("schema", {}).get("$ref", "")
                    name = ref.rpartition("/")[2]
                    if name in RENAMED:
                        media["schema"]["$ref"] = f"#/components/schemas/{RENAMED[name]}"
    return result
