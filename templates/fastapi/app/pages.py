"""The pages the emails link to: one sets a new password, one verifies the address.

Neither needs a CSRF token: each form is only good with the secret token from the email,
which a forging site does not have. Verifying takes a press of a button, never the GET alone:
mail scanners open links to look at them.
"""

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from app.api.deps import SettingsDep
from app.db import SessionDep
from app.services import emails, password_reset, users

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
MAX_FIELD = 2048
PAGE = "reset_password.html"
VERIFY = "verify_email.html"


@router.get(password_reset.RESET_PAGE)
async def reset_password_form(
    request: Request, session: SessionDep, settings: SettingsDep, token: str = ""
) -> HTMLResponse:
    try:
        await password_reset.user_for_token(session, settings, token[:MAX_FIELD])
    except password_reset.InvalidResetTokenError:
        return templates.TemplateResponse(
            request, PAGE, {"expired": True}, status_code=status.HTTP_400_BAD_REQUEST
        )
    return templates.TemplateResponse(request, PAGE, {"token": token})


@router.post(password_reset.RESET_PAGE)
async def reset_password_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: Annotated[str, Form(max_length=MAX_FIELD)] = "",
    new_password: Annotated[str, Form(max_length=MAX_FIELD)] = "",
    confirm_password: Annotated[str, Form(max_length=MAX_FIELD)] = "",
) -> HTMLResponse:
    if new_password != confirm_password:
        return _refused(request, token, "The two passwords differ.")
    try:
        await password_reset.reset_password(session, settings, token, new_password)
    except password_reset.InvalidResetTokenError:
        return templates.TemplateResponse(
            request, PAGE, {"expired": True}, status_code=status.HTTP_400_BAD_REQUEST
        )
    except password_reset.PasswordRefusedError as exc:
        return _refused(request, token, str(exc))
    return templates.TemplateResponse(request, PAGE, {"done": True})


def _refused(request: Request, token: str, error: str) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        PAGE,
        {"token": token, "error": error},
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
    )


@router.get(emails.VERIFY_PAGE)
async def verify_email_form(request: Request, token: str = "") -> HTMLResponse:
    return templates.TemplateResponse(request, VERIFY, {"token": token[:MAX_FIELD]})


@router.post(emails.VERIFY_PAGE)
async def verify_email_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: Annotated[str, Form(max_length=MAX_FIELD)] = "",
) -> HTMLResponse:
    try:
        user = await users.verify_email(session, settings, token)
    except users.InvalidVerificationTokenError:
        return templates.TemplateResponse(
            request, VERIFY, {"expired": True}, status_code=status.HTTP_400_BAD_REQUEST
        )
    return templates.TemplateResponse(request, VERIFY, {"verified": user.email})
