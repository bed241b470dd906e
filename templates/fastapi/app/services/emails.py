"""The messages accounts are sent; each carries a signed link back to this site."""

from urllib.parse import urlencode, urlsplit

from app.core import mail
from app.core.config import Settings
from app.core.security import create_token
from app.models import User

VERIFY_PAGE = "/verify-email"


def link(settings: Settings, page: str, token: str) -> str:
    return f"{settings.public_url}{page}?{urlencode({'token': token})}"


def site(settings: Settings) -> str:
    return urlsplit(settings.public_url).netloc


def send_password_reset(settings: Settings, user: User, reset_link: str) -> None:
    message = mail.render(
        "password_reset",
        to=user.email,
        email=user.email,
        link=reset_link,
        minutes=settings.password_reset_ttl // 60,
        site=site(settings),
    )
    mail.send(settings, message)


def send_verification(settings: Settings, user: User) -> None:
    # The token names the address it was sent to: once the email changes, it proves nothing.
    token = create_token(
        user.id,
        "verify",
        settings.email_verification_ttl,
        settings.secret_key,
        {"email": user.email},
    ).token
    message = mail.render(
        "verify_email",
        to=user.email,
        email=user.email,
        link=link(settings, VERIFY_PAGE, token),
        hours=settings.email_verification_ttl // 3600,
        site=site(settings),
    )
    mail.send(settings, message)
