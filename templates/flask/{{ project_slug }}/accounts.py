"""Accounts: creation, login, profile and password changes, shared by the API, pages and CLI."""

from functools import cache

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .extensions import db
from .models import User
from .security import hash_password, needs_rehash, verify_password


class EmailTakenError(Exception):
    pass


def normalize_email(email: str) -> str:
    # One account per address, whatever the capitalisation it is typed with.
    return email.strip().lower()


def create_user(
    email: str, password: str, full_name: str = "", *, is_superuser: bool = False
) -> User:
    user = User(
        email=normalize_email(email),
        full_name=full_name,
        password_hash=hash_password(password),
        is_superuser=is_superuser,
    )
    db.session.add(user)
    _commit_or_email_taken()
    return user


@cache
def _dummy_hash() -> str:
    return hash_password("an unused password that only equalises timing")


def authenticate(email: str, password: str) -> User | None:
    """The active user with that email and password, else None (in about the same time)."""
    user: User | None = db.session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None:
        verify_password(password, _dummy_hash())
        return None
    if not verify_password(password, user.password_hash) or not user.is_active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.commit()
    return user


def update_profile(user: User, email: str | None = None, full_name: str | None = None) -> User:
    if email is not None:
        user.email = normalize_email(email)
    if full_name is not None:
        user.full_name = full_name
    _commit_or_email_taken()
    return user


def set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    db.session.commit()


def page(limit: int, offset: int) -> tuple[list[User], int]:
    rows = db.session.scalars(select(User).order_by(User.id).limit(limit).offset(offset))
    total = db.session.scalar(select(func.count()).select_from(User)) or 0
    return list(rows), total


def _commit_or_email_taken() -> None:
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise EmailTakenError from None
