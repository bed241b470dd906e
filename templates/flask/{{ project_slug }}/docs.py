"""Swagger UI and ReDoc assets, served by the app itself (no CDN: the docs work offline).

Swagger UI comes from the swagger-ui-bundle package. ReDoc publishes no Python package, so
its standalone bundle is kept in static/docs/redoc (MIT, ReDoc 2.5; licence file beside it).
"""

from flask import Blueprint
from swagger_ui_bundle import swagger_ui_path

assets = Blueprint(
    "docs_assets",
    __name__,
    static_folder=str(swagger_ui_path),
    static_url_path="/static/docs/swagger-ui",
)
