from httpx import AsyncClient


async def test_openapi_schema_lists_the_probes(client: AsyncClient) -> None:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"/health", "/ready"} <= set(schema["paths"])


async def test_docs_pages_use_local_assets(client: AsyncClient) -> None:
    for path in ("/docs", "/redoc"):
        response = await client.get(path)
        assert response.status_code == 200
        assert "text/html" in response.headers["content-type"]
        assert "cdn.jsdelivr.net" not in response.text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js"):
        response = await client.get(f"/static/docs/{asset}")
        assert response.status_code == 200


async def test_schema_documents_auth_and_errors(client: AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    flows = schema["components"]["securitySchemes"]["OAuth2PasswordBearer"]["flows"]
    assert flows["password"]["tokenUrl"] == "/api/v1/auth/token"
    item = schema["paths"]["/api/v1/items/{item_id}"]["get"]
    # An invalid id is a 404, so no 422; every error answer is a Problem.
    assert set(item["responses"]) == {"200", "401", "404"}
    problem = item["responses"]["404"]["content"]["application/problem+json"]["schema"]
    assert problem == {"$ref": "#/components/schemas/Problem"}
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    assert {op["tags"][0] for path in schema["paths"].values() for op in path.values()} >= {
        "auth",
        "users",
        "items",
        "health",
    }


async def test_the_bare_address_leads_to_the_docs(client: AsyncClient) -> None:
    response = await client.get("/")
    assert response.status_code == 307
    assert response.headers["location"] == "/docs"
