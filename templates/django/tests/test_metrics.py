"""Metrics: every answer counted under its route's template, never under the raw path."""

import pytest
from rest_framework.test import APIClient

from .conftest import MakeUser
from .metrics_samples import connections, counted, routes, scrape

pytestmark = pytest.mark.django_db
ITEM = "/api/v1/items/{item_id}"


def test_requests_are_counted_under_their_route_template(
    api: APIClient, make_user: MakeUser
) -> None:
    headers = make_user()
    before = scrape()
    for item_id in (123456, 654321):
        assert api.get(f"/api/v1/items/{item_id}", headers=headers).status_code == 404
    after = scrape()
    assert counted(after, ITEM, 404) - counted(before, ITEM, 404) == 2
    assert not any("123456" in route for route in routes(after))
    latency = after["http_request_duration_seconds_count"]
    assert any(labels == {"method": "GET", "route": ITEM} for labels, _ in latency)


def test_made_up_paths_and_methods_share_one_label(api: APIClient) -> None:
    before = scrape()
    for n in range(3):
        assert api.get(f"/made-up-{n}").status_code == 404
    api.generic("BREW", "/api/v1/items")
    after = scrape()
    assert counted(after, "<unmatched>", 404) - counted(before, "<unmatched>", 404) == 3
    assert not any("made-up" in route for route in routes(after))
    methods = {labels["method"] for labels, _ in after["http_requests_total"]}
    assert "OTHER" in methods and "BREW" not in methods


def test_open_database_connections_are_reported(api: APIClient, make_user: MakeUser) -> None:
    headers = make_user()
    assert api.get("/api/v1/items", headers=headers).status_code == 200
    assert connections(scrape(), "open") == 1
