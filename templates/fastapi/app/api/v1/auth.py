"""Registration and tokens (OAuth2 password grant, so the docs' Authorize button works)."""

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Response, status

from app import schemas
from app.api.deps import (
    CONFLICT,
    INVALID_BODY,
    ClientAddressDep,
    SettingsDep,
    credentials_error,
    invalid_field,
)
from app.core.security import InvalidTokenError
from app.db import SessionDep
from app.schemas import (
    EmailVerificationConfirm,
    EmailVerificationRequest,
    PasswordResetConfirm,
    PasswordResetRequest,
    RefreshRequest,
    TokenPair,
    TokenRequest,
    UserCreate,
)
from app.services import password_reset, throttle, tokens, users

router = APIRouter(prefix="/auth", tags=["auth"])
UNVERIFIED = "Verify your email address first: follow the link sent to it, or ask for another"


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    responses={**CONFLICT, **INVALID_BODY},
    summary="Create an account",
)
async def register(data: UserCreate, session: SessionDep, settings: SettingsDep) -> schemas.User:
    try:
        user = await users.register(session, settings, data)
    except users.EmailTakenError:
        raise HTTPException(status.HTTP_409_CONFLICT, "That email is already registered") from None
    return schemas.User.model_validate(user)


@router.post(
    "/token",
    responses={
        422: INVALID_BODY[422],
        401: {"description": "Wrong email or password"},
        403: {"description": "The email is still unverified past its deadline"},
        429: {"description": "Too many failed logins; see Retry-After"},
    },
    summary="Log in: exchange email (as username) and password for a token pair",
)
async def create_token(
    form: Annotated[TokenRequest, Form()],
    address: ClientAddressDep,
    session: SessionDep,
    settings: SettingsDep,
) -> TokenPair:
    try:
        user = await users.authenticate(session, form.username, form.password, address)
    except throttle.LoginThrottledError as exc:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            "Too many failed logins; try again later",
            headers={"Retry-After": str(exc.retry_after)},
        ) from None
    except users.UnverifiedError:
        raise HTTPException(status.HTTP_403_FORBIDDEN, UNVERIFIED) from None
    if user is None:
        raise credentials_error("Incorrect email or password")
    return await tokens.issue(session, user, settings)


@router.post(
    "/refresh",
    responses={**INVALID_BODY, 401: {"description": "Invalid, expired or already used"}},
    summary="Trade a refresh token for a new pair; each refresh token works once",
)
async def refresh_token(
    data: RefreshRequest, session: SessionDep, settings: SettingsDep
) -> TokenPair:
    try:
        return await tokens.rotate(session, data.refresh_token, settings)
    except InvalidTokenError:
        raise credentials_error("Invalid refresh token") from None


@router.post(
    "/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=INVALID_BODY,
    summary="Log out: the refresh token stops working",
)
async def logout(data: RefreshRequest, session: SessionDep, settings: SettingsDep) -> None:
    await tokens.revoke(session, data.refresh_token, settings)


@router.post(
    "/password-reset",
    status_code=status.HTTP_202_ACCEPTED,
    response_class=Response,
    responses={
        **INVALID_BODY,
        202: {"description": "A link is on its way if an account has that email"},
        429: {"description": "Too many reset requests; see Retry-After"},
    },
    summary="Ask for a password reset link by email",
)
async def request_password_reset(
    data: PasswordResetRequest,
    address: ClientAddressDep,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    try:
        await password_reset.request_reset(session, settings, data.email, address)
    except throttle.LoginThrottledError as exc:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            "Too many reset requests; try again later",
            headers={"Retry-After": str(exc.retry_after)},
        ) from None
    return Response(status_code=status.HTTP_202_ACCEPTED)


@router.post(
    "/password-reset/confirm",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=INVALID_BODY,
    summary="Set a new password with the token from the emailed link",
)
async def confirm_password_reset(
    data: PasswordResetConfirm, session: SessionDep, settings: SettingsDep
) -> None:
    try:
        await password_reset.reset_password(session, settings, data.token, data.new_password)
    except password_reset.InvalidResetTokenError:
        raise invalid_field("token", "The link is invalid, expired or already used.") from None
    except password_reset.PasswordRefusedError as exc:
        raise invalid_field("new_password", str(exc)) from None


@router.post(
    "/verify-email",
    status_code=status.HTTP_202_ACCEPTED,
    response_class=Response,
    responses={
        **INVALID_BODY,
        202: {"description": "A link is on its way if an unverified account has that email"},
        429: {"description": "Too many requests; see Retry-After"},
    },
    summary="Ask for another email verification link",
)
async def request_email_verification(
    data: EmailVerificationRequest,
    address: ClientAddressDep,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    try:
        await users.request_verification(session, settings, data.email, address)
    except throttle.LoginThrottledError as exc:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            "Too many requests; try again later",
            headers={"Retry-After": str(exc.retry_after)},
        ) from None
    return Response(status_code=status.HTTP_202_ACCEPTED)


@router.post(
    "/verify-email/confirm",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=INVALID_BODY,
    summary="Verify your email with the token from the emailed link",
)
async def confirm_email_verification(
    data: EmailVerificationConfirm, session: SessionDep, settings: SettingsDep
) -> None:
    try:
        await users.verify_email(session, settings, data.token)
    except users.InvalidVerificationTokenError:
        raise invalid_field("token", "The link is invalid or expired.") from None
