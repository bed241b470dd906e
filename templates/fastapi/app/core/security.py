"""Password hashing (Argon2) and JSON Web Tokens (short access, single-use refresh)."""

import asyncio
import os
import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import jwt
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

ALGORITHM = "HS256"
TokenType = Literal["access", "refresh"]

password_hash = PasswordHash((Argon2Hasher(),))

# Argon2 is slow and memory-hard by design (about 64 MiB and tens of milliseconds a hash): it
# runs in these threads, one per CPU, so the event loop keeps serving every other request and
# socket meanwhile, and a burst of logins cannot claim more memory than the CPUs can use.
_hashing = ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="argon2")


async def _off_the_loop[T](work: Callable[[], T]) -> T:
    return await asyncio.get_running_loop().run_in_executor(_hashing, work)


async def hash_password(password: str) -> str:
    return await _off_the_loop(lambda: password_hash.hash(password))


async def verify_password(password: str, hashed: str) -> bool:
    return await _off_the_loop(lambda: password_hash.verify(password, hashed))


_dummy_hashes: dict[int, str] = {}


async def burn_verification_time(password: str) -> None:
    """Spend as long as a real check, so an unknown email is not faster than a wrong password."""
    key = id(password_hash)  # one dummy hash per hasher configuration
    if key not in _dummy_hashes:
        _dummy_hashes[key] = await hash_password("not-a-real-password-only-for-timing")
    await verify_password(password, _dummy_hashes[key])


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
