"""The pages the emails link to: one sets a new password, one verifies the address."""

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from . import password_reset, services

TEMPLATE = "users/reset_password.html"
VERIFY = "users/verify_email.html"


class ResetPasswordForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=2048)
    new_password = forms.CharField(
        label="New password",
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    confirm_password = forms.CharField(
        label="The same again",
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password") != data.get("confirm_password"):
            self.add_error("confirm_password", "The two passwords differ.")
        return data


@require_http_methods(["GET", "HEAD", "POST"])
def reset_password(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        token = request.GET.get("token", "")[:2048]
        try:
            password_reset.user_for_token(token)
        except password_reset.InvalidResetTokenError:
            return render(request, TEMPLATE, {"expired": True}, status=400)
        return render(request, TEMPLATE, {"form": ResetPasswordForm(initial={"token": token})})
    form = ResetPasswordForm(request.POST)
    if form.is_valid():
        try:
            password_reset.reset_password(
                form.cleaned_data["token"], form.cleaned_data["new_password"]
            )
        except password_reset.InvalidResetTokenError:
            return render(request, TEMPLATE, {"expired": True}, status=400)
        except password_reset.PasswordRefusedError as exc:
            form.add_error("new_password", str(exc))
        else:
            return render(request, TEMPLATE, {"done": True})
    return render(request, TEMPLATE, {"form": form}, status=422)


class VerifyEmailForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=2048)


@require_http_methods(["GET", "HEAD", "POST"])
def verify_email(request: HttpRequest) -> HttpResponse:
    # Opening the link only shows the button: mail scanners open links too.
    if request.method != "POST":
        form = VerifyEmailForm(initial={"token": request.GET.get("token", "")[:2048]})
        return render(request, VERIFY, {"form": form})
    form = VerifyEmailForm(request.POST)
    try:
        if not form.is_valid():
            raise services.InvalidVerificationTokenError
        user = services.verify_email(form.cleaned_data["token"])
    except services.InvalidVerificationTokenError:
        return render(request, VERIFY, {"expired": True}, status=400)
    return render(request, VERIFY, {"verified": user.email})
