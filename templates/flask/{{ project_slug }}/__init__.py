"""Application factory."""

import contextlib
import weakref
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask_cors import CORS
from werkzeug.middleware.proxy_fix import ProxyFix

from . import auth, docs, health, items, middleware, pages, users
from .cli import create_superuser
from .config import Config, DevelopmentConfig
from .extensions import api, csrf, db, jwt, login_manager, migrate
from .logging import configure_logging


class App(Flask):
    """Flask, remembering which views and hooks are plain functions.

    Flask checks every view and hook for `async def` on every call: eight checks a request
    with these extensions, about a fifth of a small request's time.
    """

    def __init__(self, import_name: str) -> None:
        super().__init__(import_name)
        # Weak, so the one-off functions of `after_this_request` are not kept alive.
        self._sync_functions: weakref.WeakSet[Callable[..., Any]] = weakref.WeakSet()

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        if func in self._sync_functions:
            return func
        checked = super().ensure_sync(func)
        if checked is func:
            with contextlib.suppress(TypeError):  # builtins cannot be weakly referenced
                self._sync_functions.add(func)
        return checked


def create_app(config: Config | None = None) -> App:
    app = App(__name__)
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
