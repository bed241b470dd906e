import os
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from app.core import security
from app.core.config import Settings
from app.db import Base
from app.main import create_app

if TYPE_CHECKING:  # imported by pytest_plugins, where pytest can rewrite its asserts
    from tests.mailbox import Mailbox

pytest_plugins = ["tests.mailbox"]

PASSWORD = "correct horse battery staple"
Headers = dict[str, str]


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Still Argon2, with test-sized cost parameters: the suite hashes many passwords."""
    cheap = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
    monkeypatch.setattr(security, "password_hash", cheap)


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory, smtp: tuple[str, "Mailbox"]) -> Settings:
    # DATABASE_URL from the environment runs the suite on PostgreSQL; otherwise a fresh SQLite.
    sqlite = f"sqlite:///{tmp_path_factory.mktemp('db')}/test.sqlite3"
    url = os.environ.get("DATABASE_URL") or sqlite
    return Settings(
        _env_file=None,
        database_url=url,
        secret_key="x" * 50,
        allowed_hosts=["test"],
        email_url=smtp[0],
        public_url="http://test",
    )


@pytest.fixture(scope="session")
def application(settings: Settings) -> FastAPI:
    """One app for the session: building one analyses every route, too slow to do per test."""
    return create_app(settings)


@pytest.fixture
async def app(application: FastAPI) -> AsyncIterator[FastAPI]:
    """The app over empty tables: created once, emptied after each test."""
    engine = application.state.engine
    if not getattr(application.state, "tables_created", False):
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.drop_all)
            await connection.run_sync(Base.metadata.create_all)
        application.state.tables_created = True
    yield application
    async with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            await connection.execute(table.delete())
    # Pooled connections belong to this test's event loop.
    await engine.dispose()


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[AsyncClient]:
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as ac:
        yield ac


async def login(client: AsyncClient, email: str, password: str = PASSWORD) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/auth/token", data={"username": email, "password": password}
    )
    assert response.status_code == 200, response.text
    tokens: dict[str, Any] = response.json()
    return tokens


MakeUser = Callable[..., Awaitable[Headers]]


@pytest.fixture
def make_user(client: AsyncClient, app: FastAPI) -> MakeUser:
    """Register a user (optionally an administrator) and return their auth headers."""

    async def make(email: str = "ada@example.com", *, admin: bool = False) -> Headers:
        response = await client.post(
            "/api/v1/auth/register", json={"email": email, "password": PASSWORD}
        )
        assert response.status_code == 201, response.text
        if admin:
            async with app.state.sessions() as session:
                from app.models import User

                user = await session.get(User, response.json()["id"])
                assert user is not None
                user.is_superuser = True
                await session.commit()
        tokens = await login(client, email)
        return {"Authorization": f"Bearer {tokens['access_token']}"}

    return make
