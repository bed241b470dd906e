"""Traces: a request is one server span with its queries inside, and its access line names it."""

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from opentelemetry.trace import format_trace_id

from app.core.config import Settings
from app.core.tracing import tracer_provider
from app.main import create_app
from tests.conftest import MakeUser
from tests.trace_capture import access_lines, memory_tracer, one_request


async def test_a_request_is_one_trace_with_its_queries_and_its_access_line(
    app: FastAPI, settings: Settings, make_user: MakeUser
) -> None:
    headers = await make_user()  # in the shared app, whose tables the fixture empties
    provider, spans = memory_tracer()
    traced = create_app(settings, tracer=provider)
    try:
        transport = ASGITransport(app=traced)
        async with AsyncClient(transport=transport, base_url="http://test") as client:
            created = await client.post("/api/v1/items", headers=headers, json={"title": "Milk"})
            assert created.status_code == 201
            provider.force_flush()
            spans.clear()
            with access_lines() as lines:
                assert (await client.get("/api/v1/items", headers=headers)).status_code == 200
    finally:
        await traced.state.engine.dispose()
    server, queries = one_request(provider, spans)
    assert (server.attributes or {}).get("http.route") == "/api/v1/items"
    # The user of the token, then the page and its count.
    assert len(queries) >= 3
    (line,) = lines
    assert server.context is not None
    assert line["trace_id"] == format_trace_id(server.context.trace_id)
    assert line["request_id"] != "-"


def test_without_an_endpoint_nothing_is_traced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    assert tracer_provider() is None
