import asyncio
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import update

from app.models import LoginFailure
from app.services.throttle import FAILURES_PER_ACCOUNT, FAILURES_PER_ADDRESS, LOGIN_WINDOW

from .conftest import PASSWORD, MakeUser

TOKEN_URL = "/api/v1/auth/token"


async def attempt(client: AsyncClient, email: str, password: str, via: str = "203.0.113.7") -> int:
    form = {"username": email, "password": password}
    response = await client.post(TOKEN_URL, data=form, headers={"X-Forwarded-For": via})
    return response.status_code


async def test_an_account_is_throttled_after_its_failures(
    client: AsyncClient, make_user: MakeUser
) -> None:
    await make_user("ada@example.com")
    await make_user("bob@example.com")
    for _ in range(FAILURES_PER_ACCOUNT):
        assert await attempt(client, "ada@example.com", "wrong password") == 401
    # Even the right password waits now, from any address, in any spelling of the email.
    refused = await client.post(
        TOKEN_URL,
        data={"username": "ADA@example.com", "password": PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.1"},
    )
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= LOGIN_WINDOW.total_seconds()
    assert "Too many failed logins" in refused.json()["detail"]
    assert PASSWORD not in refused.text
    # Other accounts are untouched.
    assert await attempt(client, "bob@example.com", PASSWORD) == 200


async def test_an_address_is_throttled_across_accounts(
    client: AsyncClient, make_user: MakeUser
) -> None:
    await make_user("ada@example.com")
    for n in range(FAILURES_PER_ADDRESS):
        assert await attempt(client, f"guess{n}@example.com", "wrong password") == 401
    assert await attempt(client, "ada@example.com", PASSWORD) == 429
    # Only the last X-Forwarded-For entry is the proxy's: what the client adds to its left
    # does not make a new address.
    assert await attempt(client, "ada@example.com", PASSWORD, via="10.9.9.9, 203.0.113.7") == 429
    assert await attempt(client, "ada@example.com", PASSWORD, via="198.51.100.1") == 200


async def test_a_success_clears_the_account_and_the_window_slides(
    app: FastAPI, client: AsyncClient, make_user: MakeUser
) -> None:
    await make_user("ada@example.com")
    for _ in range(FAILURES_PER_ACCOUNT - 1):
        assert await attempt(client, "ada@example.com", "wrong password") == 401
    assert await attempt(client, "ada@example.com", PASSWORD) == 200
    for _ in range(FAILURES_PER_ACCOUNT):
        assert await attempt(client, "ada@example.com", "wrong password") == 401
    assert await attempt(client, "ada@example.com", PASSWORD) == 429
    # Once the failures are older than the window, the account is admitted again.
    long_ago = datetime.now(UTC) - LOGIN_WINDOW - timedelta(seconds=1)
    async with app.state.sessions() as session:
        await session.execute(update(LoginFailure).values(failed_at=long_ago))
        await session.commit()
    assert await attempt(client, "ada@example.com", PASSWORD) == 200


async def test_concurrent_guesses_cannot_pass_the_limit(
    client: AsyncClient, make_user: MakeUser
) -> None:
    await make_user("ada@example.com")
    statuses = await asyncio.gather(
        *(
            attempt(client, "ada@example.com", "wrong password")
            for _ in range(3 * FAILURES_PER_ACCOUNT)
        )
    )
    # Racing guesses may be refused early (under load, all of them), never let past the limit.
    assert set(statuses) <= {401, 429}
    assert statuses.count(401) <= FAILURES_PER_ACCOUNT
