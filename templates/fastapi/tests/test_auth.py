import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import select

from app.core.security import ALGORITHM, create_token, password_fingerprint
from app.models import User
from tests.conftest import PASSWORD, MakeUser, login

SECRET = "x" * 50  # the test settings' secret


async def test_register_creates_a_plain_user_even_when_asked_for_more(
    app: FastAPI, client: AsyncClient
) -> None:
    response = await client.post(
        "/api/v1/auth/register",
        json={
            "email": "Eve@Example.com",
            "password": PASSWORD,
            "full_name": "Eve",
            "is_superuser": True,
            "is_active": False,
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["email"] == "eve@example.com"
    assert body["is_superuser"] is False
    assert body["is_active"] is True
    assert "password" not in str(body)
    async with app.state.sessions() as session:
        user = await session.get(User, body["id"])
        assert user is not None
        assert user.hashed_password.startswith("$argon2id$")


async def test_register_rejects_a_taken_email(client: AsyncClient, make_user: MakeUser) -> None:
    await make_user("ada@example.com")
    response = await client.post(
        "/api/v1/auth/register", json={"email": "ADA@example.com", "password": PASSWORD}
    )
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Conflict",
        "status": 409,
        "detail": "That email is already registered",
    }


@pytest.mark.parametrize(
    "body",
    [
        {"email": "not-an-email", "password": PASSWORD},
        {"email": "ok@example.com", "password": "short"},
        {"email": "ok@example.com"},
    ],
)
async def test_register_validates_input(client: AsyncClient, body: dict[str, str]) -> None:
    response = await client.post("/api/v1/auth/register", json=body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"].startswith("#/")


async def test_an_address_is_one_account_in_any_spelling(client: AsyncClient) -> None:
    first = {"email": "Dup@Bücher.example", "password": PASSWORD}
    created = await client.post("/api/v1/auth/register", json=first)
    assert created.status_code == 201
    assert created.json()["email"] == "dup@xn--bcher-kva.example"
    again = {"email": "dup@XN--BCHER-KVA.example", "password": PASSWORD}
    assert (await client.post("/api/v1/auth/register", json=again)).status_code == 409
    await login(client, "DUP@bücher.example")


async def test_concurrent_registrations_of_one_email_make_one_account(
    client: AsyncClient,
) -> None:
    body = {"email": "ada@example.com", "password": PASSWORD}
    responses = await asyncio.gather(
        *(client.post("/api/v1/auth/register", json=body) for _ in range(6))
    )
    assert sorted(r.status_code for r in responses) == [201] + [409] * 5


@pytest.mark.parametrize(
    "password",
    ["password", "12345678", "iloveyou1", "eleven-char", "qwerty123456", "ada@example.com!!"],
)
async def test_register_refuses_weak_passwords(client: AsyncClient, password: str) -> None:
    response = await client.post(
        "/api/v1/auth/register", json={"email": "ada@example.com", "password": password}
    )
    assert response.status_code == 422, password


async def test_a_rejected_registration_never_repeats_the_password(client: AsyncClient) -> None:
    secret = "hunter2-but-longer-and-secret"
    response = await client.post(
        "/api/v1/auth/register", json={"email": "not-an-email", "password": secret}
    )
    assert response.status_code == 422
    assert secret not in response.text
    assert response.json()["errors"] == [
        {"pointer": "#/email", "detail": response.json()["errors"][0]["detail"]}
    ]


async def test_token_accepts_the_oauth2_password_form(
    client: AsyncClient, make_user: MakeUser
) -> None:
    await make_user()
    tokens = await login(client, "ada@example.com")
    assert tokens["token_type"] == "bearer"
    assert tokens["expires_in"] == 900
    me = await client.get(
        "/api/v1/users/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    assert me.status_code == 200


@pytest.mark.parametrize(
    ("username", "password"),
    [("ada@example.com", "wrong password"), ("nobody@x.org", PASSWORD)],
)
async def test_token_rejects_bad_credentials(
    client: AsyncClient, make_user: MakeUser, username: str, password: str
) -> None:
    await make_user()
    response = await client.post(
        "/api/v1/auth/token", data={"username": username, "password": password}
    )
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


async def test_refresh_rotates_and_a_used_token_is_refused(
    client: AsyncClient, make_user: MakeUser
) -> None:
    await make_user()
    first = await login(client, "ada@example.com")
    rotated = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert rotated.status_code == 200
    second = rotated.json()
    assert second["refresh_token"] != first["refresh_token"]

    reused = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert reused.status_code == 401
    # Reuse means the token leaked: the newer refresh token is revoked as well.
    after = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": second["refresh_token"]}
    )
    assert after.status_code == 401


async def test_one_refresh_token_sent_at_once_many_times_has_one_winner(
    client: AsyncClient, make_user: MakeUser
) -> None:
    await make_user()
    token = (await login(client, "ada@example.com"))["refresh_token"]
    responses = await asyncio.gather(
        *(client.post("/api/v1/auth/refresh", json={"refresh_token": token}) for _ in range(6))
    )
    assert sorted(r.status_code for r in responses) == [200] + [401] * 5
    # The losers look like reuse, so the winner's new refresh token is revoked too.
    winner = next(r for r in responses if r.status_code == 200).json()
    after = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": winner["refresh_token"]}
    )
    assert after.status_code == 401


async def test_logout_revokes_the_refresh_token(client: AsyncClient, make_user: MakeUser) -> None:
    await make_user()
    pair = await login(client, "ada@example.com")
    body = {"refresh_token": pair["refresh_token"]}
    assert (await client.post("/api/v1/auth/logout", json=body)).status_code == 204
    assert (await client.post("/api/v1/auth/refresh", json=body)).status_code == 401
    # Idempotent, and a token that is not one is ignored rather than explained.
    assert (await client.post("/api/v1/auth/logout", json=body)).status_code == 204
    garbage = {"refresh_token": "not-a-token"}
    assert (await client.post("/api/v1/auth/logout", json=garbage)).status_code == 204


async def test_refresh_rejects_an_access_token(client: AsyncClient, make_user: MakeUser) -> None:
    await make_user()
    tokens = await login(client, "ada@example.com")
    response = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": tokens["access_token"]}
    )
    assert response.status_code == 401


async def only_user(app: FastAPI) -> User:
    async with app.state.sessions() as session:
        user: User = (await session.scalars(select(User))).one()
        return user


def forged(
    user: User, claims: dict[str, object], key: str = SECRET, algorithm: str = ALGORITHM
) -> str:
    """An access token for `user` as the app would issue it, with `claims` changed."""
    now = datetime.now(UTC)
    base = {
        "sub": str(user.id),
        "type": "access",
        "iat": now,
        "exp": now + timedelta(minutes=5),
        "jti": "j",
        "pwd": password_fingerprint(user.hashed_password, SECRET),
    }
    return jwt.encode({**base, **claims}, key, algorithm=algorithm)


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(
            lambda u: forged(u, {"exp": datetime.now(UTC) - timedelta(seconds=1)}), id="old"
        ),
        pytest.param(lambda u: forged(u, {}, key="y" * 40), id="wrong-key"),
        pytest.param(lambda u: forged(u, {}) + "x", id="tampered"),
        pytest.param(lambda u: forged(u, {}, key="", algorithm="none"), id="alg-none"),
        pytest.param(lambda u: forged(u, {"type": "refresh"}), id="refresh-as-access"),
        pytest.param(lambda u: forged(u, {"sub": "not-a-number"}), id="bad-subject"),
        pytest.param(lambda u: forged(u, {"sub": "999999"}), id="unknown-user"),
        pytest.param(lambda u: forged(u, {"pwd": "0" * 16}), id="issued-before-a-new-password"),
        pytest.param(lambda u: "garbage", id="garbage"),
    ],
)
async def test_bad_access_tokens_get_401(
    client: AsyncClient, app: FastAPI, make_user: MakeUser, token: Callable[[User], str]
) -> None:
    await make_user()
    value = token(await only_user(app))
    response = await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {value}"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["detail"] == "Invalid token"


async def test_a_forged_token_with_the_real_key_works(
    client: AsyncClient, app: FastAPI, make_user: MakeUser
) -> None:
    """The control for the rejections above: only the deliberate flaw makes them fail."""
    await make_user()
    value = forged(await only_user(app), {})
    response = await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {value}"})
    assert response.status_code == 200


async def test_missing_token_gets_401(client: AsyncClient) -> None:
    response = await client.get("/api/v1/items")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["detail"] == "Not authenticated"


async def test_a_real_refresh_token_is_not_an_access_token(
    client: AsyncClient, make_user: MakeUser
) -> None:
    await make_user()
    refresh = create_token(1, "refresh", 60, SECRET).token
    response = await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {refresh}"})
    assert response.status_code == 401
