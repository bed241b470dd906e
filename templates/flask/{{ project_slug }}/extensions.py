"""Extension objects, created unbound and attached to the app in create_app()."""

import json
from typing import Any

import flask
import flask_smorest
from flask_jwt_extended import JWTManager
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase
from webargs.flaskparser import FlaskParser


class Base(DeclarativeBase):
    pass


class BodyParser(FlaskParser):
    """webargs' parser, answering 400 for JSON Python cannot hold as well as for bad syntax.

    Deep nesting (RecursionError) and integers past Python's 4,300-digit limit (ValueError)
    escape webargs' handling of malformed JSON and would end in a 500.
    """

    def _raw_load_json(self, req: flask.Request) -> Any:
        try:
            return super()._raw_load_json(req)
        except json.JSONDecodeError:
            raise
        except (RecursionError, ValueError) as exc:
            reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
            raise json.JSONDecodeError(reason, "?", 0) from None


class Blueprint(flask_smorest.Blueprint):  # type: ignore[misc]  # flask-smorest is untyped
    ARGUMENTS_PARSER = BodyParser()


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
api = Api()
jwt = JWTManager()
# Sessions for the HTML pages; the API authenticates with bearer tokens only.
login_manager = LoginManager()
login_manager.login_view = "pages.login"
# Every form post needs its token; the token-authenticated API blueprints are exempted.
csrf = CSRFProtect()
