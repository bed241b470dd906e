import pytest
from flask.testing import FlaskClient

from .conftest import MakeUser


def test_item_lifecycle(client: FlaskClient, make_user: MakeUser) -> None:
    headers = make_user()
    created = client.post(
        "/api/v1/items", json={"title": "Buy milk", "description": "Two litres"}, headers=headers
    )
    assert created.status_code == 201
    item = created.json
    assert item is not None and item["title"] == "Buy milk"
    url = f"/api/v1/items/{item['id']}"

    assert client.get(url, headers=headers).json == item
    changed = client.patch(url, json={"title": "Buy oat milk"}, headers=headers)
    assert changed.status_code == 200
    assert changed.json is not None
    assert (changed.json["title"], changed.json["description"]) == ("Buy oat milk", "Two litres")

    assert client.delete(url, headers=headers).status_code == 204
    assert client.get(url, headers=headers).status_code == 404


def test_other_users_items_do_not_exist_for_you(client: FlaskClient, make_user: MakeUser) -> None:
    ada = make_user("ada@example.com")
    grace = make_user("grace@example.com")
    item = client.post("/api/v1/items", json={"title": "Ada's"}, headers=ada).json
    assert item is not None
    url = f"/api/v1/items/{item['id']}"

    assert client.get(url, headers=grace).status_code == 404
    assert client.patch(url, json={"title": "mine"}, headers=grace).status_code == 404
    assert client.delete(url, headers=grace).status_code == 404
    listing = client.get("/api/v1/items", headers=grace).json
    assert listing is not None and listing["total"] == 0
    assert client.get(url, headers=ada).status_code == 200


def test_pagination(client: FlaskClient, make_user: MakeUser) -> None:
    headers = make_user()
    for n in range(5):
        client.post("/api/v1/items", json={"title": f"item {n}"}, headers=headers)

    page = client.get("/api/v1/items?limit=2&offset=1", headers=headers).json
    assert page is not None
    assert (page["total"], page["limit"], page["offset"]) == (5, 2, 1)
    assert [i["title"] for i in page["items"]] == ["item 1", "item 2"]
    default = client.get("/api/v1/items", headers=headers).json
    assert default is not None
    assert (default["limit"], default["offset"], len(default["items"])) == (20, 0, 5)
    assert client.get("/api/v1/items?limit=101", headers=headers).status_code == 422


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
def test_validation_errors(client: FlaskClient, make_user: MakeUser, body: dict[str, str]) -> None:
    headers = make_user()
    assert client.post("/api/v1/items", json=body, headers=headers).status_code == 422


def test_ids_out_of_range_do_not_match(client: FlaskClient, make_user: MakeUser) -> None:
    headers = make_user()
    for item_id in ("0", str(2**31), "abc"):
        assert client.get(f"/api/v1/items/{item_id}", headers=headers).status_code == 404
