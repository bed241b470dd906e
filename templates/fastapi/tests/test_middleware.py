import json
import logging
import sys
from collections.abc import AsyncIterator

import pytest
from httpx import AsyncClient

from app.core.logging import JsonFormatter, request_id


async def test_every_response_gets_a_request_id_and_security_headers(client: AsyncClient) -> None:
    response = await client.get("/openapi.json")
    assert len(response.headers["x-request-id"]) == 32
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["strict-transport-security"].startswith("max-age=")


async def test_a_safe_incoming_request_id_is_kept(client: AsyncClient) -> None:
    kept = await client.get("/openapi.json", headers={"x-request-id": "abc-123"})
    assert kept.headers["x-request-id"] == "abc-123"
    replaced = await client.get("/openapi.json", headers={"x-request-id": "<script>"})
    assert replaced.headers["x-request-id"] != "<script>"


async def test_access_log_is_json_with_the_request_id(
    client: AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="access"):
        response = await client.get("/openapi.json", headers={"x-request-id": "trace-me"})
    (record,) = [r for r in caplog.records if r.name == "access"]
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "-"  # the id is reset once the request is done
    assert (line["method"], line["path"], line["status"]) == ("GET", "/openapi.json", 200)
    assert response.headers["x-request-id"] == "trace-me"


async def test_probes_leave_no_access_line(
    client: AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="access"):
        assert (await client.get("/health")).status_code == 200
    assert not [r for r in caplog.records if r.name == "access"]


def test_formatter_includes_the_current_request_id_and_exceptions() -> None:
    token = request_id.set("rid-1")
    try:
        try:
            raise ValueError("boom")
        except ValueError:
            record = logging.getLogger("x").makeRecord(
                "x", logging.ERROR, __file__, 1, "failed %s", ("here",), sys.exc_info()
            )
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id.reset(token)
    assert line["message"] == "failed here"
    assert line["request_id"] == "rid-1"
    assert "ValueError: boom" in line["exception"]


async def test_a_body_over_the_limit_gets_413_before_it_is_read(client: AsyncClient) -> None:
    too_big = b"x" * (1_048_576 + 1)
    response = await client.post(
        "/api/v1/auth/register", content=too_big, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 413


async def test_a_streamed_body_over_the_limit_gets_413(client: AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: the size shows as it comes
        for _ in range(20):
            yield b"x" * 65_536

    response = await client.post(
        "/api/v1/auth/register", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
