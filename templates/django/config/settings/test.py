"""Test runs: fixed secret, cheap Argon2, static files straight from the apps."""

from django.contrib.auth.hashers import Argon2PasswordHasher

from .base import *  # noqa: F403


class TestArgon2PasswordHasher(Argon2PasswordHasher):
    """Still Argon2, with test-sized costs: the suite hashes many passwords."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1


DEBUG = False
SECRET_KEY = "test-only-secret-key-that-is-long-enough-for-hmac-sha256"  # noqa: S105
PASSWORD_HASHERS = ["config.settings.test.TestArgon2PasswordHasher"]
ALLOWED_HOSTS = ["testserver", "localhost"]
# Django's in-memory outbox until a test sends to its SMTP server (tests/conftest.py).
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Tests never run collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
