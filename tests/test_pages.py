import pytest
from django.db import connection
from django.urls import reverse


def test_home_names_the_five_programs_with_philosophy(client, db):
    page = client.get(reverse("groups:home")).content.decode()
    for name in [
        "Narcotics Anonymous",
        "Dual Recovery Anonymous",
        "Secular Organizations for Sobriety",
        "SMART Recovery",
        "LifeRing Secular Recovery",
    ]:
        assert name in page
    assert page.count('class="philosophy philosophy-twelve-step"') == 2
    assert page.count('class="philosophy philosophy-secular"') == 3


def test_health_up(client, db):
    response = client.get(reverse("groups:health"))
    assert response.status_code == 200 and response.json()["database"] == "up"


@pytest.fixture
def database_down(transactional_db):
    settings_dict = connection.settings_dict
    saved_settings = dict(settings_dict)
    # Set the live connection aside (an in-memory SQLite test database must not be closed).
    saved_connection, connection.connection = connection.connection, None
    if connection.vendor == "sqlite":
        settings_dict["NAME"] = "/nonexistent-directory/none.sqlite3"
    else:
        settings_dict["PORT"] = "1"
    yield
    settings_dict.clear()
    settings_dict.update(saved_settings)
    connection.connection = saved_connection


def test_health_down_answers_503(client, database_down):
    response = client.get(reverse("groups:health"))
    assert response.status_code == 503 and response.json()["database"] == "down"
