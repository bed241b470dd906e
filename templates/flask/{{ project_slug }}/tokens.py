"""Token pairs: a refresh token works once; reuse, logout or a new password revoke them.

Access tokens are stateless and short-lived. Refresh tokens are recorded; a spent or revoked
one is on the blocklist, and presenting a spent one again revokes every one of its user's.
"""

import hmac
import json
from datetime import UTC, datetime
from typing import Any

from flask import Response, current_app
from flask_jwt_extended import create_access_token, create_refresh_token, decode_token
from flask_jwt_extended.exceptions import JWTExtendedException
from jwt import PyJWTError
from sqlalchemy import update

from .errors import PROBLEM_JSON, problem
from .extensions import db, jwt
from .models import RefreshToken, User
from .security import password_fingerprint


class InvalidRefreshTokenError(Exception):
    pass


def issue(user: User) -> dict[str, Any]:
    identity = str(user.id)
    refresh = create_refresh_token(identity)
    claims = decode_token(refresh)
    db.session.add(
        RefreshToken(
            jti=claims["jti"],
            user_id=user.id,
            expires_at=datetime.fromtimestamp(claims["exp"], UTC),
        )
    )
    db.session.commit()
    lifetime = current_app.config["JWT_ACCESS_TOKEN_EXPIRES"]
    key = current_app.config["SECRET_KEY"]
    fingerprint = password_fingerprint(user.password_hash, key)
    return {
        "access_token": create_access_token(identity, additional_claims={"pwd": fingerprint}),
        "refresh_token": refresh,
        "token_type": "bearer",
        "expires_in": int(lifetime.total_seconds()),
    }


def _refresh_claims(raw: str) -> dict[str, Any]:
    try:
        claims = decode_token(raw)
    except (PyJWTError, JWTExtendedException):
        raise InvalidRefreshTokenError("invalid or expired") from None
    if claims.get("type") != "refresh":
        raise InvalidRefreshTokenError("not a refresh token")
    return claims


def _spend(jti: str) -> bool:
    """Mark the token spent; False when it already was (or never existed)."""
    result = db.session.execute(
        update(RefreshToken)
        .where(RefreshToken.jti == jti, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def rotate(raw: str) -> dict[str, Any]:
    claims = _refresh_claims(raw)
    stored = db.session.get(RefreshToken, claims["jti"])
    if stored is None:
        raise InvalidRefreshTokenError("unknown refresh token")
    if not _spend(stored.jti):
        # A spent token coming back means it leaked: end every session of that user.
        revoke_all(stored.user_id)
        raise InvalidRefreshTokenError("refresh token already used")
    user = db.session.get(User, stored.user_id)
    if user is None or not user.is_active:
        db.session.commit()
        raise InvalidRefreshTokenError("user is gone or inactive")
    if verification_overdue(user):
        db.session.commit()
        raise InvalidRefreshTokenError("the email is still unverified past its deadline")
    return issue(user)


def verification_overdue(user: User) -> bool:
    """Unverified past its deadline (accounts made by an administrator have none): no new
    tokens until the email is verified."""
    deadline = user.verify_by
    return not user.email_verified and deadline is not None and deadline <= datetime.now(UTC)


def revoke(raw: str) -> None:
    """Logout: the refresh token stops working (an invalid one is simply ignored)."""
    try:
        claims = _refresh_claims(raw)
    except InvalidRefreshTokenError:
        return
    _spend(claims["jti"])
    db.session.commit()


def revoke_all(user_id: int) -> None:
    db.session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )
    db.session.commit()


def _unauthorized(message: str) -> Response:
    # The same problem body as every other API error, plus the Bearer challenge.
    return current_app.response_class(
        json.dumps(problem(401, message)),
        401,
        {"WWW-Authenticate": "Bearer"},
        mimetype=PROBLEM_JSON,
    )


@jwt.user_lookup_loader
def _load_user(_header: dict[str, Any], claims: dict[str, Any]) -> User | None:
    return user_for_claims(claims)


def user_for_claims(claims: dict[str, Any]) -> User | None:
    """The token's active user, unless their password changed since it was issued."""
    subject = str(claims.get("sub", ""))
    user = db.session.get(User, int(subject)) if subject.isdigit() else None
    if user is None or not user.is_active:
        return None
    current = password_fingerprint(user.password_hash, current_app.config["SECRET_KEY"])
    return user if hmac.compare_digest(str(claims.get("pwd", "")), current) else None


@jwt.unauthorized_loader
def _missing(message: str) -> Response:
    return _unauthorized("Not authenticated")


@jwt.invalid_token_loader
def _invalid(message: str) -> Response:
    return _unauthorized("Invalid token")


@jwt.expired_token_loader
@jwt.revoked_token_loader
@jwt.user_lookup_error_loader
@jwt.token_verification_failed_loader
def _rejected(_header: dict[str, Any], _claims: dict[str, Any]) -> Response:
    return _unauthorized("Invalid token")
