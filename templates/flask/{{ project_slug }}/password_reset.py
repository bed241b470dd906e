"""Password reset by email: a link that works once, for a while, and ends every session."""

import hmac
from typing import Any

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import delete, select, update

from . import accounts, emails, throttle, tokens
from .extensions import db
from .models import LoginSession, User
from .passwords import password_problem
from .security import hash_password, password_fingerprint

RESET_PAGE = "/reset-password"


class InvalidResetTokenError(Exception):
    """The link is malformed, expired, already used, or older than the current password."""


class PasswordRefusedError(Exception):
    """The new password fails the policy; the message says why."""


def _serializer() -> URLSafeTimedSerializer:
    # Its own salt: a token signed for anything else (a session cookie) never passes here.
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _fingerprint(user: User) -> str:
    return password_fingerprint(user.password_hash, current_app.config["SECRET_KEY"])


def reset_link(user: User) -> str:
    # The token carries the password's fingerprint: setting a password, through this link or
    # any other way, changes it, so the link dies when used and when the password changes.
    token = _serializer().dumps({"sub": user.id, "pwd": _fingerprint(user)})
    return emails.link(RESET_PAGE, token)


def request_reset(email: str, address: str | None) -> None:
    """Mail a reset link if an active account has that email; the caller cannot tell which.

    Raises throttle.LoginThrottledError when the email or the address asked too often.
    """
    email = accounts.canonical_email(email)
    throttle.admit(email, address, throttle.PASSWORD_RESETS)
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None or not user.is_active:
        return
    emails.send_password_reset(user, reset_link(user))


def user_for_token(token: str) -> User:
    """The user a reset token is for, while it is still good; InvalidResetTokenError if not."""
    try:
        claims: Any = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_TTL"])
    except BadData:
        raise InvalidResetTokenError from None
    if not isinstance(claims, dict) or not isinstance(claims.get("sub"), int):
        raise InvalidResetTokenError
    user = db.session.get(User, claims["sub"])
    if user is None or not user.is_active:
        raise InvalidResetTokenError
    if not hmac.compare_digest(str(claims.get("pwd", "")), _fingerprint(user)):
        raise InvalidResetTokenError
    return user


def reset_password(token: str, new_password: str) -> None:
    """Set the password the link was sent for; every login and token of the user ends.

    Raises InvalidResetTokenError or PasswordRefusedError.
    """
    user = user_for_token(token)
    problem = password_problem(new_password, user.email)
    if problem:
        raise PasswordRefusedError(problem)
    # Only if the password is still the one the link was made for: of two requests racing
    # with one link, exactly one matches.
    changed = db.session.execute(
        update(User)
        .where(User.id == user.id, User.password_hash == user.password_hash)
        .values(password_hash=hash_password(new_password))
        .returning(User.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if changed is None:
        db.session.rollback()
        raise InvalidResetTokenError
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    db.session.commit()
    tokens.revoke_all(user.id)
