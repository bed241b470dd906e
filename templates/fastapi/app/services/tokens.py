"""Issuing and rotating token pairs; a refresh token works once, and reuse revokes them all."""

from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.security import InvalidTokenError, create_token, decode_token
from app.models import RefreshToken, User
from app.schemas import TokenPair


async def issue(session: AsyncSession, user: User, settings: Settings) -> TokenPair:
    access = create_token(user.id, "access", settings.access_token_ttl, settings.secret_key)
    refresh = create_token(user.id, "refresh", settings.refresh_token_ttl, settings.secret_key)
    session.add(RefreshToken(jti=refresh.jti, user_id=user.id, expires_at=refresh.expires_at))
    await session.commit()
    return TokenPair(
        access_token=access.token,
        refresh_token=refresh.token,
        expires_in=settings.access_token_ttl,
    )


async def rotate(session: AsyncSession, token: str, settings: Settings) -> TokenPair:
    claims = decode_token(token, "refresh", settings.secret_key)
    stored = await session.get(RefreshToken, claims["jti"])
    if stored is None:
        raise InvalidTokenError("unknown refresh token")
    if stored.spent_at is not None:
        # A spent token coming back means it leaked: end every session of that user.
        await revoke_all(session, stored.user_id)
        raise InvalidTokenError("refresh token already used")
    user = await session.get(User, stored.user_id)
    if user is None or not user.is_active:
        raise InvalidTokenError("user is gone or inactive")
    stored.spent_at = datetime.now(UTC)
    return await issue(session, user, settings)


async def revoke_all(session: AsyncSession, user_id: int) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.spent_at.is_(None))
        .values(spent_at=datetime.now(UTC))
    )
    await session.commit()
