"""Bodies built to break a JSON parser get a 4xx, cheaply, on routes anyone can reach."""

import pytest
from rest_framework.test import APIClient

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
    api: APIClient, make_user: MakeUser, path: str, body: bytes
) -> None:
    headers = make_user()
    response = api.generic(
        "POST", path, body.decode(), content_type="application/json", headers=headers
    )
    assert 400 <= response.status_code < 500
