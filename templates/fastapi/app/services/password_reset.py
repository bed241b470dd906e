"""Password reset by email: a link that works once, for a while, and ends every session."""

import hmac

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.passwords import password_problem
from app.core.security import (
    InvalidTokenError,
    create_token,
    decode_token,
    hash_password,
    password_fingerprint,
)
from app.models import User
from app.services import emails, throttle, tokens, users

RESET_PAGE = "/reset-password"


class InvalidResetTokenError(Exception):
    """The link is malformed, expired, already used, or older than the current password."""


class PasswordRefusedError(Exception):
    """The new password fails the policy; the message says why."""


def reset_link(user: User, settings: Settings) -> str:
    # The token carries the password's fingerprint: setting a password, through this link or
    # any other way, changes it, so the link dies when used and when the password changes.
    fingerprint = password_fingerprint(user.hashed_password, settings.secret_key)
    token = create_token(
        user.id, "reset", settings.password_reset_ttl, settings.secret_key, {"pwd": fingerprint}
    ).token
    return emails.link(settings, RESET_PAGE, token)


async def request_reset(
    session: AsyncSession, settings: Settings, email: str, address: str | None
) -> None:
    """Mail a reset link if an active account has that email; the caller cannot tell which.

    Raises throttle.LoginThrottledError when the email or the address asked too often.
    """
    await throttle.admit(session, users.canonical_email(email), address, throttle.PASSWORD_RESETS)
    user = await users.get_by_email(session, email)
    if user is None or not user.is_active:
        return
    emails.send_password_reset(settings, user, reset_link(user, settings))


async def user_for_token(session: AsyncSession, settings: Settings, token: str) -> User:
    """The user a reset token is for, while it is still good; InvalidResetTokenError if not."""
    try:
        claims = decode_token(token, "reset", settings.secret_key)
    except InvalidTokenError:
        raise InvalidResetTokenError from None
    subject = str(claims["sub"])
    user = await session.get(User, int(subject)) if subject.isdigit() else None
    if user is None or not user.is_active:
        raise InvalidResetTokenError
    current = password_fingerprint(user.hashed_password, settings.secret_key)
    if not hmac.compare_digest(str(claims.get("pwd", "")), current):
        raise InvalidResetTokenError
    return user


async def reset_password(
    session: AsyncSession, settings: Settings, token: str, new_password: str
) -> None:
    """Set the password the link was sent for; every token the user holds stops working.

    Raises InvalidResetTokenError or PasswordRefusedError.
    """
    user = await user_for_token(session, settings, token)
    problem = password_problem(new_password, user.email)
    if problem:
        raise PasswordRefusedError(problem)
    old_hash = user.hashed_password
    new_hash = await hash_password(new_password)
    # Only if the password is still the one the link was made for: of two requests racing
    # with one link, exactly one matches.
    changed = await session.execute(
        update(User)
        .where(User.id == user.id, User.hashed_password == old_hash)
        .values(hashed_password=new_hash)
        .returning(User.id)
        .execution_options(synchronize_session=False)
    )
    if changed.scalar_one_or_none() is None:
        await session.rollback()
        raise InvalidResetTokenError
    await session.commit()
    await tokens.revoke_all(session, user.id)
