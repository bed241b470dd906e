from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from ..core.fields import Text
from .models import User
from .passwords import MAX_LENGTH, MIN_LENGTH


def password_field() -> serializers.CharField:
    return Text(
        write_only=True, min_length=MIN_LENGTH, max_length=MAX_LENGTH, trim_whitespace=False
    )


def check_password_strength(password: str, user: User, field: str = "password") -> None:
    """AUTH_PASSWORD_VALIDATORS, reported against the password field."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise serializers.ValidationError({field: list(exc.messages)}) from None


class UserSerializer(serializers.ModelSerializer[User]):
    # Plain text out: the address was checked on the way in.
    email = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(source="date_joined", read_only=True)

    class Meta:
        model = User
        fields = (
            "id",
            "email",
            "full_name",
            "is_active",
            "is_superuser",
            "email_verified",
            "created_at",
        )
        read_only_fields = fields


class EmailField(serializers.EmailField):
    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return User.objects.normalize_email(super().to_internal_value(data))


@extend_schema_serializer(component_name="UserCreate")
class RegisterSerializer(serializers.Serializer[User]):
    # Only these fields are read: is_staff or is_superuser in the body are ignored.
    email = EmailField(max_length=254)
    password = password_field()
    full_name = Text(max_length=200, required=False, default="", allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        candidate = User(email=attrs["email"], full_name=attrs["full_name"])
        check_password_strength(attrs["password"], candidate)
        return attrs


class UserUpdateSerializer(serializers.ModelSerializer[User]):
    """A partial update: the fields sent change, the rest stay."""

    # Uniqueness is checked by services.update_profile, which answers 409 as registration does.
    email = EmailField(max_length=254, required=False)
    full_name = Text(max_length=200, required=False, allow_blank=True)

    class Meta:
        model = User
        fields = ("email", "full_name")


class PasswordChangeSerializer(serializers.Serializer[User]):
    """Needs the user in its context: {"user": user}."""

    current_password = Text(max_length=128, trim_whitespace=False)
    new_password = password_field()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        user: User = self.context["user"]
        check_password_strength(attrs["new_password"], user, "new_password")
        return attrs


class TokenRequestSerializer(serializers.Serializer[User]):
    """The OAuth2 password grant: the email goes in `username`."""

    grant_type = serializers.ChoiceField(choices=["password"], required=False)
    username = Text(max_length=254)
    password = Text(max_length=128, trim_whitespace=False)


class TokenPairSerializer(serializers.Serializer[dict[str, Any]]):
    access_token = serializers.CharField()
    refresh_token = serializers.CharField()
    token_type = serializers.ChoiceField(choices=["bearer"])
    expires_in = serializers.IntegerField(help_text="Seconds until the access token expires")


class RefreshRequestSerializer(serializers.Serializer[dict[str, Any]]):
    # An empty token is just an invalid one: 401 (logout: 204), as in the other starters.
    refresh_token = Text(max_length=2048, allow_blank=True)


class EmailVerificationRequestSerializer(serializers.Serializer[dict[str, Any]]):
    # Any text: an address with no account is answered as one with an account is.
    email = Text(max_length=254, allow_blank=True)


class EmailVerificationConfirmSerializer(serializers.Serializer[dict[str, Any]]):
    """The token from the emailed link."""

    token = Text(max_length=2048, allow_blank=True)


class PasswordResetRequestSerializer(serializers.Serializer[dict[str, Any]]):
    # Any text: an address with no account is answered as one with an account is.
    email = Text(max_length=254, allow_blank=True)


class PasswordResetConfirmSerializer(serializers.Serializer[dict[str, Any]]):
    """The token from the emailed link, and the new password (the policy applies)."""

    token = Text(max_length=2048, allow_blank=True)
    new_password = password_field()
