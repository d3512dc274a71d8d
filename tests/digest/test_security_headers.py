import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import ArticleFactory

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db

PRODUCTION_ENV = {
    "DEBUG": "false",
    "ALLOWED_HOSTS": "news.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://news.example.org",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_COOKIES": "true",
    "SECURE_HSTS_SECONDS": "31536000",
}


def production_env() -> dict:
    env = {**os.environ, **PRODUCTION_ENV}
    env["SECRET_KEY"] = secrets.token_urlsafe(64)
    return env


def test_deploy_check_finds_nothing_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output


def test_deploy_check_warns_without_hsts():
    """The check above would pass vacuously if --deploy checks were not run at all.

    (A weak SECRET_KEY, Django's W009, no longer gets that far: digest/settings.py
    stops the start, tests/digest/test_secret_key.py.)
    """
    env = production_env()
    env["SECURE_HSTS_SECONDS"] = "0"
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


@pytest.fixture
def production(settings):
    """The security settings a production process has (tests run with them relaxed)."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    return settings


def pages():
    article = ArticleFactory()
    return {
        "home": "/",
        "article": article.get_absolute_url(),
        "admin login": "/admin/login/",
    }


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("page", ["home", "article", "admin login"])
def test_pages_carry_the_security_headers(client, production, page):
    url = pages()[page]
    response = client.get(url, secure=True)
    assert response.status_code == 200

    assert response["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in permissions

    csp = csp_directives(response["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in csp["style-src"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert "https://www.youtube-nocookie.com" in csp["frame-src"]


def test_plain_http_is_redirected_to_https(client, production):
    response = client.get("/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/"


def test_proxy_header_marks_the_request_secure(client, production):
    response = client.get("/", headers={"x-forwarded-proto": "https"})
    assert response.status_code == 200


def test_admin_sign_in_sets_secure_httponly_samesite_cookies(
    client, production, django_user_model
):
    django_user_model.objects.create_user(
        username="editor",
        email="editor@example.org",
        password="pw-9182-long",
        is_staff=True,
    )
    page = client.get("/admin/login/", secure=True)
    csrf = page.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["secure"] is True
    assert csrf["samesite"] == "Lax"

    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "editor", "password": "pw-9182-long", "next": "/admin/"},
        secure=True,
    )
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
