"""The docs page's Authorize button: OAuth2 password flow against /api/v1/auth/token."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema


# drf-spectacular registers extensions in an untyped __init_subclass__.
class OAuth2PasswordScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = f"{__package__}.authentication.JWTAuthentication"
    name = "OAuth2PasswordBearer"
    # Wins over drf-spectacular's own plain-bearer description of the same class.
    priority = 1

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, Any]:
        return {
            "type": "oauth2",
            "flows": {"password": {"tokenUrl": "/api/v1/auth/token", "scopes": {}}},
        }
