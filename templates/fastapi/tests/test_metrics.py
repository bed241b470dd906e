"""Metrics: every answer counted under its route's template, never under the raw path."""

from httpx import AsyncClient

from tests.conftest import MakeUser
from tests.metrics_samples import connections, counted, routes, scrape

ITEM = "/api/v1/items/{item_id}"


async def test_requests_are_counted_under_their_route_template(
    client: AsyncClient, make_user: MakeUser
) -> None:
    headers = await make_user()
    before = scrape()
    for item_id in (123456, 654321):
        assert (await client.get(f"/api/v1/items/{item_id}", headers=headers)).status_code == 404
    after = scrape()
    assert counted(after, ITEM, 404) - counted(before, ITEM, 404) == 2
    assert not any("123456" in route for route in routes(after))
    latency = after["http_request_duration_seconds_count"]
    assert any(labels == {"method": "GET", "route": ITEM} for labels, _ in latency)


async def test_made_up_paths_and_methods_share_one_label(client: AsyncClient) -> None:
    before = scrape()
    for n in range(3):
        assert (await client.get(f"/made-up-{n}")).status_code == 404
    await client.request("BREW", "/api/v1/items")
    after = scrape()
    assert counted(after, "<unmatched>", 404) - counted(before, "<unmatched>", 404) == 3
    assert not any("made-up" in route for route in routes(after))
    methods = {labels["method"] for labels, _ in after["http_requests_total"]}
    assert "OTHER" in methods and "BREW" not in methods


async def test_pooled_database_connections_are_reported(
    client: AsyncClient, make_user: MakeUser
) -> None:
    headers = await make_user()
    assert (await client.get("/api/v1/items", headers=headers)).status_code == 200
    samples = scrape()
    assert (connections(samples, "open") or 0) >= 1
    assert connections(samples, "in_use") == 0  # every request gave its connection back
