"""The shared password policy as one of Django's AUTH_PASSWORD_VALIDATORS."""

from django.core.exceptions import ValidationError

from .passwords import MAX_LENGTH, MIN_LENGTH, password_problem


class PasswordPolicyValidator:
    """The shared policy as one of Django's AUTH_PASSWORD_VALIDATORS, so the API, the admin's
    forms and `changepassword` refuse exactly what the other starters refuse."""

    def validate(self, password: str, user: object = None) -> None:
        problem = password_problem(password, str(getattr(user, "email", "") or ""))
        if problem:
            raise ValidationError(problem, code="password_policy")

    def get_help_text(self) -> str:
        return (
            f"Use {MIN_LENGTH} to {MAX_LENGTH} characters; not a common password, "
            "and not your email address."
        )
