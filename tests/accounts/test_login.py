import pytest
from django.urls import reverse

from tests.accounts.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def test_login_page_shows_welcome_and_lost_password_link(client):
    response = client.get(LOGIN)

    assert response.status_code == 200
    assert reverse("accounts:login") == LOGIN
    html = response.content.decode()
    assert "Welcome Back!" in html
    assert "Sign in to your account" in html
    assert f'href="{reverse("accounts:password_reset")}">Lost your password?' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'name="remember"' in html


@pytest.mark.parametrize(
    "name", ["reader", "READER", "reader@example.org", "Reader@Example.ORG"]
)
def test_reader_signs_in_with_username_or_email_in_any_case(client, reader, name):
    response = sign_in(client, name)

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get("/accounts/profile/").status_code == 200


def test_wrong_password_is_refused_with_a_message(client, reader):
    response = sign_in(client, "reader", "wrong password")

    assert response.status_code == 200
    assert (
        "Please enter a correct email or username and password"
        in response.content.decode()
    )
    assert "_auth_user_id" not in client.session


def test_unknown_account_gets_the_same_message_as_a_wrong_password(client, reader):
    wrong = sign_in(client, "reader", "wrong password").content.decode()
    unknown = sign_in(client, "nobody@example.org", "wrong password").content.decode()

    message = "Please enter a correct email or username and password"
    assert message in wrong and message in unknown


def test_without_remember_me_the_session_ends_with_the_browser(client, reader):
    sign_in(client, "reader")

    assert client.session.get_expire_at_browser_close() is True
    assert client.cookies["sessionid"]["expires"] == ""


def test_with_remember_me_the_session_outlives_the_browser(client, reader):
    sign_in(client, "reader", remember="on")

    assert client.session.get_expire_at_browser_close() is False
    assert client.cookies["sessionid"]["max-age"] == 1209600


def test_sign_in_rotates_the_session_key(client, reader):
    client.get(LOGIN)
    client.session["probe"] = 1
    session = client.session
    session["probe"] = 1
    session.save()
    before = client.cookies["sessionid"].value

    sign_in(client, "reader")

    assert client.cookies["sessionid"].value != before


def test_sign_in_goes_to_a_safe_next(client, reader):
    response = sign_in(client, "reader", next="/accounts/saved/")

    assert response.url == "/accounts/saved/"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "//evil.example",
        "/\\evil.example",
        "http://evil.example/accounts/saved/",
        "javascript:alert(1)",
    ],
)
def test_sign_in_never_redirects_off_site(client, reader, target):
    response = sign_in(client, "reader", next=target)

    assert response.status_code == 302
    assert response.url == reverse("home")


def test_unconfirmed_reader_cannot_sign_in_and_is_offered_a_new_link(client):
    UserFactory(username="fresh", email="fresh@example.org", email_verified_at=None)

    response = sign_in(client, "fresh@example.org")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Please confirm your email address first" in html
    assert f'href="{reverse("accounts:confirm_resend")}"' in html
    assert "_auth_user_id" not in client.session


def test_unconfirmed_staff_can_sign_in(client):
    UserFactory(username="staffer", email_verified_at=None, is_staff=True)

    assert sign_in(client, "staffer").status_code == 302


DEACTIVATED = "This account has been deactivated."
WRONG = {LOGIN: "Please enter a correct", "/admin/login/": "Please enter the correct"}


@pytest.mark.parametrize("page", [LOGIN, "/admin/login/"])
def test_a_deactivated_account_is_told_so_with_the_right_password(client, page):
    UserFactory(username="gone", is_active=False, is_staff=True)

    response = client.post(page, {"username": "gone", "password": PASSWORD})

    assert response.status_code == 200
    assert DEACTIVATED in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/accounts/profile/").status_code == 302


@pytest.mark.parametrize("page", [LOGIN, "/admin/login/"])
@pytest.mark.parametrize("username", ["gone", "nobody-at-all"])
def test_a_wrong_password_or_unknown_account_reveals_nothing(client, page, username):
    UserFactory(username="gone", is_active=False, is_staff=True)

    response = client.post(page, {"username": username, "password": "wrong one"})

    html = response.content.decode()
    assert DEACTIVATED not in html
    assert WRONG[page] in html


def test_logout_by_get_does_not_sign_out(reader_client):
    response = reader_client.get("/accounts/logout/")

    assert response.status_code == 200
    assert 'method="post"' in response.content.decode()
    assert reader_client.get("/accounts/profile/").status_code == 200


def test_logout_by_post_signs_out(reader_client):
    response = reader_client.post("/accounts/logout/")

    assert response.status_code == 302
    assert reader_client.get("/accounts/profile/").status_code == 302


def test_login_and_logout_forms_need_a_csrf_token(reader):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN, {"username": "reader", "password": PASSWORD})
    assert response.status_code == 403

    client.force_login(reader)
    assert client.post("/accounts/logout/").status_code == 403
