import pytest

from app.core.config import Settings


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///db.sqlite3", "sqlite+aiosqlite:///db.sqlite3"),
        ("postgresql://u:p@h:5432/d", "postgresql+asyncpg://u:p@h:5432/d"),
        ("postgres://u:p@h/d", "postgresql+asyncpg://u:p@h/d"),
    ],
)
def test_database_url_gets_an_async_driver(url: str, expected: str) -> None:
    assert Settings(_env_file=None, database_url=url).async_database_url == expected


def test_lists_are_read_from_comma_separated_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLOWED_HOSTS", "a.example, b.example")
    monkeypatch.setenv("CORS_ORIGINS", "https://a.example")
    settings = Settings(_env_file=None)
    assert settings.allowed_hosts == ["a.example", "b.example"]
    assert settings.cors_origins == ["https://a.example"]


def test_production_refuses_placeholder_secret_and_debug() -> None:
    problems = Settings(_env_file=None, secret_key="change-me", debug=True).production_problems()
    assert len(problems) == 2


def test_production_accepts_a_real_secret() -> None:
    assert Settings(_env_file=None, secret_key="s" * 50, debug=False).production_problems() == []
