"""The admin's login form answers 429 once the throttle refuses an attempt."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBase

from .throttle import LoginThrottledError


class LoginThrottleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, LoginThrottledError):
            return None
        message = f"Too many failed logins. Try again in {exception.retry_after} seconds.\n"
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(exception.retry_after)
        return response
