import pytest
from flask.testing import FlaskClient


def test_openapi_schema_describes_the_api(client: FlaskClient) -> None:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    schema = response.json
    assert schema is not None
    assert schema["openapi"].startswith("3.")
    assert {
        "/health",
        "/ready",
        "/api/v1/auth/register",
        "/api/v1/auth/token",
        "/api/v1/auth/refresh",
        "/api/v1/auth/logout",
        "/api/v1/users",
        "/api/v1/users/me",
        "/api/v1/users/me/password",
        "/api/v1/items",
        "/api/v1/items/{item_id}",
    } <= set(schema["paths"])
    token = schema["paths"]["/api/v1/auth/token"]["post"]["requestBody"]["content"]
    assert "application/x-www-form-urlencoded" in token
    flows = schema["components"]["securitySchemes"]["OAuth2PasswordBearer"]["flows"]
    assert flows["password"]["tokenUrl"] == "/api/v1/auth/token"
    me = schema["paths"]["/api/v1/users/me"]["get"]
    assert me["security"] == [{"OAuth2PasswordBearer": []}]
    assert "401" in me["responses"]


@pytest.mark.parametrize(
    ("path", "asset"),
    [
        ("/docs", "/static/docs/swagger-ui/swagger-ui-bundle.js"),
        ("/redoc", "/static/docs/redoc/redoc.standalone.js"),
    ],
)
def test_docs_pages_use_local_assets(client: FlaskClient, path: str, asset: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert "cdn.jsdelivr.net" not in response.text
    assert asset in response.text
    assert client.get(asset).status_code == 200
