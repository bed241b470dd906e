from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import update

from app.core import mail
from app.core.config import Settings
from app.core.security import create_token
from app.models import User
from tests.conftest import PASSWORD, MakeUser, login
from tests.mailbox import Mailbox, html_of, link_in, text_of

REQUEST = "/api/v1/auth/verify-email"
CONFIRM = "/api/v1/auth/verify-email/confirm"
VERIFY_MAIL = "Verify your email address"


def token_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["token"][0]


async def me(client: AsyncClient, headers: dict[str, str]) -> dict[str, object]:
    response = await client.get("/api/v1/users/me", headers=headers)
    assert response.status_code == 200
    body: dict[str, object] = response.json()
    return body


async def test_registering_mails_a_link_that_verifies_the_address(
    client: AsyncClient, mailbox: Mailbox
) -> None:
    created = await client.post(
        "/api/v1/auth/register", json={"email": "ada@example.com", "password": PASSWORD}
    )
    assert created.status_code == 201 and created.json()["email_verified"] is False
    message = mailbox.wait_for("ada@example.com", VERIFY_MAIL)
    assert message["Subject"] == "Verify your email address for test"
    link = link_in(message)
    assert link.startswith("http://test/verify-email?token=") and "72 hours" in text_of(message)
    assert f'href="{link}"' in html_of(message)

    # Opening the link only shows the button: mail scanners open links too.
    page = await client.get(link)
    assert page.status_code == 200 and "Verify my email address" in page.text
    pair = await login(client, "ada@example.com")
    headers = {"Authorization": f"Bearer {pair['access_token']}"}
    assert (await me(client, headers))["email_verified"] is False
    done = await client.post("/verify-email", data={"token": token_of(link)})
    assert done.status_code == 200 and "ada@example.com is verified" in done.text
    assert (await me(client, headers))["email_verified"] is True


async def test_the_api_verifies_with_the_token(
    client: AsyncClient, make_user: MakeUser, mailbox: Mailbox
) -> None:
    headers = await make_user("ada@example.com")
    token = token_of(link_in(mailbox.wait_for("ada@example.com", VERIFY_MAIL)))
    for _ in range(2):  # a second press of the link changes nothing, and is no error
        assert (await client.post(CONFIRM, json={"token": token})).status_code == 204
    assert (await me(client, headers))["email_verified"] is True
    for bad in ("not a token", token[:-2] + "xx"):
        refused = await client.post(CONFIRM, json={"token": bad})
        assert refused.status_code == 422
        assert refused.json()["errors"] == [
            {"pointer": "#/token", "detail": "The link is invalid or expired."}
        ]
    page = await client.post("/verify-email", data={"token": "not a token"})
    assert page.status_code == 400 and "invalid or expired" in page.text


async def test_past_its_deadline_an_unverified_account_gets_no_tokens(
    app: FastAPI, client: AsyncClient, make_user: MakeUser, mailbox: Mailbox
) -> None:
    await make_user("ada@example.com")
    refresh = (await login(client, "ada@example.com"))["refresh_token"]
    async with app.state.sessions() as session:
        await session.execute(
            update(User).values(verify_by=datetime.now(UTC) - timedelta(seconds=1))
        )
        await session.commit()
    form = {"username": "ada@example.com", "password": PASSWORD}
    refused = await client.post("/api/v1/auth/token", data=form)
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("Verify your email address first")
    wrong = await client.post("/api/v1/auth/token", data={**form, "password": "not it at all"})
    assert wrong.status_code == 401  # the deadline says nothing to whoever lacks the password
    stale = await client.post("/api/v1/auth/refresh", json={"refresh_token": refresh})
    assert stale.status_code == 401

    assert (await client.post(REQUEST, json={"email": "ada@example.com"})).status_code == 202
    token = token_of(link_in(mailbox.wait_for("ada@example.com", VERIFY_MAIL, count=2)))
    assert (await client.post(CONFIRM, json={"token": token})).status_code == 204
    await login(client, "ada@example.com")


async def test_a_new_email_must_be_verified_and_the_old_link_dies(
    client: AsyncClient, make_user: MakeUser, mailbox: Mailbox
) -> None:
    headers = await make_user("ada@example.com")
    old = token_of(link_in(mailbox.wait_for("ada@example.com", VERIFY_MAIL)))
    assert (await client.post(CONFIRM, json={"token": old})).status_code == 204
    changed = await client.patch(
        "/api/v1/users/me", json={"email": "ada@example.org"}, headers=headers
    )
    assert changed.status_code == 200 and changed.json()["email_verified"] is False
    assert (await client.post(CONFIRM, json={"token": old})).status_code == 422
    new = token_of(link_in(mailbox.wait_for("ada@example.org", VERIFY_MAIL)))
    assert (await client.post(CONFIRM, json={"token": new})).status_code == 204
    assert (await me(client, headers))["email_verified"] is True


async def test_another_link_goes_only_to_an_unverified_account_and_is_throttled(
    client: AsyncClient, make_user: MakeUser, mailbox: Mailbox, settings: Settings
) -> None:
    await make_user("ada@example.com")
    await make_user("grace@example.com")
    grace = token_of(link_in(mailbox.wait_for("grace@example.com", VERIFY_MAIL)))
    assert (await client.post(CONFIRM, json={"token": grace})).status_code == 204
    for email in ("ada@example.com", "grace@example.com", "nobody@example.com"):
        for _ in range(3):
            answer = await client.post(REQUEST, json={"email": email})
            assert answer.status_code == 202 and answer.content == b""
        refused = await client.post(REQUEST, json={"email": email})
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    mail.wait_for_outbox()
    assert len(mailbox.to("ada@example.com", VERIFY_MAIL)) == 1 + 3
    assert len(mailbox.to("grace@example.com", VERIFY_MAIL)) == 1
    expired = create_token(1, "verify", -1, settings.secret_key, {"email": "ada@example.com"})
    assert (await client.post(CONFIRM, json={"token": expired.token})).status_code == 422
