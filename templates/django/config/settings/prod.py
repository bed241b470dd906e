"""Production: refuses to start with DEBUG on or a placeholder secret; HTTPS everywhere."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import MAIL_SERVER, PLACEHOLDER_SECRETS, SECRET_KEY, env

DEBUG = env.bool("DEBUG", default=False)
if DEBUG:
    raise ImproperlyConfigured("refusing to start in production: DEBUG is on")
if SECRET_KEY in PLACEHOLDER_SECRETS or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "refusing to start in production: SECRET_KEY is missing, the placeholder, "
        "or shorter than 50 characters"
    )
if MAIL_SERVER is not None and MAIL_SERVER.console:
    raise ImproperlyConfigured(
        "refusing to start in production: EMAIL_URL is console://, which would print reset "
        "links to the log"
    )

# TLS ends at the proxy in front of the app, which says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Preloading HSTS is a commitment that is hard to undo; it stays opt-in, and so does its check.
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
