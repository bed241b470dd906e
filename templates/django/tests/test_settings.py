import importlib
import runpy
import secrets
import sys
from pathlib import Path

import environ
import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

PROJECT = Path(__file__).resolve().parents[1]


def load(module: str, monkeypatch: pytest.MonkeyPatch, **environ: str) -> object:
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    for name in (module, "config.settings.base"):
        sys.modules.pop(name, None)
    return importlib.import_module(module)


def test_prod_refuses_placeholder_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        load("config.settings.prod", monkeypatch, SECRET_KEY="change-me", DEBUG="false")


def test_prod_refuses_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        load("config.settings.prod", monkeypatch, SECRET_KEY="s" * 60, DEBUG="true")


def test_prod_refuses_to_print_mail(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL is console://"):
        load(
            "config.settings.prod",
            monkeypatch,
            SECRET_KEY="s" * 60,
            DEBUG="false",
            EMAIL_URL="console://",
        )


def test_a_wrong_email_url_stops_the_start_with_the_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL names no host"):
        load("config.settings.dev", monkeypatch, EMAIL_URL="smtps://")


def test_email_url_sets_djangos_mailers(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "smtps://ada:p%40ss@mail.example.com"
    base = load("config.settings.base", monkeypatch, EMAIL_URL=url)
    assert base.MAILERS == {  # type: ignore[attr-defined]
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": "mail.example.com",
                "port": 465,
                "username": "ada",
                "password": "p@ss",
                "use_tls": False,
                "use_ssl": True,
                "timeout": 10,
            },
        }
    }


def test_development_prints_mail_without_a_server(monkeypatch: pytest.MonkeyPatch) -> None:
    dev = load("config.settings.dev", monkeypatch, EMAIL_URL="", DEBUG="true")
    backend = dev.MAILERS["default"]["BACKEND"]  # type: ignore[attr-defined]
    assert backend == "django.core.mail.backends.console.EmailBackend"


def test_prod_loads_with_a_real_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    prod = load("config.settings.prod", monkeypatch, SECRET_KEY="s" * 60, DEBUG="false")
    assert prod.SECURE_HSTS_SECONDS == 31_536_000  # type: ignore[attr-defined]
    assert prod.SECURE_HSTS_PRELOAD is False  # type: ignore[attr-defined]
    assert prod.SESSION_COOKIE_SECURE is True  # type: ignore[attr-defined]


def test_only_production_ignores_a_local_env_file(monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[Path] = []
    monkeypatch.setattr(environ.Env, "read_env", lambda path, **_: read.append(path))
    load("config.settings.dev", monkeypatch, DJANGO_SETTINGS_MODULE="config.settings.dev")
    assert read == [PROJECT / ".env"]
    read.clear()
    load(
        "config.settings.prod",
        monkeypatch,
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        SECRET_KEY="s" * 60,
        DEBUG="false",
    )
    assert read == []


def test_hsts_preload_is_opt_in(monkeypatch: pytest.MonkeyPatch) -> None:
    prod = load(
        "config.settings.prod",
        monkeypatch,
        SECRET_KEY="s" * 60,
        DEBUG="false",
        SECURE_HSTS_PRELOAD="true",
    )
    assert prod.SECURE_HSTS_PRELOAD is True  # type: ignore[attr-defined]
    assert "security.W021" not in getattr(prod, "SILENCED_SYSTEM_CHECKS", [])


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    base = load(
        "config.settings.base",
        monkeypatch,
        ALLOWED_HOSTS="api.example.com,www.example.com",
        CORS_ORIGINS="https://app.example.com",
        ACCESS_TOKEN_TTL="60",
        REFRESH_TOKEN_TTL="3600",
        LOG_LEVEL="warning",
    )
    assert base.ALLOWED_HOSTS == ["api.example.com", "www.example.com"]  # type: ignore[attr-defined]
    assert base.CORS_ALLOWED_ORIGINS == ["https://app.example.com"]  # type: ignore[attr-defined]
    jwt = base.SIMPLE_JWT  # type: ignore[attr-defined]
    assert jwt["ACCESS_TOKEN_LIFETIME"].total_seconds() == 60
    assert jwt["REFRESH_TOKEN_LIFETIME"].total_seconds() == 3600
    assert base.LOG_LEVEL == "WARNING"  # type: ignore[attr-defined]


def test_dev_turns_debug_on_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DEBUG", raising=False)
    dev = load("config.settings.dev", monkeypatch)
    assert dev.DEBUG is True  # type: ignore[attr-defined]


def production_values(monkeypatch: pytest.MonkeyPatch, **environ: str) -> dict[str, object]:
    """The production settings that differ from the test settings."""
    prod = load(
        "config.settings.prod",
        monkeypatch,
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="false",
        **environ,
    )
    return {
        name: getattr(prod, name)
        for name in dir(prod)
        if name.isupper()
        and name != "DATABASES"
        and getattr(settings, name, None) != getattr(prod, name)
    }


def test_prod_passes_djangos_deployment_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """`check --deploy --fail-level WARNING` against the production settings' values."""
    changed = production_values(monkeypatch, EMAIL_URL="smtps://mail.example.com")
    assert {"SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "SECRET_KEY"} <= set(changed)
    with override_settings(**changed):
        call_command("check", "--deploy", "--fail-level", "WARNING", verbosity=0)


def test_the_deployment_checks_ask_for_a_mail_server(monkeypatch: pytest.MonkeyPatch) -> None:
    without = production_values(monkeypatch, EMAIL_URL="")
    with override_settings(**without), pytest.raises(SystemCheckError, match=r"mail\.E001"):
        call_command("check", "--deploy", "--fail-level", "WARNING", verbosity=0)


def test_gunicorn_reads_workers_and_port_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    monkeypatch.setenv("PORT", "9001")
    conf = runpy.run_path(str(PROJECT / "gunicorn.conf.py"))
    assert conf["workers"] == 5
    assert conf["bind"] == "0.0.0.0:9001"
