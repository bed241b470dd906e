"""The account rules, kept out of the views as the other starters keep them out of routes."""

from typing import Any

from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from . import tokens
from .models import User


class EmailTakenError(Exception):
    """Another account already has this email."""


def register(email: str, password: str, full_name: str) -> User:
    try:
        with transaction.atomic():
            return User.objects.create_user(email, password, full_name=full_name)
    except IntegrityError:  # the unique index decides races between two registrations
        raise EmailTakenError(email) from None


def log_in(request: HttpRequest, email: str, password: str) -> User | None:
    """The user these credentials name, or None.

    Raises throttle.LoginThrottledError once the account or the address has failed too often.
    """
    user = authenticate(request, username=email, password=password)
    return user if isinstance(user, User) else None


def update_profile(user: User, changes: dict[str, Any]) -> User:
    for name, value in changes.items():
        setattr(user, name, value)
    try:
        with transaction.atomic():
            user.save(update_fields=list(changes))
    except IntegrityError:
        raise EmailTakenError(changes.get("email", "")) from None
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
