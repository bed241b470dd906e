"""Application factory."""

import logging

from flask import Flask
from flask_cors import CORS

from . import docs, health
from .config import Config, DevelopmentConfig
from .extensions import api, db, migrate


def create_app(config: Config | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_object(config or DevelopmentConfig())
    logging.basicConfig(level=app.config["LOG_LEVEL"])

    db.init_app(app)
    migrate.init_app(app, db)
    api.init_app(app)
    if app.config["CORS_ORIGINS"]:
        CORS(app, origins=app.config["CORS_ORIGINS"])

    api.register_blueprint(health.blp)
    app.register_blueprint(docs.assets)
    return app
