import pytest
from rest_framework.test import APIClient

from .conftest import PASSWORD, MakeUser, bearer, login

pytestmark = pytest.mark.django_db


def test_read_and_update_me(api: APIClient, make_user: MakeUser) -> None:
    headers = make_user()
    me = api.get("/api/v1/users/me", headers=headers)
    assert me.status_code == 200
    assert me.json()["full_name"] == ""

    changed = api.patch(
        "/api/v1/users/me",
        {"full_name": "Ada King", "email": "ADA@example.org", "is_staff": True},
        format="json",
        headers=headers,
    )
    assert changed.status_code == 200
    body = changed.json()
    assert body["full_name"] == "Ada King"
    assert body["email"] == "ada@example.org"
    assert body["is_superuser"] is False


def test_update_me_to_a_taken_email_is_a_conflict(api: APIClient, make_user: MakeUser) -> None:
    make_user("grace@example.com")
    headers = make_user("ada@example.com")
    response = api.patch(
        "/api/v1/users/me", {"email": "grace@example.com"}, format="json", headers=headers
    )
    assert response.status_code == 409


def test_change_password_ends_other_sessions(api: APIClient, make_user: MakeUser) -> None:
    headers = make_user()
    other_session = login(api, "ada@example.com")

    wrong = api.post(
        "/api/v1/users/me/password",
        {"current_password": "nope", "new_password": "a brand new passphrase"},
        format="json",
        headers=headers,
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["pointer"] == "#/current_password"

    weak = api.post(
        "/api/v1/users/me/password",
        {"current_password": PASSWORD, "new_password": "12345678"},
        format="json",
        headers=headers,
    )
    assert weak.status_code == 422
    assert weak.json()["errors"][0]["pointer"] == "#/new_password"

    done = api.post(
        "/api/v1/users/me/password",
        {"current_password": PASSWORD, "new_password": "a brand new passphrase"},
        format="json",
        headers=headers,
    )
    assert done.status_code == 204
    stale = api.post(
        "/api/v1/auth/refresh",
        {"refresh_token": other_session["refresh_token"]},
        format="json",
    )
    assert stale.status_code == 401
    # Nor do access tokens: the one that made the change, and one from another device.
    for token in (headers, bearer(other_session["access_token"])):
        assert api.get("/api/v1/users/me", headers=token).status_code == 401
    fresh = login(api, "ada@example.com", "a brand new passphrase")
    assert api.get("/api/v1/users/me", headers=bearer(fresh["access_token"])).status_code == 200


def test_user_list_is_for_administrators(api: APIClient, make_user: MakeUser) -> None:
    plain = make_user("ada@example.com")
    admin = make_user("root@example.com", admin=True)
    assert api.get("/api/v1/users", headers=plain).status_code == 403

    response = api.get("/api/v1/users?limit=1", headers=admin)
    assert response.status_code == 200
    page = response.json()
    assert page["total"] == 2
    assert page["limit"] == 1
    assert [u["email"] for u in page["items"]] == ["ada@example.com"]
