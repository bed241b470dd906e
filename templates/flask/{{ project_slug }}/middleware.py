"""Request ids, one JSON access line per request, and security headers."""

import logging
import time

from flask import Flask, Response, g, request

from .logging import pick_request_id, request_id

logger = logging.getLogger("access")

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def init_app(app: Flask, *, hsts: bool) -> None:
    headers = dict(SECURITY_HEADERS)
    if hsts:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"

    @app.before_request
    def start() -> None:
        g.request_id_token = request_id.set(pick_request_id(request.headers.get("X-Request-ID")))
        g.started = time.perf_counter()

    @app.after_request
    def finish(response: Response) -> Response:
        response.headers["X-Request-ID"] = request_id.get()
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        logger.info(
            "request",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - g.get("started", 0.0)) * 1000, 2),
            },
        )
        return response

    @app.teardown_request
    def reset(_error: BaseException | None) -> None:
        token = g.pop("request_id_token", None)
        if token is not None:
            request_id.reset(token)
