"""The OpenAPI schema's error answers, and Swagger UI and ReDoc served with local assets, so the
docs work offline."""

from importlib.resources import files
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from pydantic import TypeAdapter

from app.errors import PROBLEM_JSON
from app.middleware import docs_policy
from app.schemas import Problem

ASSETS_URL = "/static/docs"


def install_docs(app: FastAPI) -> None:
    with_problems(app)
    assets = files("fastapi_offline") / "static"
    app.mount(ASSETS_URL, StaticFiles(directory=str(assets)), name="docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get("/", include_in_schema=False)
    async def home() -> RedirectResponse:
        # An API has no home page: whoever opens the bare address wants the docs.
        return RedirectResponse("/docs")

    swagger_page = with_policy(
        get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{app.title} - API docs",
            swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_URL}/favicon.png",
        )
    )
    redoc_page = with_policy(
        get_redoc_html(
            openapi_url=openapi_url,
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{ASSETS_URL}/favicon.png",
            with_google_fonts=False,
        )
    )

    # The pages never change: built once, the same bytes every time.
    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return HTMLResponse(swagger_page.body, headers=swagger_page.headers)

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return HTMLResponse(redoc_page.body, headers=redoc_page.headers)


def with_policy(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = docs_policy(bytes(page.body).decode())
    return page


def with_problems(app: FastAPI) -> None:
    """Every documented 4xx answer is a Problem, sent as application/problem+json.

    FastAPI documents a route's extra responses as application/json; declaring the media type
    on each route would repeat it everywhere.
    """
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        problem = TypeAdapter(Problem).json_schema(ref_template="#/components/schemas/{model}")
        schema["components"]["schemas"].update(problem.pop("$defs"), Problem=problem)
        answer = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation["responses"]
                # FastAPI's own 422, added wherever there are parameters; a route that can
                # answer 422 declares it (an invalid path parameter is a 404).
                if "HTTPValidationError" in str(responses.get("422")):
                    del responses["422"]
                for status, response in responses.items():
                    if status.startswith("4"):
                        response["content"] = answer
        for unused in ("HTTPValidationError", "ValidationError"):
            schema["components"]["schemas"].pop(unused, None)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
