import pytest
from django.contrib.auth import get_user_model
from django.test import Client


def test_home_page_links_to_the_admin_and_the_docs(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    for link in ('href="/admin/"', 'href="/docs"', 'href="/redoc"', 'href="/openapi.json"'):
        assert link in body
    assert "/static/core/site.css" in body


@pytest.mark.django_db
def test_home_page_greets_a_signed_in_user(client: Client) -> None:
    user = get_user_model().objects.create_user("ada@example.com", "a long passphrase")
    client.force_login(user)
    assert "Signed in as ada@example.com" in client.get("/").content.decode()


def test_stylesheet_is_served(client: Client) -> None:
    response = client.get("/static/core/site.css")
    assert response.status_code == 200


def test_pages_404_stays_html(client: Client) -> None:
    response = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
