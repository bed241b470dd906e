import json
import logging
import sys

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
