"""Application factory."""

from flask import Flask
from flask_cors import CORS
from werkzeug.middleware.proxy_fix import ProxyFix

from . import auth, docs, health, items, middleware, pages, users
from .cli import create_superuser
from .config import Config, DevelopmentConfig
from .extensions import api, csrf, db, jwt, login_manager, migrate
from .logging import configure_logging


def create_app(config: Config | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_object(config or DevelopmentConfig())
    configure_logging(app.config["LOG_LEVEL"])
    if app.config["PRODUCTION"]:
        # TLS ends at the proxy in front of the app, which says so in X-Forwarded-Proto.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_proto=1, x_host=1)  # type: ignore[method-assign]
    # First, so the host check runs before any other hook and the access line sees the rest.
    middleware.init_app(app, hsts=app.config["PRODUCTION"])

    db.init_app(app)
    migrate.init_app(app, db)
    jwt.init_app(app)
    login_manager.init_app(app)
    csrf.init_app(app)
    api.init_app(app)
    if app.config["CORS_ORIGINS"]:
        CORS(app, resources={r"/api/*": {"origins": app.config["CORS_ORIGINS"]}})

    for blueprint in (health.blp, auth.blp, users.blp, items.blp):
        # The API authenticates with bearer tokens, never cookies: CSRF cannot apply.
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
    app.register_blueprint(pages.bp)
    app.register_blueprint(docs.assets)
    app.cli.add_command(create_superuser)
    return app
