"""Password reset by email: a link that works once, for a while, and ends every session."""

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from . import emails, throttle, tokens
from .models import User

RESET_PAGE = "/reset-password"


class InvalidResetTokenError(Exception):
    """The link is malformed, expired, already used, or older than the current password."""


class PasswordRefusedError(Exception):
    """The new password fails the policy; the message says why."""


def reset_token(user: User) -> str:
    # Django's token hashes the password (among others): setting one, through this link or
    # any other way, changes it, so the link dies when used and when the password changes.
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"{uid}.{default_token_generator.make_token(user)}"


def reset_link(user: User) -> str:
    return emails.link(RESET_PAGE, reset_token(user))


def request_reset(email: str, address: str | None) -> None:
    """Mail a reset link if an active account has that email; the caller cannot tell which.

    Raises throttle.LoginThrottledError when the email or the address asked too often.
    """
    email = User.objects.normalize_email(email)
    throttle.admit(email, address, throttle.PASSWORD_RESETS)
    user = User.objects.filter(email=email, is_active=True).first()
    if user is None:
        return
    emails.send_password_reset(user, reset_link(user))


def user_for_token(token: str) -> User:
    """The user a reset token is for, while it is still good; InvalidResetTokenError if not."""
    uid, _, secret = token.partition(".")
    try:
        pk = force_str(urlsafe_base64_decode(uid))
        user = User.objects.get(pk=int(pk), is_active=True)
    except (ValueError, OverflowError, User.DoesNotExist):
        raise InvalidResetTokenError from None
    if not default_token_generator.check_token(user, secret):
        raise InvalidResetTokenError
    return user


def reset_password(token: str, new_password: str) -> None:
    """Set the password the link was sent for; every token and session of the user ends.

    Raises InvalidResetTokenError or PasswordRefusedError.
    """
    user = user_for_token(token)
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise PasswordRefusedError(" ".join(exc.messages)) from None
    # Only if the password is still the one the link was made for: of two requests racing
    # with one link, exactly one matches. A new password hash also ends the user's sessions
    # (Django checks it on every request) and their access tokens (authentication.py).
    changed = User.objects.filter(pk=user.pk, password=user.password).update(
        password=make_password(new_password)
    )
    if changed != 1:
        raise InvalidResetTokenError
    tokens.revoke_all(user)
