"""Error bodies and the responses every API view documents with them."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer[dict[str, str]]):
    detail = serializers.CharField()


def error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


# Field errors: {"field": ["message", ...]}, or {"detail": "..."} for an unreadable body.
INVALID = {400: OpenApiResponse(OpenApiTypes.OBJECT, description="Invalid input")}
UNAUTHORIZED = {401: error("Missing, invalid or expired access token")}
FORBIDDEN = {403: error("Administrators only")}
NOT_FOUND = {404: error("Not found, or not yours")}
CONFLICT = {409: error("That email is already registered")}
