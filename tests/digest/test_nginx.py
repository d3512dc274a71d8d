"""deploy/nginx.conf in front of the live app: micro-cached anonymous pages, bypasses."""

import gzip
import re
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.test import Client

from articles.models import Article
from bench.bench import DEPLOY_CONF, NGINX, free_port, nginx_server, site_conf, wait_for
from digest.cache import bump_content_version
from digest.images import MAX_BYTES
from tests.factories import (
    ArticleFactory,
    CategoryFactory,
    UserFactory,
    image_bytes,
    role_group,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(NGINX).exists(), reason=f"{NGINX} is not installed"),
]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


opener = urllib.request.build_opener(NoRedirect)


def fetch(url, *, method="GET", cookie=None, data=None):
    request = urllib.request.Request(url, method=method, data=data)
    if cookie:
        request.add_header("Cookie", cookie)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


@pytest.fixture
def proxy(live_server, tmp_path):
    """nginx with deploy/nginx.conf on a free port, in front of the live server."""
    static = tmp_path / "static"
    (static / "digest").mkdir(parents=True)
    (static / "digest" / "only-on-disk.css").write_text("body { color: teal; }\n")
    # What collectstatic (WhiteNoise's storage) writes beside each file.
    css = "a { color: navy; }\n" * 50
    (static / "digest" / "site.css").write_text(css)
    (static / "digest" / "site.css.gz").write_bytes(gzip.compress(css.encode()))
    (tmp_path / "media").mkdir()
    port = free_port()
    conf = site_conf(
        upstream=live_server.url.removeprefix("http://"),
        listen=port,
        static_root=static,
        media_root=tmp_path / "media",
        cache_dir=tmp_path / "cache",
    )
    with nginx_server(conf, workers=1):
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/healthz")
        yield base


@pytest.fixture
def article():
    return ArticleFactory(
        title="Harbour council approves the ferry berth", slug="ferry"
    )


def test_second_anonymous_request_is_a_cache_hit(proxy, article):
    status, first, body = fetch(proxy + "/articles/ferry/")
    assert status == 200
    assert first["X-Cache-Status"] == "MISS"
    status, second, again = fetch(proxy + "/articles/ferry/")
    assert status == 200
    assert second["X-Cache-Status"] == "HIT"
    assert again == body
    assert "Harbour council approves the ferry berth" in again


def test_signed_in_reader_bypasses_the_cache_and_leaves_nothing_behind(proxy, article):
    client = Client()
    client.force_login(UserFactory(display_name="Ada Reader"))
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    status, headers, body = fetch(proxy + "/articles/ferry/", cookie=cookie)
    assert status == 200
    assert headers["X-Cache-Status"] == "BYPASS"
    assert "Ada Reader" in body
    fetch(proxy + "/articles/ferry/")
    _, headers, body = fetch(proxy + "/articles/ferry/")
    assert headers["X-Cache-Status"] == "HIT"
    assert "Ada Reader" not in body


def test_post_is_never_cached(proxy, article):
    for _ in range(2):
        status, headers, _ = fetch(
            proxy + "/cookies/accept/", method="POST", data=b"next=/articles/ferry/"
        )
        assert status == 302
        # POST is not a cache method: nginx does not even look (no status).
        assert headers.get("X-Cache-Status") in (None, "BYPASS")
        assert "cookie_consent=1" in headers["Set-Cookie"]


def test_login_page_with_its_csrf_token_is_never_cached(proxy):
    fetch(proxy + "/accounts/login/")
    status, headers, body = fetch(proxy + "/accounts/login/")
    assert status == 200
    assert headers["X-Cache-Status"] == "MISS"
    assert "csrfmiddlewaretoken" in body


def test_static_files_come_from_disk(proxy):
    status, headers, body = fetch(proxy + "/static/digest/only-on-disk.css")
    assert status == 200
    assert body == "body { color: teal; }\n"
    assert "immutable" in headers["Cache-Control"]


def test_static_files_go_out_gzip_from_their_precompressed_copy(proxy):
    request = urllib.request.Request(
        proxy + "/static/digest/site.css", headers={"Accept-Encoding": "gzip"}
    )
    with opener.open(request, timeout=10) as response:
        headers, body = response.headers, response.read()
    assert headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in headers["Vary"]
    assert gzip.decompress(body).decode() == "a { color: navy; }\n" * 50
    status, headers, body = fetch(proxy + "/static/digest/site.css")
    assert "Content-Encoding" not in headers
    assert body == "a { color: navy; }\n" * 50


def test_edit_shows_through_the_proxy_within_seconds(proxy, article):
    fetch(proxy + "/articles/ferry/")
    assert fetch(proxy + "/articles/ferry/")[1]["X-Cache-Status"] == "HIT"
    article.title = "Ferry berth plan is approved"
    article.save()
    bump_content_version()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if "Ferry berth plan is approved" in fetch(proxy + "/articles/ferry/")[2]:
            break
        time.sleep(0.5)
    else:
        pytest.fail("the edit did not show through nginx within 10 seconds")


def test_media_files_are_sent_with_nosniff(proxy, tmp_path):
    # An upload is re-encoded, but a browser must never guess a type either.
    (tmp_path / "media" / "note.txt").write_text("<script>alert(1)</script>\n")
    status, headers, _ = fetch(proxy + "/media/note.txt")
    assert status == 200
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_body_cap_is_the_image_limit_plus_room_for_the_form():
    conf = Path(DEPLOY_CONF).read_text()
    (cap,) = re.findall(r"client_max_body_size (\d+)m;", conf)
    assert int(cap) * 1024 * 1024 == MAX_BYTES + 1024 * 1024


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]):
    boundary = "----digest-test-boundary"
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    for name, (filename, data) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def test_an_image_just_over_the_limit_gets_the_apps_form_error_not_nginx_413(proxy):
    editor = UserFactory(username="the-editor", is_staff=True)
    editor.groups.add(role_group("Editor"))
    client = Client()
    client.force_login(editor)
    session = f"sessionid={client.cookies['sessionid'].value}"
    add = "/admin/articles/article/add/"
    request = urllib.request.Request(proxy + add, headers={"Cookie": session})
    with opener.open(request, timeout=10) as response:
        page = response.read().decode()
        csrf_cookie = response.headers["Set-Cookie"].split(";")[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    category = CategoryFactory()
    photo = image_bytes(400, 300) + b"\0" * (MAX_BYTES + 512 * 1024)
    body, content_type = multipart(
        {
            "csrfmiddlewaretoken": token,
            "title": "Harbour lights",
            "slug": "harbour-lights",
            "category": str(category.pk),
            "status": "draft",
            "image_alt": "The quay",
        },
        {"image": ("quay.jpg", photo)},
    )
    request = urllib.request.Request(
        proxy + add,
        data=body,
        method="POST",
        headers={
            "Cookie": f"{session}; {csrf_cookie}",
            "Content-Type": content_type,
            "Referer": proxy + add,
        },
    )
    try:
        with opener.open(request, timeout=30) as response:
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read().decode()
    assert status == 200, text[:300]
    assert "images may be at most 20 MB" in text
    assert not Article.objects.filter(slug="harbour-lights").exists()
