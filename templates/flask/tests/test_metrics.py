"""Metrics: every answer counted under its route's template, never under the raw path."""

from flask.testing import FlaskClient

from .conftest import MakeUser
from .metrics_samples import connections, counted, routes, scrape

ITEM = "/api/v1/items/{item_id}"


def test_requests_are_counted_under_their_route_template(
    client: FlaskClient, make_user: MakeUser
) -> None:
    headers = make_user()
    before = scrape()
    for item_id in (123456, 654321):
        assert client.get(f"/api/v1/items/{item_id}", headers=headers).status_code == 404
    after = scrape()
    assert counted(after, ITEM, 404) - counted(before, ITEM, 404) == 2
    assert not any("123456" in route for route in routes(after))
    latency = after["http_request_duration_seconds_count"]
    assert any(labels == {"method": "GET", "route": ITEM} for labels, _ in latency)


def test_made_up_paths_and_methods_share_one_label(client: FlaskClient) -> None:
    before = scrape()
    for n in range(3):
        assert client.get(f"/made-up-{n}").status_code == 404
    client.open("/api/v1/items", method="BREW")
    after = scrape()
    assert counted(after, "<unmatched>", 404) - counted(before, "<unmatched>", 404) == 3
    assert not any("made-up" in route for route in routes(after))
    methods = {labels["method"] for labels, _ in after["http_requests_total"]}
    assert "OTHER" in methods and "BREW" not in methods


def test_pooled_database_connections_are_reported(client: FlaskClient, make_user: MakeUser) -> None:
    headers = make_user()
    assert client.get("/api/v1/items", headers=headers).status_code == 200
    samples = scrape()
    opened, in_use = connections(samples, "open"), connections(samples, "in_use")
    assert opened is not None and in_use is not None
    assert opened >= 1 and 0 <= in_use <= opened
