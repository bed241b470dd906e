"""Django's own authentication backend, behind the login throttle.

Every login passes here, the API's token endpoint and the admin's form alike.
"""

from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from . import throttle
from .models import User


class ThrottledModelBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        username = username if username is not None else kwargs.get(User.USERNAME_FIELD)
        if not isinstance(username, str) or password is None:
            return None
        account = User.objects.normalize_email(username)
        attempt = throttle.admit(account, throttle.request_address(request))
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            throttle.succeeded(attempt)
        return user

    async def aauthenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        # Django's async path has its own body; this one keeps the throttle in front of it.
        return await sync_to_async(self.authenticate)(request, username, password, **kwargs)
