"""Server-rendered pages: home, register, log in and out, with sessions and CSRF protection."""

import hmac
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from . import accounts
from .extensions import db, login_manager
from .forms import LoginForm, LogoutForm, RegisterForm
from .models import User

bp = Blueprint("pages", __name__)


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The session's user, unless their password changed since it began (User.get_id)."""
    user_id, _, _ = session_id.partition(":")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not user.is_active:
        return None
    return user if hmac.compare_digest(session_id, user.get_id()) else None


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
    return render_template("home.html")


@bp.route("/register", methods=["GET", "POST"])
def register() -> str | Response:
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                form.email.data or "", form.password.data or "", form.full_name.data or ""
            )
        except accounts.EmailTakenError:
            form.email.errors = [*form.email.errors, "That email is already registered."]
        else:
            login_user(user)
            flash("Welcome! Your account is ready.")
            return redirect(url_for("pages.home"))
    return render_template("register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors = [*form.password.errors, "Incorrect email or password."]
    return render_template("login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> Response:
    if LogoutForm().validate_on_submit():
        logout_user()
        flash("You are logged out.")
    return redirect(url_for("pages.home"))


@bp.get("/account")
@login_required
def account() -> str:
    return render_template("account.html", user=current_user)
