from datetime import datetime

import pytest
from httpx import AsyncClient

from tests.conftest import MakeUser


async def test_item_lifecycle(client: AsyncClient, make_user: MakeUser) -> None:
    headers = await make_user()
    created = await client.post(
        "/api/v1/items", headers=headers, json={"title": "Milk", "description": "Two litres"}
    )
    assert created.status_code == 201
    item = created.json()
    # Timestamps carry their zone on every database, SQLite included (RFC 3339 date-time).
    assert datetime.fromisoformat(item["created_at"]).utcoffset() is not None
    url = f"/api/v1/items/{item['id']}"
    assert (await client.get(url, headers=headers)).json()["title"] == "Milk"
    updated = await client.patch(url, headers=headers, json={"title": "Oat milk"})
    assert updated.json()["title"] == "Oat milk"
    assert updated.json()["description"] == "Two litres"
    assert (await client.delete(url, headers=headers)).status_code == 204
    assert (await client.get(url, headers=headers)).status_code == 404


async def test_other_users_items_do_not_exist_for_you(
    client: AsyncClient, make_user: MakeUser
) -> None:
    ada = await make_user("ada@example.com")
    eve = await make_user("eve@example.com")
    item = (await client.post("/api/v1/items", headers=ada, json={"title": "Private"})).json()
    url = f"/api/v1/items/{item['id']}"
    assert (await client.get(url, headers=eve)).status_code == 404
    assert (await client.patch(url, headers=eve, json={"title": "Mine now"})).status_code == 404
    assert (await client.delete(url, headers=eve)).status_code == 404
    assert (await client.get("/api/v1/items", headers=eve)).json()["total"] == 0
    assert (await client.get(url, headers=ada)).json()["title"] == "Private"


async def test_pagination(client: AsyncClient, make_user: MakeUser) -> None:
    headers = await make_user()
    for n in range(5):
        await client.post("/api/v1/items", headers=headers, json={"title": f"item {n}"})
    page = await client.get("/api/v1/items", headers=headers, params={"limit": 2, "offset": 2})
    body = page.json()
    assert body["total"] == 5
    assert (body["limit"], body["offset"]) == (2, 2)
    assert [i["title"] for i in body["items"]] == ["item 2", "item 3"]


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("post", "/api/v1/items", {"json": {"title": ""}}),
        ("post", "/api/v1/items", {"json": {"title": "x" * 201}}),
        ("post", "/api/v1/items", {"json": {"title": "nul \x00 inside"}}),
        ("get", "/api/v1/items", {"params": {"limit": 0}}),
        ("get", "/api/v1/items", {"params": {"limit": 101}}),
        ("get", "/api/v1/items", {"params": {"offset": -1}}),
    ],
)
async def test_validation_errors(
    client: AsyncClient, make_user: MakeUser, method: str, path: str, kwargs: dict[str, object]
) -> None:
    headers = await make_user()
    response = await getattr(client, method)(path, headers=headers, **kwargs)
    assert response.status_code == 422
