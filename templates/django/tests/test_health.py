import pytest
from django.db import DatabaseError
from django.test import Client


def test_health_answers(client: Client) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_ready_when_database_answers(client: Client) -> None:
    response = client.get("/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_ready_is_503_when_database_fails(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_cursor() -> None:
        raise DatabaseError("connection refused")

    monkeypatch.setattr("django.db.connection.cursor", broken_cursor)
    response = client.get("/ready")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
