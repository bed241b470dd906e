import pytest
from rest_framework.test import APIClient

from .conftest import MakeUser

pytestmark = pytest.mark.django_db


def test_item_lifecycle(api: APIClient, make_user: MakeUser) -> None:
    headers = make_user()
    created = api.post(
        "/api/v1/items",
        {"title": "Buy milk", "description": "Two litres"},
        format="json",
        headers=headers,
    )
    assert created.status_code == 201
    item = created.json()
    assert item["title"] == "Buy milk"
    url = f"/api/v1/items/{item['id']}"

    assert api.get(url, headers=headers).json() == item
    changed = api.patch(url, {"title": "Buy oat milk"}, format="json", headers=headers)
    assert changed.status_code == 200
    assert changed.json()["title"] == "Buy oat milk"
    assert changed.json()["description"] == "Two litres"

    assert api.put(url, {"title": "x"}, format="json", headers=headers).status_code == 405
    assert api.delete(url, headers=headers).status_code == 204
    assert api.get(url, headers=headers).status_code == 404


def test_other_users_items_do_not_exist_for_you(api: APIClient, make_user: MakeUser) -> None:
    ada = make_user("ada@example.com")
    grace = make_user("grace@example.com")
    item = api.post("/api/v1/items", {"title": "Ada's"}, format="json", headers=ada).json()
    url = f"/api/v1/items/{item['id']}"

    assert api.get(url, headers=grace).status_code == 404
    assert api.patch(url, {"title": "mine"}, format="json", headers=grace).status_code == 404
    assert api.delete(url, headers=grace).status_code == 404
    assert api.get("/api/v1/items", headers=grace).json()["total"] == 0
    assert api.get(url, headers=ada).json()["title"] == "Ada's"


def test_pagination(api: APIClient, make_user: MakeUser) -> None:
    headers = make_user()
    for n in range(5):
        api.post("/api/v1/items", {"title": f"item {n}"}, format="json", headers=headers)

    page = api.get("/api/v1/items?limit=2&offset=1", headers=headers).json()
    assert page["total"] == 5
    assert (page["limit"], page["offset"]) == (2, 1)
    assert [i["title"] for i in page["items"]] == ["item 1", "item 2"]

    default = api.get("/api/v1/items", headers=headers).json()
    assert (default["limit"], default["offset"], len(default["items"])) == (20, 0, 5)
    last = api.get("/api/v1/items?limit=100&offset=1000000", headers=headers).json()
    assert (last["limit"], last["offset"], last["items"]) == (100, 1_000_000, [])


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"title": ""},
        {"title": "x" * 201},
        {"title": "ok", "description": "x" * 5001},
        {"title": "nul\x00"},
    ],
)
def test_validation_errors(api: APIClient, make_user: MakeUser, body: dict[str, str]) -> None:
    headers = make_user()
    response = api.post("/api/v1/items", body, format="json", headers=headers)
    assert response.status_code == 422


def test_unknown_api_paths_answer_json_404(api: APIClient, make_user: MakeUser) -> None:
    headers = make_user()
    for path in ("/api/v1/items/not-a-number", "/api/v1/nothing-here"):
        response = api.get(path, headers=headers)
        assert response.status_code == 404
        assert response.json()["detail"] == "Not found."
    huge = api.get(f"/api/v1/items/{2**70}", headers=headers)
    assert huge.status_code == 404
