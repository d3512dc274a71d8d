"""Every text response goes out compressed when the client accepts it, once."""

import gzip
import json
import urllib.request
from pathlib import Path

import brotli
import pytest
import time_machine
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

from bench.bench import NGINX, free_port, nginx_server, site_conf, wait_for
from digest.cache.compress import CompressionMiddleware
from digest.models import SiteSettings
from tests.client import Client
from tests.factories import ArticleFactory, CategoryFactory, UserFactory

pytestmark = pytest.mark.django_db

ARTICLE = "/articles/ferry-berth/"


@pytest.fixture
def article():
    SiteSettings.load()
    news = CategoryFactory(name="News", slug="news")
    ArticleFactory.create_batch(3, category=news, tags=["ports"])
    return ArticleFactory(
        title="Harbour council approves the ferry berth",
        slug="ferry-berth",
        category=news,
        tags=["ports", "council"],
        body="<p>The vote passed after a long debate about costs and timing.</p>" * 20,
    )


@pytest.fixture
def reader():
    """A signed-in reader: their pages are rendered fresh, never stored."""
    client = Client()
    client.force_login(UserFactory(display_name="Ada Reader"))
    return client


@pytest.fixture
def page_cache_off(settings):
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def still_clock():
    """One instant for the requests a test compares: an article page's view
    beacon carries a signed timestamp, which differs once a second has passed."""
    with time_machine.travel(timezone.now(), tick=False):
        yield


def vary(response) -> set[str]:
    return {v.strip().lower() for v in response.get("Vary", "").split(",")}


def test_signed_in_readers_article_page_comes_back_gzipped(
    article, reader, still_clock
):
    plain = reader.get(ARTICLE)
    zipped = reader.get(ARTICLE, HTTP_ACCEPT_ENCODING="gzip")
    assert zipped.status_code == 200
    assert zipped["Content-Encoding"] == "gzip"
    assert "accept-encoding" in vary(zipped)
    html = gzip.decompress(zipped.content).decode()
    assert "Ada Reader" in html
    assert "Harbour council approves the ferry berth" in html
    assert html == plain.text
    assert int(zipped["Content-Length"]) == len(zipped.content) < len(plain.content) / 2


def test_signed_in_reader_accepting_brotli_gets_padded_gzip(article, reader):
    """A page of the reader's own is never brotli: only gzip has the BREACH padding."""
    response = reader.get(ARTICLE, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response["Content-Encoding"] == "gzip"
    assert "Ada Reader" in gzip.decompress(response.content).decode()


def test_client_without_accept_encoding_gets_identity(article, reader):
    response = reader.get(ARTICLE)
    assert "Content-Encoding" not in response
    assert "accept-encoding" in vary(response)
    assert "Ada Reader" in response.text


def test_client_refusing_gzip_gets_identity(article, reader):
    response = reader.get(ARTICLE, HTTP_ACCEPT_ENCODING="gzip;q=0, identity")
    assert "Content-Encoding" not in response
    assert "Ada Reader" in response.text


def test_page_with_page_cache_off_comes_back_gzipped(
    client, article, page_cache_off, still_clock
):
    plain = client.get(ARTICLE)
    zipped = client.get(ARTICLE, HTTP_ACCEPT_ENCODING="gzip")
    assert "X-Page-Cache" not in zipped
    assert zipped["Content-Encoding"] == "gzip"
    assert "accept-encoding" in vary(zipped)
    assert gzip.decompress(zipped.content) == plain.content


def test_page_with_page_cache_off_comes_back_brotli_to_a_client_taking_it(
    client, article, page_cache_off, still_clock
):
    plain = client.get(ARTICLE)
    response = client.get(ARTICLE, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response["Content-Encoding"] == "br"
    assert "accept-encoding" in vary(response)
    assert brotli.decompress(response.content) == plain.content


def test_feed_and_sitemap_come_back_compressed(
    client, article, page_cache_off, still_clock
):
    for path in ("/feed/", "/sitemap.xml"):
        plain = client.get(path)
        response = client.get(path, HTTP_ACCEPT_ENCODING="br")
        assert response["Content-Encoding"] == "br", path
        assert brotli.decompress(response.content) == plain.content, path


def test_json_endpoint_comes_back_compressed(article, reader):
    ids = [a.pk for a in ArticleFactory.create_batch(60)]
    for pk in ids:
        reader.post(f"/accounts/saved/{pk}/toggle/")
    response = reader.get("/accounts/saved/ids/", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert set(json.loads(gzip.decompress(response.content))["ids"]) == set(ids)


def test_tiny_responses_are_left_alone(client):
    response = client.get("/healthz", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert "Content-Encoding" not in response


@pytest.mark.parametrize(
    ("content_type", "compressed"),
    [
        ("image/png", False),
        ("image/webp", False),
        ("application/zip", False),
        ("image/svg+xml", True),
        ("application/atom+xml; charset=utf-8", True),
        ("text/plain; charset=utf-8", True),
    ],
)
def test_only_text_is_compressed(rf, content_type, compressed):
    """Images and archives are compressed already: a second pass only costs time."""
    body = b"<svg>" + b"a repeating run of bytes " * 200
    middleware = CompressionMiddleware(
        lambda request: HttpResponse(body, content_type=content_type)
    )
    response = middleware(rf.get("/", HTTP_ACCEPT_ENCODING="gzip"))
    assert response.has_header("Content-Encoding") is compressed
    assert (response.content == body) is not compressed


def test_streaming_responses_are_left_alone(rf):
    middleware = CompressionMiddleware(
        lambda request: StreamingHttpResponse([b"line of text\n"] * 100)
    )
    response = middleware(rf.get("/", HTTP_ACCEPT_ENCODING="gzip"))
    assert "Content-Encoding" not in response
    assert b"".join(response.streaming_content) == b"line of text\n" * 100


def test_page_cache_hit_is_compressed_once(client, article):
    plain = client.get(ARTICLE).content
    for encoding, decompress in (("gzip", gzip.decompress), ("br", brotli.decompress)):
        client.get(ARTICLE, HTTP_ACCEPT_ENCODING=encoding)
        hit = client.get(ARTICLE, HTTP_ACCEPT_ENCODING=encoding)
        assert hit["X-Page-Cache"] == "hit"
        assert hit["Content-Encoding"] == encoding
        assert decompress(hit.content) == plain


def test_page_stored_for_a_brotli_reader_reaches_every_other_client(client, article):
    """Stored once in the first reader's encoding; other clients get it re-encoded."""
    first = client.get(ARTICLE, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert (first["X-Page-Cache"], first["Content-Encoding"]) == ("miss", "br")
    plain = brotli.decompress(first.content)

    zipped = client.get(ARTICLE, HTTP_ACCEPT_ENCODING="gzip")
    identity = client.get(ARTICLE)

    assert (zipped["X-Page-Cache"], zipped["Content-Encoding"]) == ("hit", "gzip")
    assert gzip.decompress(zipped.content) == plain
    assert identity["X-Page-Cache"] == "hit" and "Content-Encoding" not in identity
    assert identity.content == plain
    assert len({first["ETag"], zipped["ETag"], identity["ETag"]}) == 3


def test_first_hit_in_another_encoding_stores_it_beside_the_first(client, article, rf):
    """A page first read by a client taking gzip (a crawler) is not compressed
    again for every browser after it: the first brotli hit stores brotli too."""
    from django.core.cache import cache

    from digest.cache.fragments import release
    from digest.cache.pages import PAGE_KEY, url_digest

    client.get(ARTICLE, HTTP_ACCEPT_ENCODING="gzip")
    key = PAGE_KEY.format(release=release(), digest=url_digest(rf.get(ARTICLE)))
    assert set(cache.get(key)["bodies"]) == {"gzip"}

    hit = client.get(ARTICLE, HTTP_ACCEPT_ENCODING="br")

    assert (hit["X-Page-Cache"], hit["Content-Encoding"]) == ("hit", "br")
    assert set(cache.get(key)["bodies"]) == {"gzip", "br"}
    assert cache.get(key)["bodies"]["br"] == hit.content


def test_cached_page_still_answers_304_to_each_encodings_etag(client, article):
    for encoding in ("gzip", "br", ""):
        first = client.get(ARTICLE, HTTP_ACCEPT_ENCODING=encoding)
        again = client.get(
            ARTICLE, HTTP_ACCEPT_ENCODING=encoding, HTTP_IF_NONE_MATCH=first["ETag"]
        )
        assert again.status_code == 304, encoding
        assert again.content == b""
        assert "accept-encoding" in vary(again)


def test_fresh_pages_have_an_etag_per_encoding_and_answer_304(article, reader):
    etags = {}
    for encoding in ("gzip", ""):
        first = reader.get(ARTICLE, HTTP_ACCEPT_ENCODING=encoding)
        etags[encoding] = first["ETag"]
        again = reader.get(
            ARTICLE, HTTP_ACCEPT_ENCODING=encoding, HTTP_IF_NONE_MATCH=first["ETag"]
        )
        assert again.status_code == 304, encoding
    assert etags["gzip"] != etags[""]
    # A browser that had the plain page and now takes gzip gets the page again.
    changed = reader.get(
        ARTICLE, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=etags[""]
    )
    assert changed.status_code == 200
    assert "Ada Reader" in gzip.decompress(changed.content).decode()


def test_admin_comes_back_gzipped(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert b"Digest admin" in gzip.decompress(response.content)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not Path(NGINX).exists(), reason=f"{NGINX} is not installed")
def test_nginx_passes_the_apps_compressed_page_through(live_server, tmp_path):
    """Through deploy/nginx.conf a signed-in reader's page arrives gzip, once."""
    ArticleFactory(title="Harbour council approves the ferry berth", slug="ferry")
    user = UserFactory(display_name="Ada Reader")
    session = Client()
    session.force_login(user)
    cookie = f"sessionid={session.cookies['sessionid'].value}"
    (tmp_path / "static").mkdir()
    (tmp_path / "media").mkdir()
    port = free_port()
    conf = site_conf(
        upstream=live_server.url.removeprefix("http://"),
        listen=port,
        static_root=tmp_path / "static",
        media_root=tmp_path / "media",
        cache_dir=tmp_path / "cache",
    )
    with nginx_server(conf, workers=1):
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/healthz")
        request = urllib.request.Request(
            base + "/articles/ferry/",
            headers={"Cookie": cookie, "Accept-Encoding": "gzip"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            headers, body = response.headers, response.read()
    assert headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in headers["Vary"]
    html = gzip.decompress(body).decode()
    assert "Ada Reader" in html
    assert "Harbour council approves the ferry berth" in html
