"""Registration, tokens (OAuth2 password grant), your profile, and the administrators' list."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, permissions, status
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..core.openapi import CONFLICT, FORBIDDEN, INVALID_BODY, INVALID_QUERY, UNAUTHORIZED, error
from ..core.problems import require_body
from . import password_reset, services, throttle, tokens
from .models import User
from .serializers import (
    EmailVerificationConfirmSerializer,
    EmailVerificationRequestSerializer,
    PasswordChangeSerializer,
    PasswordResetConfirmSerializer,
    PasswordResetRequestSerializer,
    RefreshRequestSerializer,
    RegisterSerializer,
    TokenPairSerializer,
    TokenRequestSerializer,
    UserSerializer,
    UserUpdateSerializer,
)

UNVERIFIED = "Verify your email address first: follow the link sent to it, or ask for another."


class EmailTaken(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "That email is already registered."
    default_code = "email_taken"


def current_user(request: Request) -> User:
    """The authenticated user; views reach here only past IsAuthenticated."""
    user = request.user
    if not isinstance(user, User):
        raise exceptions.NotAuthenticated
    return user


class IsSuperuser(permissions.BasePermission):
    # The API's administrators are superusers, as in the other starters; is_staff only opens
    # Django's admin site.
    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(getattr(request.user, "is_superuser", False))


class PublicView(APIView):
    """No credentials needed; failed logins still answer 401 with a Bearer challenge."""

    authentication_classes = ()
    permission_classes = (AllowAny,)

    def get_authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class RegisterView(PublicView):
    @extend_schema(
        operation_id="register",
        tags=["auth"],
        summary="Create an account",
        request=RegisterSerializer,
        responses={201: UserSerializer, **INVALID_BODY, **CONFLICT},
    )
    def post(self, request: Request) -> Response:
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            user = services.register(data["email"], data["password"], data["full_name"])
        except services.EmailTakenError:
            raise EmailTaken from None
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


class TokenView(PublicView):
    # The OAuth2 password grant is a form, which the docs' Authorize button sends.
    parser_classes = (FormParser,)

    @extend_schema(
        operation_id="create_token",
        tags=["auth"],
        summary="Log in: exchange email (as username) and password for a token pair",
        request={"application/x-www-form-urlencoded": TokenRequestSerializer},
        responses={
            200: TokenPairSerializer,
            422: INVALID_BODY[422],
            401: error("Wrong email or password"),
            403: error("The email is still unverified past its deadline"),
            429: error("Too many failed logins; see Retry-After"),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            user = services.log_in(
                request._request,
                serializer.validated_data["username"],
                serializer.validated_data["password"],
            )
        except throttle.LoginThrottledError as exc:
            raise exceptions.Throttled(
                exc.retry_after, "Too many failed logins; try again later."
            ) from None
        except services.UnverifiedError:
            raise exceptions.PermissionDenied(UNVERIFIED) from None
        if user is None:
            raise exceptions.AuthenticationFailed("Incorrect email or password.")
        return Response(tokens.issue(user))


class RefreshView(PublicView):
    @extend_schema(
        operation_id="refresh_token",
        tags=["auth"],
        summary="Trade a refresh token for a new pair; each refresh token works once",
        request=RefreshRequestSerializer,
        responses={
            200: TokenPairSerializer,
            **INVALID_BODY,
            401: error("Invalid, expired or already used refresh token"),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = RefreshRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            pair = tokens.rotate(serializer.validated_data["refresh_token"])
        except tokens.InvalidRefreshTokenError:
            raise exceptions.AuthenticationFailed("Invalid refresh token.") from None
        return Response(pair)


class LogoutView(PublicView):
    @extend_schema(
        operation_id="logout",
        tags=["auth"],
        summary="Log out: the refresh token stops working",
        request=RefreshRequestSerializer,
        responses={204: None, **INVALID_BODY},
    )
    def post(self, request: Request) -> Response:
        serializer = RefreshRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tokens.revoke(serializer.validated_data["refresh_token"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordResetView(PublicView):
    @extend_schema(
        operation_id="request_password_reset",
        tags=["auth"],
        summary="Ask for a password reset link by email",
        request=PasswordResetRequestSerializer,
        responses={
            202: OpenApiResponse(description="A link is on its way if an account has that email"),
            **INVALID_BODY,
            429: error("Too many reset requests; see Retry-After"),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = PasswordResetRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            password_reset.request_reset(
                serializer.validated_data["email"], throttle.request_address(request._request)
            )
        except throttle.LoginThrottledError as exc:
            raise exceptions.Throttled(
                exc.retry_after, "Too many reset requests; try again later."
            ) from None
        return Response(status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmView(PublicView):
    @extend_schema(
        operation_id="confirm_password_reset",
        tags=["auth"],
        summary="Set a new password with the token from the emailed link",
        request=PasswordResetConfirmSerializer,
        responses={204: None, **INVALID_BODY},
    )
    def post(self, request: Request) -> Response:
        serializer = PasswordResetConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        given = serializer.validated_data
        try:
            password_reset.reset_password(given["token"], given["new_password"])
        except password_reset.InvalidResetTokenError:
            wrong = {"token": ["The link is invalid, expired or already used."]}
            raise exceptions.ValidationError(wrong) from None
        except password_reset.PasswordRefusedError as exc:
            raise exceptions.ValidationError({"new_password": [str(exc)]}) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class EmailVerificationView(PublicView):
    @extend_schema(
        operation_id="request_email_verification",
        tags=["auth"],
        summary="Ask for another email verification link",
        request=EmailVerificationRequestSerializer,
        responses={
            202: OpenApiResponse(
                description="A link is on its way if an unverified account has that email"
            ),
            **INVALID_BODY,
            429: error("Too many requests; see Retry-After"),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = EmailVerificationRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.request_verification(
                serializer.validated_data["email"], throttle.request_address(request._request)
            )
        except throttle.LoginThrottledError as exc:
            raise exceptions.Throttled(
                exc.retry_after, "Too many requests; try again later."
            ) from None
        return Response(status=status.HTTP_202_ACCEPTED)


class EmailVerificationConfirmView(PublicView):
    @extend_schema(
        operation_id="confirm_email_verification",
        tags=["auth"],
        summary="Verify your email with the token from the emailed link",
        request=EmailVerificationConfirmSerializer,
        responses={204: None, **INVALID_BODY},
    )
    def post(self, request: Request) -> Response:
        serializer = EmailVerificationConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.verify_email(serializer.validated_data["token"])
        except services.InvalidVerificationTokenError:
            wrong = {"token": ["The link is invalid or expired."]}
            raise exceptions.ValidationError(wrong) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    @extend_schema(
        operation_id="read_me",
        tags=["users"],
        summary="Your profile",
        responses={200: UserSerializer, **UNAUTHORIZED},
    )
    def get(self, request: Request) -> Response:
        return Response(UserSerializer(current_user(request)).data)

    @extend_schema(
        operation_id="update_me",
        tags=["users"],
        summary="Change your email (a link to verify it is sent) or name",
        request=UserUpdateSerializer,
        responses={200: UserSerializer, **INVALID_BODY, **UNAUTHORIZED, **CONFLICT},
    )
    def patch(self, request: Request) -> Response:
        user = current_user(request)
        require_body(request)
        serializer = UserUpdateSerializer(user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            services.update_profile(user, dict(serializer.validated_data))
        except services.EmailTakenError:
            raise EmailTaken from None
        return Response(UserSerializer(user).data)


class PasswordChangeView(APIView):
    @extend_schema(
        operation_id="change_password",
        tags=["users"],
        summary="Change your password; every token you hold stops working: log in again",
        request=PasswordChangeSerializer,
        responses={
            204: OpenApiResponse(description="Password changed"),
            **INVALID_BODY,
            **UNAUTHORIZED,
        },
    )
    def post(self, request: Request) -> Response:
        user = current_user(request)
        serializer = PasswordChangeSerializer(data=request.data, context={"user": user})
        serializer.is_valid(raise_exception=True)
        given = serializer.validated_data
        try:
            services.change_password(user, given["current_password"], given["new_password"])
        except services.WrongPasswordError:
            wrong = {"current_password": ["The current password is wrong."]}
            raise exceptions.ValidationError(wrong) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    get=extend_schema(
        operation_id="list_users",
        tags=["users"],
        summary="All users (administrators only)",
        responses={200: UserSerializer, **INVALID_QUERY, **UNAUTHORIZED, **FORBIDDEN},
    )
)
class UserListView(generics.ListAPIView[User]):
    queryset = User.objects.order_by("id")
    serializer_class = UserSerializer
    permission_classes = (permissions.IsAuthenticated, IsSuperuser)
