"""Issuing and rotating token pairs; a refresh token works once, and reuse revokes them all."""

import hmac
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.security import (
    InvalidTokenError,
    create_token,
    decode_token,
    password_fingerprint,
)
from app.models import RefreshToken, User
from app.schemas import TokenPair


async def issue(session: AsyncSession, user: User, settings: Settings) -> TokenPair:
    fingerprint = password_fingerprint(user.hashed_password, settings.secret_key)
    access = create_token(
        user.id, "access", settings.access_token_ttl, settings.secret_key, {"pwd": fingerprint}
    )
    refresh = create_token(user.id, "refresh", settings.refresh_token_ttl, settings.secret_key)
    session.add(RefreshToken(jti=refresh.jti, user_id=user.id, expires_at=refresh.expires_at))
    await session.commit()
    return TokenPair(
        access_token=access.token,
        refresh_token=refresh.token,
        token_type="bearer",  # noqa: S106 - the OAuth2 token type
        expires_in=settings.access_token_ttl,
    )


async def user_for_access_token(session: AsyncSession, token: str, settings: Settings) -> User:
    """The active user an access token speaks for; InvalidTokenError otherwise."""
    claims = decode_token(token, "access", settings.secret_key)
    return await user_for_claims(session, claims, settings)


async def user_for_claims(
    session: AsyncSession, claims: dict[str, Any], settings: Settings
) -> User:
    """The active user of a decoded access token, unless their password changed since it was
    issued; InvalidTokenError otherwise."""
    subject = str(claims["sub"])
    user = await session.get(User, int(subject)) if subject.isdigit() else None
    if user is None or not user.is_active:
        raise InvalidTokenError("user is gone or inactive")
    current = password_fingerprint(user.hashed_password, settings.secret_key)
    if not hmac.compare_digest(str(claims.get("pwd", "")), current):
        raise InvalidTokenError("issued before the password changed")
    return user


async def rotate(session: AsyncSession, token: str, settings: Settings) -> TokenPair:
    claims = decode_token(token, "refresh", settings.secret_key)
    user_id = await _spend(session, claims["jti"])
    if user_id is None:
        stored = await session.get(RefreshToken, claims["jti"])
        if stored is None:
            raise InvalidTokenError("unknown refresh token")
        # A spent token coming back means it leaked: end every session of that user.
        await revoke_all(session, stored.user_id)
        raise InvalidTokenError("refresh token already used")
    user = await session.get(User, user_id)
    if user is None or not user.is_active:
        await session.rollback()
        raise InvalidTokenError("user is gone or inactive")
    if verification_overdue(user):
        await session.rollback()
        raise InvalidTokenError("the email is still unverified past its deadline")
    return await issue(session, user, settings)


def verification_overdue(user: User) -> bool:
    """Unverified past its deadline (accounts made by an administrator have none): no new
    tokens until the email is verified."""
    deadline = user.verify_by
    return not user.email_verified and deadline is not None and deadline <= datetime.now(UTC)


async def _spend(session: AsyncSession, jti: str) -> int | None:
    """Mark the token spent; its user's id, or None when it already was (or never existed).

    One conditional UPDATE: the database lets exactly one of two concurrent requests match
    `spent_at IS NULL`, where a read-then-write lets both through.
    """
    spent = await session.execute(
        update(RefreshToken)
        .where(RefreshToken.jti == jti, RefreshToken.spent_at.is_(None))
        .values(spent_at=datetime.now(UTC))
        .returning(RefreshToken.user_id)
    )
    return spent.scalar_one_or_none()


async def revoke(session: AsyncSession, token: str, settings: Settings) -> None:
    """Logout: the refresh token stops working (an invalid one is simply ignored)."""
    try:
        claims = decode_token(token, "refresh", settings.secret_key)
    except InvalidTokenError:
        return
    await _spend(session, claims["jti"])
    await session.commit()


async def revoke_all(session: AsyncSession, user_id: int) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.spent_at.is_(None))
        .values(spent_at=datetime.now(UTC))
    )
    await session.commit()
