"""flask-smorest's `abort`, typed as never returning (its own signature is untyped)."""

from typing import NoReturn

from flask_smorest import abort as smorest_abort


def abort(status: int, message: str, headers: dict[str, str] | None = None) -> NoReturn:
    """End the request with a JSON error body: {"code", "status", "message"}."""
    smorest_abort(status, message=message, headers=headers)
    raise AssertionError("unreachable: abort raises")  # pragma: no cover
