import importlib
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured


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


def test_prod_loads_with_a_real_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    prod = load("config.settings.prod", monkeypatch, SECRET_KEY="s" * 60, DEBUG="false")
    assert prod.SECURE_HSTS_SECONDS == 31_536_000  # type: ignore[attr-defined]


def test_dev_turns_debug_on_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DEBUG", raising=False)
    dev = load("config.settings.dev", monkeypatch)
    assert dev.DEBUG is True  # type: ignore[attr-defined]
