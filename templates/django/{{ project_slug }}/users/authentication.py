"""Bearer-token authentication: simplejwt's, ending tokens issued before a password change."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.crypto import constant_time_compare
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.tokens import Token


def password_fingerprint(user: AbstractBaseUser) -> str:
    # Django's own keyed digest of the password hash, the one that ends login sessions when
    # the password changes; access tokens carry a prefix of it.
    return user.get_session_auth_hash()[:16]


class JWTAuthentication(authentication.JWTAuthentication):
    def authenticate(self, request: Request) -> tuple[AbstractBaseUser, Token] | None:  # type: ignore[override]
        try:
            return super().authenticate(request)
        except AuthenticationFailed:
            # simplejwt's detail is a dict of diagnostics, which check failed and how; a client
            # gets the one sentence the other starters give.
            raise AuthenticationFailed("Invalid token", code="token_not_valid") from None

    # simplejwt annotates get_user with a TypeVar bound to nothing in its arguments; with the
    # project's own User model (not TokenUser) it returns an AbstractBaseUser.
    def get_user(self, validated_token: Token) -> AbstractBaseUser:  # type: ignore[override]
        user = super().get_user(validated_token)
        if not isinstance(user, AbstractBaseUser) or not constant_time_compare(
            str(validated_token.get("pwd", "")), password_fingerprint(user)
        ):
            raise InvalidToken("Token issued before the password changed")
        return user
