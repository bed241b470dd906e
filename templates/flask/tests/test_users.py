from flask.testing import FlaskClient

from .conftest import PASSWORD, MakeUser, bearer, login


def test_read_and_update_me(client: FlaskClient, make_user: MakeUser) -> None:
    headers = make_user()
    me = client.get("/api/v1/users/me", headers=headers)
    assert me.status_code == 200
    assert me.json is not None and me.json["full_name"] == ""

    changed = client.patch(
        "/api/v1/users/me",
        json={"full_name": "Ada King", "email": "ADA@example.org", "is_superuser": True},
        headers=headers,
    )
    assert changed.status_code == 200
    body = changed.json
    assert body is not None
    assert (body["full_name"], body["email"], body["is_superuser"]) == (
        "Ada King",
        "ada@example.org",
        False,
    )


def test_update_me_to_a_taken_email_is_a_conflict(client: FlaskClient, make_user: MakeUser) -> None:
    make_user("grace@example.com")
    headers = make_user("ada@example.com")
    response = client.patch(
        "/api/v1/users/me", json={"email": "grace@example.com"}, headers=headers
    )
    assert response.status_code == 409


def test_change_password_ends_other_sessions(client: FlaskClient, make_user: MakeUser) -> None:
    headers = make_user()
    other_session = login(client, "ada@example.com")
    wrong = client.post(
        "/api/v1/users/me/password",
        json={"current_password": "nope", "new_password": "a brand new passphrase"},
        headers=headers,
    )
    assert wrong.status_code == 422
    assert wrong.json is not None
    assert wrong.json["errors"][0]["pointer"] == "#/current_password"

    done = client.post(
        "/api/v1/users/me/password",
        json={"current_password": PASSWORD, "new_password": "a brand new passphrase"},
        headers=headers,
    )
    assert done.status_code == 204
    stale = client.post(
        "/api/v1/auth/refresh", json={"refresh_token": other_session["refresh_token"]}
    )
    assert stale.status_code == 401
    # Nor do access tokens: the one that made the change, and one from another device.
    for token in (headers, bearer(other_session["access_token"])):
        assert client.get("/api/v1/users/me", headers=token).status_code == 401
    fresh = login(client, "ada@example.com", "a brand new passphrase")
    assert client.get("/api/v1/users/me", headers=bearer(fresh["access_token"])).status_code == 200


def test_user_list_is_for_administrators(client: FlaskClient, make_user: MakeUser) -> None:
    plain = make_user("ada@example.com")
    admin = make_user("root@example.com", admin=True)
    assert client.get("/api/v1/users", headers=plain).status_code == 403

    response = client.get("/api/v1/users?limit=1", headers=admin)
    assert response.status_code == 200
    page = response.json
    assert page is not None
    assert (page["total"], page["limit"], page["offset"]) == (2, 1, 0)
    assert [u["email"] for u in page["items"]] == ["ada@example.com"]
