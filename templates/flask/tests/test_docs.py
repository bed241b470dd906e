import pytest
from flask.testing import FlaskClient


def test_openapi_schema_lists_the_probes(client: FlaskClient) -> None:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    schema = response.json
    assert schema is not None
    assert schema["openapi"].startswith("3.")
    assert {"/health", "/ready"} <= set(schema["paths"])


def test_docs_page_uses_local_assets(client: FlaskClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "cdn.jsdelivr.net" not in body
    assert "/static/docs/swagger-ui/swagger-ui-bundle.js" in body


@pytest.mark.parametrize("asset", ["swagger-ui-bundle.js", "swagger-ui.css"])
def test_docs_assets_are_served(client: FlaskClient, asset: str) -> None:
    assert client.get(f"/static/docs/swagger-ui/{asset}").status_code == 200
