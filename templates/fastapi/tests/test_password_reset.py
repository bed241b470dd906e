import asyncio
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import select

from app.core import mail
from app.core.config import Settings
from app.core.mail_server import MailServer, parse_email_url
from app.core.security import create_token, password_fingerprint
from app.models import User
from tests.conftest import PASSWORD, MakeUser, login
from tests.mailbox import Mailbox, html_of, link_in, text_of

RESET = "/api/v1/auth/password-reset"
CONFIRM = "/api/v1/auth/password-reset/confirm"
NEW_PASSWORD = "plum orbit canvas 42"
RESET_MAIL = "Reset your password"


async def ask(client: AsyncClient, email: str) -> None:
    response = await client.post(RESET, json={"email": email})
    assert response.status_code == 202, response.text
    assert response.content == b""


async def emailed_link(client: AsyncClient, mailbox: Mailbox, email: str) -> str:
    await ask(client, email)
    return link_in(mailbox.wait_for(email, RESET_MAIL))


def token_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["token"][0]


async def test_the_emailed_link_sets_a_new_password_and_ends_every_session(
    client: AsyncClient, make_user: MakeUser, mailbox: Mailbox
) -> None:
    headers = await make_user("ada@example.com")
    refresh = (await login(client, "ada@example.com"))["refresh_token"]
    await ask(client, "ADA@example.com")
    message = mailbox.wait_for("ada@example.com", RESET_MAIL)
    assert message["From"] == "noreply@localhost"
    assert message["Subject"] == "Reset your password for test"
    link = link_in(message)
    assert link.startswith("http://test/reset-password?token=")
    assert link in text_of(message) and "60 minutes" in text_of(message)
    assert f'href="{link.replace("&", "&amp;")}"' in html_of(message)

    page = await client.get(link)
    assert page.status_code == 200
    assert 'name="new_password"' in page.text and token_of(link) in page.text
    done = await client.post(
        "/reset-password",
        data={
            "token": token_of(link),
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert done.status_code == 200 and "Your password is changed" in done.text

    assert (await client.get("/api/v1/users/me", headers=headers)).status_code == 401
    spent = await client.post("/api/v1/auth/refresh", json={"refresh_token": refresh})
    assert spent.status_code == 401
    old = await client.post(
        "/api/v1/auth/token", data={"username": "ada@example.com", "password": PASSWORD}
    )
    assert old.status_code == 401
    await login(client, "ada@example.com", NEW_PASSWORD)


async def test_the_api_confirms_with_the_token_once(
    client: AsyncClient, make_user: MakeUser, mailbox: Mailbox
) -> None:
    await make_user("ada@example.com")
    token = token_of(await emailed_link(client, mailbox, "ada@example.com"))
    body = {"token": token, "new_password": NEW_PASSWORD}
    assert (await client.post(CONFIRM, json=body)).status_code == 204
    again = await client.post(CONFIRM, json={**body, "new_password": "another fine password"})
    assert again.status_code == 422
    assert again.json()["errors"] == [
        {"pointer": "#/token", "detail": "The link is invalid, expired or already used."}
    ]
    page = await client.get(f"/reset-password?token={token}")
    assert page.status_code == 400 and "invalid, expired or already used" in page.text
    await login(client, "ada@example.com", NEW_PASSWORD)


async def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    client: AsyncClient, make_user: MakeUser, mailbox: Mailbox
) -> None:
    await make_user("ada@example.com")
    await ask(client, "nobody@example.com")
    await ask(client, "ada@example.com")
    mailbox.wait_for("ada@example.com", RESET_MAIL)
    mail.wait_for_outbox()
    assert [m["To"] for m in mailbox.messages if RESET_MAIL in m["Subject"]] == ["ada@example.com"]


async def test_racing_one_link_changes_the_password_once(
    client: AsyncClient, make_user: MakeUser, mailbox: Mailbox
) -> None:
    await make_user("ada@example.com")
    token = token_of(await emailed_link(client, mailbox, "ada@example.com"))
    answers = await asyncio.gather(
        *(
            client.post(CONFIRM, json={"token": token, "new_password": f"{NEW_PASSWORD} {n}"})
            for n in range(4)
        )
    )
    assert sorted(answer.status_code for answer in answers) == [204, 422, 422, 422]


async def test_a_link_dies_when_the_password_changes_another_way(
    client: AsyncClient, make_user: MakeUser, mailbox: Mailbox
) -> None:
    headers = await make_user("ada@example.com")
    token = token_of(await emailed_link(client, mailbox, "ada@example.com"))
    changed = await client.post(
        "/api/v1/users/me/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=headers,
    )
    assert changed.status_code == 204
    refused = await client.post(CONFIRM, json={"token": token, "new_password": "yet another one 7"})
    assert refused.status_code == 422


async def test_expired_forged_and_other_tokens_are_refused(
    app: FastAPI, client: AsyncClient, make_user: MakeUser, settings: Settings
) -> None:
    await make_user("ada@example.com")
    async with app.state.sessions() as session:
        user = await session.scalar(select(User).where(User.email == "ada@example.com"))
        assert user is not None
        fingerprint = password_fingerprint(user.hashed_password, settings.secret_key)
        user_id = user.id
    expired = create_token(user_id, "reset", -1, settings.secret_key, {"pwd": fingerprint})
    forged = create_token(user_id, "reset", 600, "y" * 50, {"pwd": fingerprint})
    access = create_token(user_id, "access", 600, settings.secret_key, {"pwd": fingerprint})
    for token in (expired.token, forged.token, access.token, "not a token"):
        answer = await client.post(CONFIRM, json={"token": token, "new_password": NEW_PASSWORD})
        assert answer.status_code == 422, token
        assert answer.json()["errors"][0]["pointer"] == "#/token"


async def test_the_password_policy_applies(
    client: AsyncClient, make_user: MakeUser, mailbox: Mailbox
) -> None:
    await make_user("ada.lovelace@example.com")
    token = token_of(await emailed_link(client, mailbox, "ada.lovelace@example.com"))
    for weak in ("password1234", "ada.lovelace-rocks"):
        answer = await client.post(CONFIRM, json={"token": token, "new_password": weak})
        assert answer.status_code == 422
        assert answer.json()["errors"][0]["pointer"] == "#/new_password"
    page = await client.post(
        "/reset-password",
        data={"token": token, "new_password": NEW_PASSWORD, "confirm_password": "something else"},
    )
    assert page.status_code == 422 and "The two passwords differ." in page.text


async def test_requests_are_throttled_whether_or_not_the_account_exists(
    client: AsyncClient, make_user: MakeUser, mailbox: Mailbox
) -> None:
    await make_user("ada@example.com")
    for email in ("ada@example.com", "nobody@example.com"):
        for _ in range(3):
            await ask(client, email)
        refused = await client.post(RESET, json={"email": email})
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) > 0
    mail.wait_for_outbox()
    assert len(mailbox.to("ada@example.com", RESET_MAIL)) == 3


@pytest.mark.parametrize(
    ("url", "server"),
    [
        ("", None),
        ("console://", MailServer("console")),
        ("smtp://localhost:1025", MailServer("smtp", "localhost", 1025)),
        (
            "smtp+starttls://ada%40example.com:p%3Ass@mail.example.com",
            MailServer("smtp+starttls", "mail.example.com", 587, "ada@example.com", "p:ss"),
        ),
        (
            "smtps://user:secret@mail.example.com",
            MailServer("smtps", "mail.example.com", 465, "user", "secret"),
        ),
    ],
)
def test_email_url_names_the_server(url: str, server: MailServer | None) -> None:
    assert parse_email_url(url) == server


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://mail.example.com", "EMAIL_URL must start with one of console://, smtp://"),
        ("smtp://mail.example.com:port", "EMAIL_URL has a port that is not a number"),
        ("smtp://", "EMAIL_URL names no host"),
    ],
)
def test_a_wrong_email_url_is_refused_with_the_reason(url: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_email_url(url)
    with pytest.raises(ValueError, match=problem):
        Settings(_env_file=None, secret_key="x" * 50, email_url=url)


def test_production_refuses_to_print_mail() -> None:
    settings = Settings(_env_file=None, secret_key="x" * 50, email_url="console://")
    assert settings.production_problems() == [
        "EMAIL_URL is console://, which would print reset links to the log"
    ]


def test_development_prints_mail_when_no_server_is_set(
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = Settings(_env_file=None, debug=True)
    mail.send(settings, mail.Email("ada@example.com", "Hello", "Plain words", "<p>Hi</p>"))
    mail.wait_for_outbox()
    printed = capsys.readouterr().out
    assert "To: ada@example.com" in printed and "Plain words" in printed


def test_production_without_a_server_sends_nothing_and_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = Settings(_env_file=None, secret_key="x" * 50)
    mail.send(settings, mail.Email("ada@example.com", "Hello", "Plain words", "<p>Hi</p>"))
    mail.wait_for_outbox()
    assert "email to a***@example.com not sent: EMAIL_URL is not set" in caplog.text
