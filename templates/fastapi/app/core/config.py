"""Settings, read only from the environment (and a local .env file outside production)."""

import os
from functools import lru_cache
from typing import Annotated, Self

from pydantic import ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from app.core.mail_server import MailServer, parse_email_url

PLACEHOLDER_SECRETS = frozenset({"", "change-me"})
# Django's own deployment check asks for 50; the three starters ask the same.
MIN_SECRET_LENGTH = 50
WEAK_SECRET = "SECRET_KEY is missing, the placeholder, or shorter than 50 characters"  # noqa: S105
# Set by the production command (`python -m app`) for itself and the workers it starts: a
# developer's .env lying in the directory must never change what production runs with.
PRODUCTION = "APP_PRODUCTION"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    secret_key: str = "change-me"  # noqa: S105 - the placeholder production refuses
    database_url: str = "sqlite:///db.sqlite3"
    debug: bool = False
    allowed_hosts: Annotated[list[str], NoDecode] = ["localhost", "127.0.0.1"]
    cors_origins: Annotated[list[str], NoDecode] = []
    access_token_ttl: int = 900
    refresh_token_ttl: int = 1_209_600
    log_level: str = "INFO"
    web_concurrency: int = 1
    max_request_bytes: int = 1_048_576
    port: int = 8000
    # Where mail goes (see app.core.mail), who it is from, and the site's address for the
    # links it carries: never taken from a request's Host header, which the sender chooses.
    email_url: str = ""
    email_from: str = "noreply@localhost"
    public_url: str = "http://localhost:8000"
    password_reset_ttl: int = 3600
    # A verification link works this long; an unverified account can log in this long.
    email_verification_ttl: int = 259_200
    email_verification_grace: int = 604_800

    @field_validator("allowed_hosts", "cors_origins", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("email_url")
    @classmethod
    def _names_a_mail_server(cls, value: str) -> str:
        parse_email_url(value)
        return value

    @field_validator("public_url")
    @classmethod
    def _is_a_site_address(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @property
    def mail_server(self) -> MailServer | None:
        return parse_email_url(self.email_url)

    @property
    def weak_secret(self) -> bool:
        return self.secret_key in PLACEHOLDER_SECRETS or len(self.secret_key) < MIN_SECRET_LENGTH

    @model_validator(mode="after")
    def _refuse_a_guessable_secret(self) -> Self:
        # Whoever knows the placeholder can sign tokens as anyone: it is for DEBUG only, on
        # the developer's machine, and refused by every entry point otherwise.
        if self.weak_secret and not self.debug:
            raise ValueError(f"{WEAK_SECRET} (and DEBUG is off)")
        return self

    @property
    def async_database_url(self) -> str:
        """DATABASE_URL with the async driver each backend needs (aiosqlite, asyncpg)."""
        url = self.database_url
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                return "postgresql+asyncpg://" + url.removeprefix(prefix)
        if url.startswith("sqlite://"):
            return "sqlite+aiosqlite://" + url.removeprefix("sqlite://")
        return url

    def production_problems(self) -> list[str]:
        """What makes these settings unsafe to serve real traffic with."""
        problems = []
        if self.weak_secret:
            problems.append(WEAK_SECRET)
        if self.debug:
            problems.append("DEBUG is on")
        if self.mail_server and self.mail_server.console:
            problems.append("EMAIL_URL is console://, which would print reset links to the log")
        return problems


@lru_cache
def get_settings() -> Settings:
    """The settings, or an exit naming what is wrong: every entry point starts here."""
    env_file = None if os.environ.get(PRODUCTION) == "1" else ".env"
    try:
        return Settings(_env_file=env_file)
    except ValidationError as exc:
        problems = "; ".join(
            ("_".join(map(str, e["loc"])).upper() + ": " if e["loc"] else "")
            + e["msg"].removeprefix("Value error, ")
            for e in exc.errors()
        )
        raise SystemExit(f"invalid settings: {problems}") from None
