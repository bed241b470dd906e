"""Registration and tokens (OAuth2 password grant, so the docs' Authorize button works)."""

from typing import Any

from flask import Response
from flask.views import MethodView

from . import accounts, password_reset, throttle, tokens
from .errors import abort, invalid_field
from .extensions import Blueprint
from .models import User
from .schemas import (
    EmailVerificationConfirmSchema,
    EmailVerificationRequestSchema,
    PasswordResetConfirmSchema,
    PasswordResetRequestSchema,
    RefreshRequestSchema,
    TokenPairSchema,
    TokenRequestSchema,
    UserCreateSchema,
    UserSchema,
)

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Accounts and tokens")
UNVERIFIED = "Verify your email address first: follow the link sent to it, or ask for another."


@blp.route("/register")
class Register(MethodView):
    @blp.arguments(UserCreateSchema)
    @blp.response(201, UserSchema)
    @blp.problem(409, "That email is already registered")
    @blp.doc(operationId="register")
    def post(self, data: dict[str, Any]) -> User:
        """Create an account"""
        try:
            return accounts.register(data["email"], data["password"], data["full_name"])
        except accounts.EmailTakenError:
            abort(409, "That email is already registered.")


@blp.route("/token")
class Token(MethodView):
    @blp.arguments(TokenRequestSchema, location="form")
    @blp.response(200, TokenPairSchema)
    @blp.problem(401, "Wrong email or password")
    @blp.problem(403, "The email is still unverified past its deadline")
    @blp.problem(429, "Too many failed logins; see Retry-After")
    @blp.doc(operationId="create_token")
    def post(self, form: dict[str, Any]) -> dict[str, Any]:
        """Log in: exchange email (as username) and password for a token pair"""
        try:
            user = accounts.authenticate(
                form["username"], form["password"], throttle.request_address()
            )
        except throttle.LoginThrottledError as exc:
            abort(
                429,
                "Too many failed logins; try again later.",
                headers={"Retry-After": str(exc.retry_after)},
            )
        except accounts.UnverifiedError:
            abort(403, UNVERIFIED)
        if user is None:
            abort(401, "Incorrect email or password.", headers={"WWW-Authenticate": "Bearer"})
        return tokens.issue(user)


@blp.route("/refresh")
class Refresh(MethodView):
    @blp.arguments(RefreshRequestSchema)
    @blp.response(200, TokenPairSchema)
    @blp.problem(401, "Invalid, expired or already used refresh token")
    @blp.doc(operationId="refresh_token")
    def post(self, data: dict[str, str]) -> dict[str, Any]:
        """Trade a refresh token for a new pair; each refresh token works once"""
        try:
            return tokens.rotate(data["refresh_token"])
        except tokens.InvalidRefreshTokenError:
            abort(401, "Invalid refresh token.", headers={"WWW-Authenticate": "Bearer"})


@blp.route("/logout")
class Logout(MethodView):
    @blp.arguments(RefreshRequestSchema)
    @blp.response(204)
    @blp.doc(operationId="logout")
    def post(self, data: dict[str, str]) -> None:
        """Log out: the refresh token stops working"""
        tokens.revoke(data["refresh_token"])


@blp.route("/password-reset")
class PasswordReset(MethodView):
    @blp.arguments(PasswordResetRequestSchema)
    @blp.response(202, description="A link is on its way if an account has that email")
    @blp.problem(429, "Too many reset requests; see Retry-After")
    @blp.doc(operationId="request_password_reset")
    def post(self, data: dict[str, str]) -> Response:
        """Ask for a password reset link by email"""
        try:
            password_reset.request_reset(data["email"], throttle.request_address())
        except throttle.LoginThrottledError as exc:
            abort(
                429,
                "Too many reset requests; try again later.",
                headers={"Retry-After": str(exc.retry_after)},
            )
        return Response(status=202)  # no body, where flask-smorest would send `null`


@blp.route("/password-reset/confirm")
class PasswordResetConfirm(MethodView):
    @blp.arguments(PasswordResetConfirmSchema)
    @blp.response(204)
    @blp.doc(operationId="confirm_password_reset")
    def post(self, data: dict[str, str]) -> None:
        """Set a new password with the token from the emailed link"""
        try:
            password_reset.reset_password(data["token"], data["new_password"])
        except password_reset.InvalidResetTokenError:
            invalid_field("token", "The link is invalid, expired or already used.")
        except password_reset.PasswordRefusedError as exc:
            invalid_field("new_password", str(exc))


@blp.route("/verify-email")
class EmailVerification(MethodView):
    @blp.arguments(EmailVerificationRequestSchema)
    @blp.response(202, description="A link is on its way if an unverified account has that email")
    @blp.problem(429, "Too many requests; see Retry-After")
    @blp.doc(operationId="request_email_verification")
    def post(self, data: dict[str, str]) -> Response:
        """Ask for another email verification link"""
        try:
            accounts.request_verification(data["email"], throttle.request_address())
        except throttle.LoginThrottledError as exc:
            abort(
                429,
                "Too many requests; try again later.",
                headers={"Retry-After": str(exc.retry_after)},
            )
        return Response(status=202)


@blp.route("/verify-email/confirm")
class EmailVerificationConfirm(MethodView):
    @blp.arguments(EmailVerificationConfirmSchema)
    @blp.response(204)
    @blp.doc(operationId="confirm_email_verification")
    def post(self, data: dict[str, str]) -> None:
        """Verify your email with the token from the emailed link"""
        try:
            accounts.verify_email(data["token"])
        except accounts.InvalidVerificationTokenError:
            invalid_field("token", "The link is invalid or expired.")
