from pathlib import Path

import pytest

from app.core.config import PRODUCTION, Settings, get_settings

SECRET = "s" * 50


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///db.sqlite3", "sqlite+aiosqlite:///db.sqlite3"),
        ("postgresql://u:p@h:5432/d", "postgresql+asyncpg://u:p@h:5432/d"),
        ("postgres://u:p@h/d", "postgresql+asyncpg://u:p@h/d"),
    ],
)
def test_database_url_gets_an_async_driver(url: str, expected: str) -> None:
    settings = Settings(_env_file=None, database_url=url, secret_key=SECRET)
    assert settings.async_database_url == expected


def test_lists_are_read_from_comma_separated_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLOWED_HOSTS", "a.example, b.example")
    monkeypatch.setenv("CORS_ORIGINS", "https://a.example")
    settings = Settings(_env_file=None, secret_key=SECRET)
    assert settings.allowed_hosts == ["a.example", "b.example"]
    assert settings.cors_origins == ["https://a.example"]


def test_production_refuses_placeholder_secret_and_debug() -> None:
    problems = Settings(_env_file=None, secret_key="change-me", debug=True).production_problems()
    assert len(problems) == 2


def test_production_accepts_a_real_secret() -> None:
    assert Settings(_env_file=None, secret_key="s" * 50, debug=False).production_problems() == []


@pytest.mark.parametrize("secret", ["", "change-me", "short"])
def test_a_guessable_secret_is_refused_unless_debugging(secret: str) -> None:
    with pytest.raises(ValueError, match="SECRET_KEY is missing"):
        Settings(_env_file=None, secret_key=secret, debug=False)
    assert Settings(_env_file=None, secret_key=secret, debug=True).debug


def test_every_entry_point_exits_with_one_line_on_a_guessable_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`uvicorn app.main:app` and `fastapi run` read the settings here too."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DEBUG", raising=False)
    monkeypatch.chdir("/")  # away from a local .env
    get_settings.cache_clear()
    with pytest.raises(SystemExit, match=r"^invalid settings: .*SECRET_KEY is missing"):
        get_settings()
    get_settings.cache_clear()


def test_production_never_reads_a_local_env_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text("DEBUG=true\nDATABASE_URL=sqlite:///dev.sqlite3\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SECRET_KEY", SECRET)
    monkeypatch.delenv("DEBUG", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    get_settings.cache_clear()
    assert get_settings().debug is True  # development: the .env counts
    monkeypatch.setenv(PRODUCTION, "1")
    get_settings.cache_clear()
    production = get_settings()
    get_settings.cache_clear()
    assert production.debug is False
    assert production.database_url == "sqlite:///db.sqlite3"
