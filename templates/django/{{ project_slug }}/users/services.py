"""The account rules, kept out of the views as the other starters keep them out of routes."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from . import emails, throttle, tokens
from .models import User


class EmailTakenError(Exception):
    """Another account already has this email."""


class UnverifiedError(Exception):
    """The account's time to verify its email ran out: it logs in again once it does."""


class InvalidVerificationTokenError(Exception):
    """The link is malformed, expired, or for an address the account no longer has."""


def _deadline() -> Any:
    return timezone.now() + timedelta(seconds=settings.EMAIL_VERIFICATION_GRACE)


def register(email: str, password: str, full_name: str) -> User:
    """A new account, and the link that verifies its email on its way."""
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email, password, full_name=full_name, verify_by=_deadline()
            )
    except IntegrityError:  # the unique index decides races between two registrations
        raise EmailTakenError(email) from None
    emails.send_verification(user)
    return user


def log_in(request: HttpRequest, email: str, password: str) -> User | None:
    """The user these credentials name, or None.

    Raises throttle.LoginThrottledError once the account or the address has failed too often,
    and UnverifiedError (for the right password) once its time to verify its email ran out.
    """
    user = authenticate(request, username=email, password=password)
    if not isinstance(user, User):
        return None
    if tokens.verification_overdue(user):
        raise UnverifiedError
    return user


def verify_email(token: str) -> User:
    """Mark the address the link was sent to as verified (again is fine).

    Raises InvalidVerificationTokenError.
    """
    try:
        claims = signing.loads(
            token, salt=emails.VERIFY_SALT, max_age=settings.EMAIL_VERIFICATION_TTL
        )
    except signing.BadSignature:
        raise InvalidVerificationTokenError from None
    if not isinstance(claims, dict) or not isinstance(claims.get("sub"), int):
        raise InvalidVerificationTokenError
    user = User.objects.filter(pk=claims["sub"], is_active=True).first()
    if user is None or claims.get("email") != user.email:
        raise InvalidVerificationTokenError
    user.email_verified, user.verify_by = True, None
    user.save(update_fields=["email_verified", "verify_by"])
    return user


def request_verification(email: str, address: str | None) -> None:
    """Mail a new link if an unverified account has that email; the caller cannot tell.

    Raises throttle.LoginThrottledError when the email or the address asked too often.
    """
    email = User.objects.normalize_email(email)
    throttle.admit(email, address, throttle.VERIFICATIONS)
    user = User.objects.filter(email=email, is_active=True, email_verified=False).first()
    if user is not None:
        emails.send_verification(user)


def update_profile(user: User, changes: dict[str, Any]) -> User:
    """A new email is unverified, with the grace period to verify it, and a link sent to it."""
    changed = "email" in changes and changes["email"] != user.email
    fields = dict(changes)
    if changed:
        fields |= {"email_verified": False, "verify_by": _deadline()}
    for name, value in fields.items():
        setattr(user, name, value)
    try:
        with transaction.atomic():
            user.save(update_fields=list(fields))
    except IntegrityError:
        raise EmailTakenError(changes.get("email", "")) from None
    if changed:
        emails.send_verification(user)
    return user


class WrongPasswordError(Exception):
    """The current password given is not the user's."""


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Every token the user holds stops working: they log in again.

    Raises WrongPasswordError when `current_password` is not theirs.
    """
    if not user.check_password(current_password):
        raise WrongPasswordError
    user.set_password(new_password)
    user.save(update_fields=["password"])
    tokens.revoke_all(user)
