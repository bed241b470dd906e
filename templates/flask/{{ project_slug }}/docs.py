"""Serves Swagger UI's assets from the installed swagger-ui-bundle package (no CDN)."""

from flask import Blueprint
from swagger_ui_bundle import swagger_ui_path

assets = Blueprint(
    "docs_assets",
    __name__,
    static_folder=str(swagger_ui_path),
    static_url_path="/static/docs/swagger-ui",
)
