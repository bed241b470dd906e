from httpx import AsyncClient

from tests.conftest import PASSWORD, MakeUser, login


async def test_read_and_update_me(client: AsyncClient, make_user: MakeUser) -> None:
    headers = await make_user()
    me = await client.get("/api/v1/users/me", headers=headers)
    assert me.json()["email"] == "ada@example.com"
    changed = await client.patch(
        "/api/v1/users/me", headers=headers, json={"full_name": "Ada King", "email": "a@k.org"}
    )
    assert changed.status_code == 200
    assert changed.json()["full_name"] == "Ada King"
    assert changed.json()["email"] == "a@k.org"


async def test_update_me_to_a_taken_email_is_a_conflict(
    client: AsyncClient, make_user: MakeUser
) -> None:
    await make_user("grace@example.com")
    headers = await make_user("ada@example.com")
    response = await client.patch(
        "/api/v1/users/me", headers=headers, json={"email": "grace@example.com"}
    )
    assert response.status_code == 409


async def test_change_password(client: AsyncClient, make_user: MakeUser) -> None:
    headers = await make_user()
    old_tokens = await login(client, "ada@example.com")
    wrong = await client.post(
        "/api/v1/users/me/password",
        headers=headers,
        json={"current_password": "not it", "new_password": "a brand new passphrase"},
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["pointer"] == "#/current_password"
    ok = await client.post(
        "/api/v1/users/me/password",
        headers=headers,
        json={"current_password": PASSWORD, "new_password": "a brand new passphrase"},
    )
    assert ok.status_code == 204
    await login(client, "ada@example.com", "a brand new passphrase")
    refused = await client.post(
        "/api/v1/auth/token", data={"username": "ada@example.com", "password": PASSWORD}
    )
    assert refused.status_code == 401
    # Refresh tokens issued before the change no longer work.
    stale = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": old_tokens["refresh_token"]}
    )
    assert stale.status_code == 401
    # Nor do access tokens: the one that made the change, and one from another device.
    for access in (headers["Authorization"], f"Bearer {old_tokens['access_token']}"):
        me = await client.get("/api/v1/users/me", headers={"Authorization": access})
        assert me.status_code == 401
    fresh = await login(client, "ada@example.com", "a brand new passphrase")
    me = await client.get(
        "/api/v1/users/me", headers={"Authorization": f"Bearer {fresh['access_token']}"}
    )
    assert me.status_code == 200


async def test_user_list_is_for_administrators(client: AsyncClient, make_user: MakeUser) -> None:
    plain = await make_user("ada@example.com")
    admin = await make_user("root@example.com", admin=True)
    assert (await client.get("/api/v1/users", headers=plain)).status_code == 403
    listing = await client.get("/api/v1/users", headers=admin, params={"limit": 1})
    assert listing.status_code == 200
    page = listing.json()
    assert page["total"] == 2 and page["limit"] == 1 and len(page["items"]) == 1
