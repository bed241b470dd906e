"""The messages accounts are sent; each carries a signed link back to this site."""

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core import signing

from ..core import mail
from .models import User

VERIFY_PAGE = "/verify-email"
VERIFY_SALT = "email-verification"


def link(page: str, token: str) -> str:
    return f"{settings.PUBLIC_URL}{page}?{urlencode({'token': token})}"


def site() -> str:
    return urlsplit(settings.PUBLIC_URL).netloc


def send_password_reset(user: User, reset_link: str) -> None:
    message = mail.render(
        "password_reset",
        to=user.email,
        email=user.email,
        link=reset_link,
        minutes=settings.PASSWORD_RESET_TIMEOUT // 60,
        site=site(),
    )
    mail.send(message)


def send_verification(user: User) -> None:
    # The token names the address it was sent to: once the email changes, it proves nothing.
    token = signing.dumps({"sub": user.pk, "email": user.email}, salt=VERIFY_SALT)
    message = mail.render(
        "verify_email",
        to=user.email,
        email=user.email,
        link=link(VERIFY_PAGE, token),
        hours=settings.EMAIL_VERIFICATION_TTL // 3600,
        site=site(),
    )
    mail.send(message)
