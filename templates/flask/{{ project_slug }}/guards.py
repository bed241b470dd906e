"""Bearer-token protection for API operations, documented where it is applied."""

from collections.abc import Callable
from typing import Any, TypeVar

from flask_jwt_extended import current_user, jwt_required
from flask_smorest import Blueprint

from .models import User

View = TypeVar("View", bound=Callable[..., Any])


def authenticated(blp: Blueprint) -> Callable[[View], View]:
    """Require a valid access token; the docs show the lock and the 401 answer."""

    def decorate(view: View) -> View:
        guarded = jwt_required()(view)
        guarded = blp.problem(401, "Missing, invalid or expired access token")(guarded)
        guarded = blp.doc(security=[{"OAuth2PasswordBearer": []}])(guarded)
        return guarded  # type: ignore[no-any-return]

    return decorate


def me() -> User:
    """The user whose access token authenticated this request."""
    user: User = current_user
    return user
