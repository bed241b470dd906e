"""Limit/offset pages shaped as {items, total, limit, offset}, like every fwgen starter."""

from typing import Any

from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

# Offsets past a 32-bit integer can only be mistakes; the database would refuse some of them.
MAX_OFFSET = 2_147_483_647


class LimitOffsetPage(LimitOffsetPagination):
    default_limit = 20
    max_limit = 100

    def get_offset(self, request: Request) -> int:
        return min(super().get_offset(request), MAX_OFFSET)

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
                "total": {"type": "integer", "minimum": 0, "example": 42},
                "limit": {"type": "integer", "minimum": 1, "example": self.default_limit},
                "offset": {"type": "integer", "minimum": 0, "example": 0},
            },
        }

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        bounds = {"limit": (1, self.max_limit), "offset": (0, MAX_OFFSET)}
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            low, high = bounds[parameter["name"]]
            parameter["schema"].update(minimum=low, maximum=high)
        return parameters
