"""The contract's scenario, through a client openapi-python-client generated from a starter's
own /openapi.json (the `api_client` package beside this file when it runs).

Run as `python contract_scenario.py BASE_URL ADMIN_EMAIL ADMIN_PASSWORD`; type-checked with mypy
against the generated package first, so the generated types are proven as well as the answers.
"""

from __future__ import annotations

import secrets
import sys
from typing import Any

from api_client import AuthenticatedClient, Client
from api_client.api.auth import (
    confirm_email_verification,
    confirm_password_reset,
    create_token,
    logout,
    refresh_token,
    register,
    request_email_verification,
    request_password_reset,
)
from api_client.api.items import create_item, delete_item, list_items, read_item, update_item
from api_client.api.users import list_users, read_me, update_me
from api_client.models import (
    EmailVerificationConfirm,
    EmailVerificationRequest,
    Item,
    ItemCreate,
    ItemPage,
    ItemUpdate,
    PasswordResetConfirm,
    PasswordResetRequest,
    Problem,
    RefreshRequest,
    TokenPair,
    TokenRequest,
    User,
    UserCreate,
    UserPage,
    UserUpdate,
)
from api_client.types import Response


def expect(response: Response[Any], status: int, kind: type) -> Any:
    body = response.parsed
    if response.status_code != status or not isinstance(body, kind):
        raise SystemExit(
            f"expected {status} {kind.__name__}, got {response.status_code}: {response.content!r}"
        )
    return body


def account(client: Client, name: str) -> tuple[str, str, TokenPair]:
    email = f"{name}-{secrets.token_hex(4)}@example.com"
    password = secrets.token_urlsafe(18)
    user = expect(
        register.sync_detailed(client=client, body=UserCreate(email=email, password=password)),
        201,
        User,
    )
    assert user.email == email and not user.is_superuser and not user.email_verified
    return email, password, log_in(client, email, password)


def log_in(client: Client, email: str, password: str) -> TokenPair:
    form = TokenRequest(username=email, password=password)
    pair: TokenPair = expect(create_token.sync_detailed(client=client, body=form), 200, TokenPair)
    assert pair.token_type == "bearer" and pair.expires_in > 0
    return pair


def main(base_url: str, admin_email: str, admin_password: str) -> None:
    anonymous = Client(base_url=base_url, raise_on_unexpected_status=True)
    email, _, first = account(anonymous, "ada")

    # Refresh tokens rotate: the new pair works, the spent token is refused.
    spent = RefreshRequest(refresh_token=first.refresh_token)
    pair = expect(refresh_token.sync_detailed(client=anonymous, body=spent), 200, TokenPair)
    again = refresh_token.sync_detailed(client=anonymous, body=spent)
    assert expect(again, 401, Problem).status == 401

    ada = AuthenticatedClient(
        base_url=base_url, token=pair.access_token, raise_on_unexpected_status=True
    )
    me = expect(read_me.sync_detailed(client=ada), 200, User)
    assert me.email == email
    renamed = expect(
        update_me.sync_detailed(client=ada, body=UserUpdate(full_name="Ada King")), 200, User
    )
    assert renamed.full_name == "Ada King"

    item = expect(
        create_item.sync_detailed(client=ada, body=ItemCreate(title="Buy milk")), 201, Item
    )
    assert item.owner_id == me.id and item.description == ""
    page = expect(list_items.sync_detailed(client=ada, limit=10, offset=0), 200, ItemPage)
    assert page.total == 1 and page.limit == 10 and page.items[0].id == item.id
    changed = expect(
        update_item.sync_detailed(item.id, client=ada, body=ItemUpdate(title="Buy oat milk")),
        200,
        Item,
    )
    assert changed.title == "Buy oat milk"
    invalid = expect(create_item.sync_detailed(client=ada, body=ItemCreate(title="")), 422, Problem)
    assert any(error.pointer == "#/title" for error in invalid.errors or [])

    # Another user's item does not exist for you; the user list is for administrators.
    _, _, grace_pair = account(anonymous, "grace")
    grace = AuthenticatedClient(base_url=base_url, token=grace_pair.access_token)
    expect(read_item.sync_detailed(item.id, client=grace), 404, Problem)
    expect(
        update_item.sync_detailed(item.id, client=grace, body=ItemUpdate(title="x")), 404, Problem
    )
    expect(delete_item.sync_detailed(item.id, client=grace), 404, Problem)
    expect(list_users.sync_detailed(client=grace), 403, Problem)
    admin = AuthenticatedClient(
        base_url=base_url, token=log_in(anonymous, admin_email, admin_password).access_token
    )
    users = expect(list_users.sync_detailed(client=admin, limit=100), 200, UserPage)
    assert users.total >= 3 and any(user.email == email for user in users.items)

    deleted = delete_item.sync_detailed(item.id, client=ada)
    assert deleted.status_code == 204, deleted.content
    expect(read_item.sync_detailed(item.id, client=ada), 404, Problem)
    gone = logout.sync_detailed(
        client=anonymous, body=RefreshRequest(refresh_token=pair.refresh_token)
    )
    assert gone.status_code == 204, gone.content
    after = refresh_token.sync_detailed(
        client=anonymous, body=RefreshRequest(refresh_token=pair.refresh_token)
    )
    expect(after, 401, Problem)

    # A reset is asked for by email (the link itself is followed by the harness, which reads
    # the mail); a token that is not one is refused, pointing at the token.
    for address in (email, f"nobody-{secrets.token_hex(4)}@example.com"):
        asked = request_password_reset.sync_detailed(
            client=anonymous, body=PasswordResetRequest(email=address)
        )
        assert asked.status_code == 202 and asked.content == b"", asked.content
    again = request_email_verification.sync_detailed(
        client=anonymous, body=EmailVerificationRequest(email=email)
    )
    assert again.status_code == 202 and again.content == b"", again.content
    unproven = EmailVerificationConfirm(token="not-a-token")
    refused = expect(
        confirm_email_verification.sync_detailed(client=anonymous, body=unproven), 422, Problem
    )
    assert [error.pointer for error in refused.errors or []] == ["#/token"]
    bogus = PasswordResetConfirm(token="not-a-token", new_password=secrets.token_urlsafe(18))
    refused = expect(
        confirm_password_reset.sync_detailed(client=anonymous, body=bogus), 422, Problem
    )
    assert [error.pointer for error in refused.errors or []] == ["#/token"]


if __name__ == "__main__":
    main(*sys.argv[1:4])
