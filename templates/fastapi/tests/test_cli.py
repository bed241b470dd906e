import asyncio
import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from app import cli
from app.core.config import get_settings
from app.db import Base, create_engine
from app.models import User


async def _create_tables() -> None:
    engine = create_engine(get_settings().async_database_url)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
        await connection.run_sync(Base.metadata.create_all)
    await engine.dispose()


async def _users() -> list[User]:
    engine = create_engine(get_settings().async_database_url)
    async with async_sessionmaker(engine)() as session:
        found = list(await session.scalars(select(User)))
    await engine.dispose()
    return found


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    if not os.environ.get("DATABASE_URL"):
        monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/cli.sqlite3")
    get_settings.cache_clear()
    asyncio.run(_create_tables())
    yield
    get_settings.cache_clear()


def test_create_superuser(database: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    argv = ["create-superuser", "--email", "root@example.com", "--password-stdin"]
    assert cli.main(argv) == 0
    (user,) = asyncio.run(_users())
    assert user.is_superuser and user.email == "root@example.com"
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert cli.main(argv) == 1  # already registered


def test_create_superuser_validates(database: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert cli.main(["create-superuser", "--email", "root@example.com", "--password-stdin"]) == 2


def test_password_prompt_must_match(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter(["first password", "second password"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    with pytest.raises(SystemExit, match="do not match"):
        cli.main(["create-superuser", "--email", "root@example.com"])
