import os
from typing import Any

import pytest
import uvicorn

from app import __main__ as server
from app.core.config import PRODUCTION, get_settings


def test_refuses_to_start_with_placeholder_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "change-me")
    monkeypatch.setenv("DEBUG", "false")
    monkeypatch.setenv(PRODUCTION, "0")  # main() sets it; the monkeypatch undoes that
    get_settings.cache_clear()
    with pytest.raises(SystemExit, match="SECRET_KEY"):
        server.main()
    get_settings.cache_clear()


def test_serves_with_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    started: dict[str, Any] = {}
    monkeypatch.setenv("SECRET_KEY", "k" * 50)
    monkeypatch.setenv("DEBUG", "false")
    monkeypatch.setenv(PRODUCTION, "0")  # main() sets it; the monkeypatch undoes that
    monkeypatch.setenv("PORT", "8123")
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.update(app=app, **kw))
    get_settings.cache_clear()
    server.main()
    get_settings.cache_clear()
    assert started["app"] == "app.main:app"
    assert os.environ[PRODUCTION] == "1"  # so the workers skip a local .env too
    assert started["port"] == 8123
    assert started["workers"] == 3
