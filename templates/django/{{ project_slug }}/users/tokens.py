"""Token pairs: a refresh token works once, and a reused one revokes every session of its user.

Access tokens are stateless and short-lived; refresh tokens are recorded (simplejwt's
outstanding-token table), so they can be spent, and revoked on reuse or a password change.
"""

from typing import Any, TypedDict

from django.db import transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken, UntypedToken

from .authentication import password_fingerprint
from .models import User


class InvalidRefreshTokenError(Exception):
    pass


class TokenPair(TypedDict):
    access_token: str
    refresh_token: str
    token_type: str
    expires_in: int


def issue(user: User) -> TokenPair:
    refresh = RefreshToken.for_user(user)
    access = refresh.access_token
    access["pwd"] = password_fingerprint(user)
    return {
        "access_token": str(access),
        "refresh_token": str(refresh),
        "token_type": "bearer",
        "expires_in": int(api_settings.ACCESS_TOKEN_LIFETIME.total_seconds()),
    }


def _refresh_claims(raw: str) -> dict[str, Any]:
    """Signature, algorithm, expiry and type; the spent state is the caller's to check."""
    try:
        # (simplejwt annotates the encoded token as its own Token class; it takes the string.)
        claims: dict[str, Any] = UntypedToken(raw).payload  # type: ignore[arg-type]
    except TokenError:
        raise InvalidRefreshTokenError("invalid or expired") from None
    if claims.get(api_settings.TOKEN_TYPE_CLAIM) != "refresh":
        raise InvalidRefreshTokenError("not a refresh token")
    return claims


def rotate(raw: str) -> TokenPair:
    """Spend a refresh token and issue a new pair."""
    claims = _refresh_claims(raw)
    stored = (
        OutstandingToken.objects.select_related("user")
        .filter(jti=claims.get(api_settings.JTI_CLAIM))
        .first()
    )
    if stored is None or stored.user is None:
        raise InvalidRefreshTokenError("unknown refresh token")
    user = stored.user
    with transaction.atomic():
        # The unique row makes spending atomic: of two concurrent uses, one creates it.
        _, spent_now = BlacklistedToken.objects.get_or_create(token=stored)
    if not spent_now:
        # A spent token coming back means it leaked: end every session of that user.
        revoke_all(user)
        raise InvalidRefreshTokenError("refresh token already used")
    if not user.is_active:
        raise InvalidRefreshTokenError("inactive user")
    if verification_overdue(user):
        raise InvalidRefreshTokenError("the email is still unverified past its deadline")
    return issue(user)


def verification_overdue(user: User) -> bool:
    """Unverified past its deadline (accounts made by an administrator have none): no new
    tokens until the email is verified."""
    deadline = user.verify_by
    return not user.email_verified and deadline is not None and deadline <= timezone.now()


def revoke(raw: str) -> None:
    """Logout: the refresh token stops working (an invalid one is simply ignored)."""
    try:
        claims = _refresh_claims(raw)
    except InvalidRefreshTokenError:
        return
    stored = OutstandingToken.objects.filter(jti=claims.get(api_settings.JTI_CLAIM)).first()
    if stored is not None:
        BlacklistedToken.objects.get_or_create(token=stored)


def revoke_all(user: User) -> None:
    unspent = OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True)
    BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=token) for token in unspent], ignore_conflicts=True
    )
