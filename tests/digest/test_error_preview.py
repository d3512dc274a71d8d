import importlib

import pytest
from django.urls import clear_url_caches

import digest.urls

pytestmark = [
    pytest.mark.django_db,
    # Reloading the URLconf registers its path converter again.
    pytest.mark.filterwarnings("ignore:Converter .* is already registered"),
]


@pytest.fixture
def debug_urls(settings):
    """The URLconf as `make run` (DEBUG on) builds it."""
    settings.DEBUG = True
    importlib.reload(digest.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(digest.urls)
    clear_url_caches()


@pytest.mark.parametrize(
    ("code", "heading"),
    [
        (400, "Bad request"),
        (403, "Access denied"),
        (404, "Page not found"),
        (500, "Server error"),
        (503, "Temporarily unavailable"),
    ],
)
def test_debug_server_previews_the_styled_error_pages(
    client, debug_urls, code, heading
):
    response = client.get(f"/errors/{code}/")
    assert response.status_code == code
    assert heading in response.content.decode()
    assert "technical" not in response.content.decode().lower()


def test_error_previews_do_not_exist_in_production(client):
    response = client.get("/errors/500/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
