"""Registration, tokens (OAuth2 password grant), your profile, and the administrators' list."""

from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny, IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..core.openapi import CONFLICT, FORBIDDEN, INVALID, UNAUTHORIZED, error
from ..core.parsers import JSONParser
from . import throttle, tokens
from .models import User
from .serializers import (
    PasswordChangeSerializer,
    RefreshRequestSerializer,
    RegisterSerializer,
    TokenPairSerializer,
    TokenRequestSerializer,
    UserSerializer,
    UserUpdateSerializer,
)


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


class PublicView(APIView):
    """No credentials needed; failed logins still answer 401 with a Bearer challenge."""

    authentication_classes = ()
    permission_classes = (AllowAny,)

    def get_authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class RegisterView(PublicView):
    @extend_schema(
        tags=["auth"],
        summary="Create an account",
        request=RegisterSerializer,
        responses={201: UserSerializer, **INVALID, **CONFLICT},
    )
    def post(self, request: Request) -> Response:
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    data["email"], data["password"], full_name=data["full_name"]
                )
        except IntegrityError:
            raise EmailTaken from None
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


class TokenView(PublicView):
    # The OAuth2 form is what the docs' Authorize button sends; JSON is accepted too.
    parser_classes = (FormParser, JSONParser)

    @extend_schema(
        tags=["auth"],
        summary="Log in: exchange email (as username) and password for a token pair",
        request=TokenRequestSerializer,
        responses={
            200: TokenPairSerializer,
            **INVALID,
            401: error("Wrong email or password"),
            429: error("Too many failed logins; see Retry-After"),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            user = authenticate(
                request._request,
                username=serializer.validated_data["username"],
                password=serializer.validated_data["password"],
            )
        except throttle.LoginThrottledError as exc:
            raise exceptions.Throttled(
                exc.retry_after, "Too many failed logins; try again later."
            ) from None
        if not isinstance(user, User):
            raise exceptions.AuthenticationFailed("Incorrect email or password.")
        return Response(tokens.issue(user))


class RefreshView(PublicView):
    @extend_schema(
        tags=["auth"],
        summary="Trade a refresh token for a new pair; each refresh token works once",
        request=RefreshRequestSerializer,
        responses={
            200: TokenPairSerializer,
            **INVALID,
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
        tags=["auth"],
        summary="Log out: the refresh token stops working",
        request=RefreshRequestSerializer,
        responses={204: None, **INVALID},
    )
    def post(self, request: Request) -> Response:
        serializer = RefreshRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tokens.revoke(serializer.validated_data["refresh_token"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    @extend_schema(
        tags=["users"], summary="Your profile", responses={200: UserSerializer, **UNAUTHORIZED}
    )
    def get(self, request: Request) -> Response:
        return Response(UserSerializer(current_user(request)).data)

    @extend_schema(
        tags=["users"],
        summary="Change your email or name",
        request=UserUpdateSerializer,
        responses={200: UserSerializer, **INVALID, **UNAUTHORIZED, **CONFLICT},
    )
    def patch(self, request: Request) -> Response:
        user = current_user(request)
        serializer = UserUpdateSerializer(user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                serializer.save()
        except IntegrityError:
            raise EmailTaken from None
        return Response(UserSerializer(user).data)


class PasswordChangeView(APIView):
    @extend_schema(
        tags=["users"],
        summary="Change your password; every token you hold stops working: log in again",
        request=PasswordChangeSerializer,
        responses={
            204: OpenApiResponse(description="Password changed"),
            **INVALID,
            **UNAUTHORIZED,
        },
    )
    def post(self, request: Request) -> Response:
        user = current_user(request)
        serializer = PasswordChangeSerializer(data=request.data, context={"user": user})
        serializer.is_valid(raise_exception=True)
        user.set_password(serializer.validated_data["new_password"])
        user.save(update_fields=["password"])
        tokens.revoke_all(user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(
    tags=["users"],
    summary="All users (administrators only)",
    responses={200: UserSerializer, **UNAUTHORIZED, **FORBIDDEN},
)
class UserListView(generics.ListAPIView[User]):
    queryset = User.objects.all()
    serializer_class = UserSerializer
    permission_classes = (IsAdminUser,)
