"""The messages accounts are sent; each carries a signed link back to this site."""

from urllib.parse import urlencode, urlsplit

from flask import current_app
from itsdangerous import URLSafeTimedSerializer

from . import mail
from .models import User

VERIFY_PAGE = "/verify-email"


def link(page: str, token: str) -> str:
    return f"{current_app.config['PUBLIC_URL']}{page}?{urlencode({'token': token})}"


def site() -> str:
    return str(urlsplit(current_app.config["PUBLIC_URL"]).netloc)


def verification_serializer() -> URLSafeTimedSerializer:
    # Its own salt: a token signed for anything else never passes here.
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="email-verification")


def send_password_reset(user: User, reset_link: str) -> None:
    message = mail.render(
        "password_reset",
        to=user.email,
        email=user.email,
        link=reset_link,
        minutes=current_app.config["PASSWORD_RESET_TTL"] // 60,
        site=site(),
    )
    mail.send(message)


def send_verification(user: User) -> None:
    # The token names the address it was sent to: once the email changes, it proves nothing.
    token = verification_serializer().dumps({"sub": user.id, "email": user.email})
    ttl = current_app.config["EMAIL_VERIFICATION_TTL"]
    message = mail.render(
        "verify_email",
        to=user.email,
        email=user.email,
        link=link(VERIFY_PAGE, token),
        hours=ttl // 3600,
        site=site(),
    )
    mail.send(message)
