"""Extension objects, created unbound and attached to the app in create_app()."""

import http
import json
from collections.abc import Callable
from typing import Any

import flask
import flask_smorest
from flask_jwt_extended import JWTManager
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from marshmallow import ValidationError, missing
from sqlalchemy.orm import DeclarativeBase
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import HTTPException

from .errors import PROBLEM_JSON, problem_answer
from .schemas import ProblemSchema

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


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

    def load_json(self, req: flask.Request, schema: Any) -> Any:
        body = super().load_json(req, schema)
        if body is missing:  # no JSON at all, even for a PATCH: a 422, as in the contract
            raise ValidationError("A JSON object body is required.")
        return body


class Blueprint(flask_smorest.Blueprint):  # type: ignore[misc]  # flask-smorest is untyped
    ARGUMENTS_PARSER = BodyParser()

    def problem(self, status: int, description: str) -> Decorator:
        """Document an error answer: an RFC 9457 problem."""
        answer: Decorator = self.alt_response(
            status, schema=ProblemSchema, description=description, content_type=PROBLEM_JSON
        )
        return answer

    def arguments(self, schema: Any, *, location: str = "json", **kwargs: Any) -> Decorator:
        # flask-smorest documents the 422; a JSON body can also be unreadable.
        parse: Decorator = super().arguments(schema, location=location, **kwargs)
        if location != "json":
            return parse
        unreadable = self.problem(400, "The body is not JSON")
        return lambda view: unreadable(parse(view))


class Api(flask_smorest.Api):  # type: ignore[misc]
    """flask-smorest's, answering and documenting every error as a problem."""

    ERROR_SCHEMA = ProblemSchema
    # No catch-all "default" response: each operation lists the errors it can give.
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_pagination_header(self) -> None:
        # Lists answer {items, total, limit, offset} bodies, not flask-smorest's X-Pagination
        # header: no PaginationMetadata in the schema.
        return

    def handle_http_exception(self, error: HTTPException) -> Any:
        return problem_answer(error)

    def _register_responses(self) -> None:
        # The per-status responses flask-smorest refers to (its 422 for invalid arguments),
        # registered with the problem media type instead of application/json.
        for status in http.HTTPStatus:
            if status >= 400:
                self.spec.components.response(
                    status.name,
                    {
                        "description": status.phrase,
                        "content": {PROBLEM_JSON: {"schema": ProblemSchema}},
                    },
                    lazy=True,
                )


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
api = Api()
jwt = JWTManager()
# Sessions for the HTML pages; the API authenticates with bearer tokens only.
login_manager = LoginManager()
login_manager.login_view = "pages.login"
# Every form post needs its token; the token-authenticated API blueprints are exempted.
csrf = CSRFProtect()
