"""Public account pages: they render, stay within a query budget, and carry CSRF."""

import pytest

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password-reset/",
    "/accounts/confirm/resend/",
]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_account_pages_render_with_a_csrf_protected_form(
    client, url, django_assert_max_num_queries
):
    client.get("/")  # creates the site settings row once
    with django_assert_max_num_queries(8):
        response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'method="post"' in html and 'name="csrfmiddlewaretoken"' in html


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password-reset/",
        "/accounts/confirm/resend/",
        "/accounts/csrf/",
    ],
)
def test_pages_with_a_token_are_never_cached(client, url):
    response = client.get(url)

    assert "no-cache" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/profile/",
        "/accounts/saved/",
        "/accounts/history/",
        "/accounts/feed/",
        "/accounts/email/",
        "/accounts/delete/",
        "/accounts/password-change/",
    ],
)
def test_private_pages_send_guests_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={url}"
