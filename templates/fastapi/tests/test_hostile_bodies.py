"""Bodies built to break a JSON parser get a 4xx, cheaply, on routes anyone can reach."""

import pytest
from httpx import AsyncClient

from tests.conftest import MakeUser

HOSTILE = {
    "deep-array": b"[" * 50_000 + b"]" * 50_000,
    "deep-object": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    "huge-integer": b'{"email": "h@example.com", "full_name": ' + b"9" * 5_000 + b"}",
    "lone-surrogate": b'{"email": "a\\ud800@example.com", "password": "a long passphrase"}',
    "nan": b'{"email": "n@example.com", "password": "a long passphrase", "full_name": NaN}',
}


@pytest.mark.parametrize("body", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("path", ["/api/v1/auth/register", "/api/v1/items"])
async def test_hostile_json_gets_a_4xx(
    client: AsyncClient, make_user: MakeUser, path: str, body: bytes
) -> None:
    headers = await make_user()
    headers["content-type"] = "application/json"
    response = await client.post(path, content=body, headers=headers)
    assert 400 <= response.status_code < 500
    assert b"passphrase" not in response.content
