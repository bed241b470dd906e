"""Limit/offset pages shaped as {items, total, limit, offset}, like every fwgen starter."""

from typing import Any

from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .problems import InvalidQuery

MAX_LIMIT = 100
MAX_OFFSET = 1_000_000
BOUNDS = {"limit": (1, MAX_LIMIT), "offset": (0, MAX_OFFSET)}


class LimitOffsetPage(LimitOffsetPagination):
    """DRF's, refusing what it would quietly clamp (limit=0, limit=abc): a 422, as documented."""

    default_limit = 20
    max_limit = MAX_LIMIT

    def _bounded(self, request: Request, name: str, default: int) -> int:
        raw = request.query_params.get(name)
        if raw is None:
            return default
        low, high = BOUNDS[name]
        try:
            value = int(raw)
        except ValueError:
            raise InvalidQuery({name: ["A whole number is required."]}) from None
        if not low <= value <= high:
            raise InvalidQuery({name: [f"Must be between {low} and {high}."]})
        return value

    def get_limit(self, request: Request) -> int:
        return self._bounded(request, "limit", self.default_limit)

    def get_offset(self, request: Request) -> int:
        return self._bounded(request, "offset", 0)

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {"items": data, "total": self.count, "limit": self.limit, "offset": self.offset}
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["items", "total", "limit", "offset"],
            "properties": {
                "items": schema,
                "total": {"type": "integer", "minimum": 0},
                "limit": {"type": "integer", "minimum": 1},
                "offset": {"type": "integer", "minimum": 0},
            },
        }

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            low, high = BOUNDS[parameter["name"]]
            default = self.default_limit if parameter["name"] == "limit" else 0
            parameter["schema"].update(minimum=low, maximum=high, default=default)
        return parameters
