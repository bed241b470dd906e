"""Your profile and password, and the administrators' user list."""

from typing import Any

from flask.views import MethodView

from . import accounts
from .errors import abort, invalid_field
from .extensions import Blueprint
from .guards import authenticated, me
from .models import User
from .schemas import (
    PageArgsSchema,
    PasswordChangeSchema,
    UserPageSchema,
    UserSchema,
    UserUpdateSchema,
)

blp = Blueprint("users", __name__, url_prefix="/api/v1/users", description="Users")


@blp.route("")
class Users(MethodView):
    @authenticated(blp)
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, UserPageSchema)
    @blp.problem(403, "Administrators only")
    @blp.doc(operationId="list_users")
    def get(self, args: dict[str, int]) -> dict[str, Any]:
        """All users (administrators only)"""
        if not me().is_superuser:
            abort(403, "Administrators only.")
        rows, total = accounts.page(args["limit"], args["offset"])
        return {"items": rows, "total": total, **args}


@blp.route("/me")
class Me(MethodView):
    @authenticated(blp)
    @blp.response(200, UserSchema)
    @blp.doc(operationId="read_me")
    def get(self) -> User:
        """Your profile"""
        return me()

    @authenticated(blp)
    @blp.arguments(UserUpdateSchema)
    @blp.response(200, UserSchema)
    @blp.problem(409, "That email is already registered")
    @blp.doc(operationId="update_me")
    def patch(self, data: dict[str, str]) -> User:
        """Change your email (a link to verify it is sent) or name"""
        try:
            return accounts.update_profile(me(), data.get("email"), data.get("full_name"))
        except accounts.EmailTakenError:
            abort(409, "That email is already registered.")


@blp.route("/me/password")
class Password(MethodView):
    @authenticated(blp)
    @blp.arguments(PasswordChangeSchema)
    @blp.response(204)
    @blp.doc(operationId="change_password")
    def post(self, data: dict[str, str]) -> None:
        """Change your password; every token you hold stops working: log in again"""
        try:
            accounts.change_password(me(), data["current_password"], data["new_password"])
        except accounts.WrongPasswordError:
            invalid_field("current_password", "The current password is wrong.")
