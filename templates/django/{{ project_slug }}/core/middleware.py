"""One JSON access line per request, carrying the request id it also returns to the caller."""

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from .logging import pick_request_id, request_id

logger = logging.getLogger("access")


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        rid = pick_request_id(request.headers.get("X-Request-ID"))
        token = request_id.set(rid)
        start = time.perf_counter()
        try:
            # Django turns exceptions raised further in into a response, so this always returns.
            response = self.get_response(request)
            response["X-Request-ID"] = rid
            logger.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - start) * 1000, 2),
                },
            )
            return response
        finally:
            request_id.reset(token)
