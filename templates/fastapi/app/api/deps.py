"""Dependencies shared by the routers: settings, the current user, pagination."""

from typing import Annotated, Any

from fastapi import Depends, HTTPException, Query, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.security import OAuth2PasswordBearer

from app.core.config import Settings
from app.core.security import InvalidTokenError
from app.db import SessionDep
from app.models import User
from app.services import throttle, tokens

TOKEN_URL = "/api/v1/auth/token"  # noqa: S105 - a path, not a secret
oauth2_scheme = OAuth2PasswordBearer(tokenUrl=TOKEN_URL, auto_error=False)

# Documented error answers, reused by every route that can give them. Every one is an RFC 9457
# problem; app.docs puts the Problem schema under application/problem+json for all of them.
Responses = dict[int | str, dict[str, Any]]
UNAUTHORIZED: Responses = {401: {"description": "Missing or invalid access token"}}
FORBIDDEN: Responses = {403: {"description": "Administrators only"}}
NOT_FOUND: Responses = {404: {"description": "Not found, or not yours"}}
CONFLICT: Responses = {409: {"description": "That email is already registered"}}
INVALID_QUERY: Responses = {422: {"description": "A query parameter is out of bounds"}}
INVALID_BODY: Responses = {
    400: {"description": "The body is not JSON"},
    422: {"description": "The body does not match the schema"},
}


# Dependencies that do no I/O are still `async def`: FastAPI runs a plain `def` one in its
# thread pool, a thread hop on every request for nothing.
async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


async def get_client_address(request: Request) -> str | None:
    # The rule the other starters follow: the server has already taken the client from a
    # trusted proxy's X-Forwarded-For, so this finds the peer not a proxy and keeps it.
    peer = request.client.host if request.client else None
    return throttle.client_address(request.headers.get("x-forwarded-for"), peer)


ClientAddressDep = Annotated[str | None, Depends(get_client_address)]


def credentials_error(detail: str = "Invalid token") -> HTTPException:
    return HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail=detail,
        headers={"WWW-Authenticate": "Bearer"},
    )


async def get_current_user(
    session: SessionDep,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> User:
    if not token:
        raise credentials_error("Not authenticated")
    try:
        return await tokens.user_for_access_token(session, token, settings)
    except InvalidTokenError:
        raise credentials_error() from None


def invalid_field(name: str, message: str) -> RequestValidationError:
    """A body field that is wrong, as a form would show it: a 422 pointing at the field."""
    return RequestValidationError([{"loc": ("body", name), "msg": message, "type": "value_error"}])


CurrentUser = Annotated[User, Depends(get_current_user)]


async def get_admin(user: CurrentUser) -> User:
    if not user.is_superuser:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Administrators only")
    return user


AdminUser = Annotated[User, Depends(get_admin)]

MAX_LIMIT = 100
MAX_OFFSET = 1_000_000
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Rows to skip")]
