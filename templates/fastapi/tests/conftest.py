import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from app.core.config import Settings
from app.main import create_app


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # DATABASE_URL from the environment runs the suite on PostgreSQL; otherwise a fresh SQLite.
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path}/test.sqlite3"
    return Settings(_env_file=None, database_url=url, secret_key="x" * 40, allowed_hosts=["test"])


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    yield application
    await application.state.engine.dispose()


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[AsyncClient]:
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as ac:
        yield ac
