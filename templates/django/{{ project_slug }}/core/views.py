"""The home page, liveness and readiness probes, and JSON errors for the API."""

from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from .problems import problem_response


class HomeView(TemplateView):
    template_name = "core/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # The API docs' title and description are the project's: one source for both.
        context["title"] = settings.SPECTACULAR_SETTINGS["TITLE"]
        context["description"] = settings.SPECTACULAR_SETTINGS["DESCRIPTION"]
        context["admin"] = apps.is_installed("django.contrib.admin")
        return context


# The probes are plain Django views: they answer ahead of the middleware (see ProbeMiddleware)
# and need none of DRF. SPECTACULAR_SETTINGS["APPEND_PATHS"] documents them.
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    """Liveness: the process is up."""
    return JsonResponse({"status": "ok"})


@require_safe
def ready(request: HttpRequest) -> JsonResponse:
    """Readiness: the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def _browsing(request: HttpRequest) -> bool:
    """Someone reading pages in a browser, who gets Django's HTML error page."""
    if request.path.startswith("/api/"):
        return False
    return request.get_preferred_type(["application/json", "text/html"]) == "text/html"


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A request Django itself refuses, such as one for a host outside ALLOWED_HOSTS."""
    if _browsing(request):
        return defaults.bad_request(request, exception)
    return problem_response(400, "Bad request.")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """API clients get the problem every other API error is; people get the HTML page."""
    if _browsing(request):
        return defaults.page_not_found(request, exception)
    return problem_response(404, "Not found.")


def server_error(request: HttpRequest) -> HttpResponse:
    if _browsing(request):
        return defaults.server_error(request)
    return problem_response(500, "Internal server error.")
