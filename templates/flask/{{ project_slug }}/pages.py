"""Server-rendered pages: home, register, log in and out, with sessions and CSRF protection."""

import hmac
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from . import accounts, emails, password_reset, throttle
from .extensions import db, login_manager
from .forms import (
    ForgotPasswordForm,
    LoginForm,
    LogoutForm,
    RegisterForm,
    ResetPasswordForm,
    VerifyEmailForm,
)
from .models import User

bp = Blueprint("pages", __name__)


# The session cookie keeps the login's id under this key; the login itself lives in the database.
LOGIN_KEY = "login"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The session's user, unless they logged out or their password changed since it began."""
    user_id, _, _ = session_id.partition(":")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not user.is_active or not hmac.compare_digest(session_id, user.get_id()):
        return None
    return user if accounts.session_is_live(session.get(LOGIN_KEY), user) else None


def _log_in(user: User) -> None:
    login_user(user)
    session[LOGIN_KEY] = accounts.start_session(user)


def _safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect would let phishing links borrow this site."""
    if target and target.startswith("/") and not urlsplit(target).netloc:
        return target
    return url_for("pages.home")


@bp.app_context_processor
def forms() -> dict[str, LogoutForm]:
    return {"logout_form": LogoutForm()}


@bp.get("/")
def home() -> str:
    return render_template("home.html", admin="admin" in current_app.blueprints)


@bp.route("/register", methods=["GET", "POST"])
def register() -> str | Response:
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.register(
                form.email.data or "", form.password.data or "", form.full_name.data or ""
            )
        except accounts.EmailTakenError:
            form.email.errors = [*form.email.errors, "That email is already registered."]
        else:
            _log_in(user)
            flash("Welcome! Your account is ready.")
            return redirect(url_for("pages.home"))
    return render_template("register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int, dict[str, str]]:
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(
                form.email.data or "", form.password.data or "", throttle.request_address()
            )
        except throttle.LoginThrottledError as exc:
            form.password.errors = [
                *form.password.errors,
                f"Too many failed logins. Try again in {exc.retry_after} seconds.",
            ]
            page = render_template("login.html", form=form)
            return page, 429, {"Retry-After": str(exc.retry_after)}
        except accounts.UnverifiedError:
            form.email.errors = [
                *form.email.errors,
                "Verify your email address first: follow the link we sent to it.",
            ]
            return render_template("login.html", form=form), 403, {}
        if user is not None:
            _log_in(user)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors = [*form.password.errors, "Incorrect email or password."]
    return render_template("login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> Response:
    if LogoutForm().validate_on_submit():
        accounts.end_session(session.pop(LOGIN_KEY, None))
        logout_user()
        flash("You are logged out.")
    return redirect(url_for("pages.home"))


@bp.get("/account")
@login_required
def account() -> str:
    return render_template("account.html", user=current_user)


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password() -> str | Response | tuple[str, int, dict[str, str]]:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        try:
            password_reset.request_reset(form.email.data or "", throttle.request_address())
        except throttle.LoginThrottledError as exc:
            form.email.errors = [
                *form.email.errors,
                f"Too many reset requests. Try again in {exc.retry_after} seconds.",
            ]
            page = render_template("forgot_password.html", form=form)
            return page, 429, {"Retry-After": str(exc.retry_after)}
        # The same words whether or not the address has an account.
        flash("If an account has that email, a link to reset its password is on its way.")
        return redirect(url_for("pages.login"))
    return render_template("forgot_password.html", form=form)


@bp.route(password_reset.RESET_PAGE, methods=["GET", "POST"])
def reset_password() -> str | Response | tuple[str, int]:
    form = ResetPasswordForm(token=request.args.get("token", ""))
    try:
        password_reset.user_for_token(form.token.data or "")
    except password_reset.InvalidResetTokenError:
        return render_template("reset_password.html", form=None), 400
    if form.validate_on_submit():
        try:
            password_reset.reset_password(form.token.data or "", form.password.data or "")
        except password_reset.InvalidResetTokenError:
            return render_template("reset_password.html", form=None), 400
        except password_reset.PasswordRefusedError as exc:
            form.password.errors = [*form.password.errors, str(exc)]
        else:
            flash("Your password is changed, and every session you had is ended: log in.")
            return redirect(url_for("pages.login"))
    return render_template("reset_password.html", form=form)


@bp.route(emails.VERIFY_PAGE, methods=["GET", "POST"])
def verify_email() -> str | tuple[str, int]:
    # Opening the link only shows the button: mail scanners open links too.
    form = VerifyEmailForm(token=request.args.get("token", ""))
    if form.validate_on_submit():
        try:
            user = accounts.verify_email(form.token.data or "")
        except accounts.InvalidVerificationTokenError:
            return render_template("verify_email.html", form=None), 400
        return render_template("verify_email.html", form=None, verified=user.email)
    return render_template("verify_email.html", form=form)
