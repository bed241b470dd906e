"""One JSON access line per request, carrying the request id it also returns to the caller."""

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from .logging import log_access, pick_request_id, request_id


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
            log_access(request.method or "", request.path, response.status_code, start)
            return response
        finally:
            request_id.reset(token)
