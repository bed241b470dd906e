from httpx import ASGITransport, AsyncClient

from app.core.config import Settings
from app.main import create_app


async def test_health_answers_without_database(client: AsyncClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_ready_when_database_answers(client: AsyncClient) -> None:
    response = await client.get("/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_ready_is_503_when_database_is_unreachable() -> None:
    settings = Settings(
        _env_file=None,
        database_url="postgresql://nobody:nothing@127.0.0.1:9/none",
        secret_key="x" * 50,
        allowed_hosts=["test"],
    )
    app = create_app(settings)
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        response = await client.get("/ready")
    await app.state.engine.dispose()
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


async def test_unknown_host_is_rejected(client: AsyncClient) -> None:
    response = await client.get("/openapi.json", headers={"host": "evil.example:8000"})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "Invalid host header."
    allowed = await client.get("/openapi.json", headers={"host": "TEST:8000"})
    assert allowed.status_code == 200


async def test_probes_answer_on_any_host(client: AsyncClient) -> None:
    # The image's HEALTHCHECK asks 127.0.0.1, a Kubernetes probe the pod's IP.
    for path in ("/health", "/ready"):
        response = await client.get(path, headers={"host": "10.1.2.3:8000"})
        assert response.status_code == 200
        assert "x-request-id" not in response.headers


async def test_cors_allows_configured_origins_only(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"cors_origins": ["https://ui.example"]}))
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        allowed = await client.get("/health", headers={"origin": "https://ui.example"})
        other = await client.get("/health", headers={"origin": "https://evil.example"})
    await app.state.engine.dispose()
    assert allowed.headers["access-control-allow-origin"] == "https://ui.example"
    assert "access-control-allow-origin" not in other.headers


async def test_cors_never_lets_other_origins_send_credentials(settings: Settings) -> None:
    """Even `CORS_ORIGINS=*`: the API takes bearer tokens, so it needs no cookies from them."""
    app = create_app(settings.model_copy(update={"cors_origins": ["*"]}))
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        answer = await client.options(
            "/api/v1/users/me",
            headers={
                "origin": "https://evil.example",
                "access-control-request-method": "GET",
                "access-control-request-headers": "authorization",
            },
        )
    await app.state.engine.dispose()
    assert answer.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in answer.headers
