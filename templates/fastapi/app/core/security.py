"""Password hashing (Argon2) and JSON Web Tokens (short access, single-use refresh)."""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import jwt
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

ALGORITHM = "HS256"
TokenType = Literal["access", "refresh"]

password_hash = PasswordHash((Argon2Hasher(),))


def hash_password(password: str) -> str:
    return password_hash.hash(password)


def verify_password(password: str, hashed: str) -> bool:
    return password_hash.verify(password, hashed)


_dummy_hashes: dict[int, str] = {}


def burn_verification_time(password: str) -> None:
    """Spend as long as a real check, so an unknown email is not faster than a wrong password."""
    key = id(password_hash)  # one dummy hash per hasher configuration
    if key not in _dummy_hashes:
        _dummy_hashes[key] = password_hash.hash("not-a-real-password-only-for-timing")
    password_hash.verify(password, _dummy_hashes[key])


class InvalidTokenError(Exception):
    """The token is missing, malformed, expired, tampered with or of the wrong type."""


@dataclass(frozen=True)
class IssuedToken:
    token: str
    jti: str
    expires_at: datetime


def create_token(subject: int, kind: TokenType, ttl_seconds: int, key: str) -> IssuedToken:
    now = datetime.now(UTC)
    expires_at = now + timedelta(seconds=ttl_seconds)
    jti = secrets.token_urlsafe(24)
    claims = {"sub": str(subject), "type": kind, "iat": now, "exp": expires_at, "jti": jti}
    return IssuedToken(jwt.encode(claims, key, algorithm=ALGORITHM), jti, expires_at)


def decode_token(token: str, kind: TokenType, key: str) -> dict[str, Any]:
    """Verify signature, expiry and type; only HS256 is accepted (so never `alg: none`)."""
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            options={"require": ["exp", "iat", "sub", "type", "jti"]},
        )
    except jwt.PyJWTError as exc:
        raise InvalidTokenError(str(exc)) from exc
    if claims.get("type") != kind:
        raise InvalidTokenError(f"expected a {kind} token")
    return claims
