"""The current user's profile and password, and the administrators' user list."""

from fastapi import APIRouter, HTTPException, Response, status

from app.api.deps import (
    CONFLICT,
    FORBIDDEN,
    UNAUTHORIZED,
    AdminUser,
    CurrentUser,
    Limit,
    Offset,
)
from app.core.security import verify_password
from app.db import SessionDep
from app.schemas import ErrorResponse, Page, PasswordChange, UserPublic, UserUpdate
from app.services import tokens, users

router = APIRouter(prefix="/users", tags=["users"], responses=UNAUTHORIZED)


@router.get("/me", summary="Your profile")
async def read_me(user: CurrentUser) -> UserPublic:
    return UserPublic.model_validate(user)


@router.patch("/me", responses=CONFLICT, summary="Change your email or name")
async def update_me(data: UserUpdate, user: CurrentUser, session: SessionDep) -> UserPublic:
    try:
        updated = await users.update(session, user, data)
    except users.EmailTakenError:
        raise HTTPException(status.HTTP_409_CONFLICT, "That email is already registered") from None
    return UserPublic.model_validate(updated)


@router.post(
    "/me/password",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={400: {"model": ErrorResponse, "description": "The current password is wrong"}},
    summary="Change your password; every token you hold stops working: log in again",
)
async def change_password(data: PasswordChange, user: CurrentUser, session: SessionDep) -> Response:
    if not await verify_password(data.current_password, user.hashed_password):
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "The current password is wrong")
    await users.set_password(session, user, data.new_password)
    await tokens.revoke_all(session, user.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("", responses=FORBIDDEN, summary="All users (administrators only)")
async def list_users(
    admin: AdminUser, session: SessionDep, limit: Limit = 20, offset: Offset = 0
) -> Page[UserPublic]:
    rows, total = await users.page(session, limit, offset)
    return Page(
        items=[UserPublic.model_validate(u) for u in rows], total=total, limit=limit, offset=offset
    )
