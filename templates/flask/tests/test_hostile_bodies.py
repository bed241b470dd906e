"""Bodies built to break a JSON parser get a 4xx, cheaply, on routes anyone can reach."""

import json

import pytest
from flask.testing import FlaskClient

from .conftest import MakeUser

HOSTILE = {
    "deep-array": b"[" * 50_000 + b"]" * 50_000,
    "deep-object": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    "huge-integer": b'{"email": "h@example.com", "full_name": ' + b"9" * 5_000 + b"}",
    "lone-surrogate": b'{"email": "a\\ud800@example.com", "password": "a long passphrase"}',
    "nan": b'{"email": "n@example.com", "password": "a long passphrase", "full_name": NaN}',
}


@pytest.mark.parametrize("body", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("path", ["/api/v1/auth/register", "/api/v1/items"])
def test_hostile_json_gets_a_4xx(
    client: FlaskClient, make_user: MakeUser, path: str, body: bytes
) -> None:
    headers = make_user()
    response = client.post(path, data=body, content_type="application/json", headers=headers)
    assert 400 <= response.status_code < 500


def test_unknown_fields_are_dropped_not_listed(client: FlaskClient, make_user: MakeUser) -> None:
    headers = make_user()
    body = {"title": "Milk", **{f"field{i}": i for i in range(20_000)}}
    response = client.post("/api/v1/items", json=body, headers=headers)
    assert response.status_code == 201
    assert len(response.data) < 1_000
    assert "field1" not in json.dumps(response.json)
