"""Every JSON endpoint refuses deep, huge, malformed and wrongly typed bodies with a 4xx.

A refused body changes nothing: the reader's saved list is the same afterwards.
"""

import json

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import SavedArticle
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

DEEP = 5_000


def deep_list(depth: int) -> str:
    return "[" * depth + "]" * depth


def deep_object(depth: int) -> str:
    return '{"ids": ' * depth + "[]" + "}" * depth


# Raw request bodies (bytes), each of which must be refused.
BAD_BODIES = {
    "deep list": deep_list(DEEP).encode(),
    "deep ids": ('{"ids": ' + deep_list(DEEP) + "}").encode(),
    "deep object": deep_object(DEEP).encode(),
    "not json": b"not json",
    "invalid utf-8": b'{"ids": ["\xff\xfe"]}',
    "nul": b'{"ids": ["\x00"]}',
    "escaped nul": b'{"ids": ["\\u0000"]}',
    "top-level list": b"[1, 2]",
    "top-level string": b'"ids"',
    "null": b"null",
    "ids a number": b'{"ids": 5}',
    "ids a string": b'{"ids": "12"}',
    "ids an object": b'{"ids": {"1": 1}}',
    "id null": b'{"ids": [null]}',
    "id a string": b'{"ids": ["1"]}',
    "id a float": b'{"ids": [1.5]}',
    "id true": b'{"ids": [true]}',
    "id infinity": b'{"ids": [Infinity]}',
    "id nan": b'{"ids": [NaN]}',
    "id 1e400": b'{"ids": [1e400]}',
    "id huge": b'{"ids": [' + b"9" * 5_000 + b"]}",
    "id over bigint": b'{"ids": [' + str(2**63).encode() + b"]}",
    "id zero": b'{"ids": [0]}',
    "id negative": b'{"ids": [-1]}',
    "over the upload limit": b'{"ids": ['
    + b"1, " * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 3)
    + b"1]}",
}


@pytest.fixture
def reader():
    return UserFactory(username="reader")


@pytest.fixture
def reader_client(reader):
    client = Client()
    client.force_login(reader)
    return client


def request_status(client, method, url, **kwargs) -> int | str:
    try:
        return getattr(client, method)(url, **kwargs).status_code
    except Exception as exc:  # the test client re-raises what would be a 500
        return f"{type(exc).__name__}: {str(exc)[:160]}"


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_saved_merge_refuses_bad_bodies_and_saves_nothing(reader_client, reader, body):
    article = ArticleFactory()
    status = request_status(
        reader_client,
        "post",
        reverse("accounts:saved_merge"),
        data=body,
        content_type="application/json",
    )
    assert status in (400, 413), status
    assert not SavedArticle.objects.filter(user=reader).exists()
    # The endpoint still works for a good body.
    good = reader_client.post(
        reverse("accounts:saved_merge"),
        json.dumps({"ids": [article.pk]}),
        content_type="application/json",
    )
    assert good.json() == {"added": 1}


def json_endpoints():
    article = ArticleFactory(tags=["harbour"])
    return {
        "saved ids": reverse("accounts:saved_ids"),
        "saved merge": reverse("accounts:saved_merge"),
        "saved toggle": reverse("accounts:saved_toggle", args=[article.pk]),
        "follow": reverse("accounts:follow", args=[article.category.slug]),
        "csrf": reverse("accounts:csrf"),
        "healthz": reverse("healthz"),
        "tag suggestions": reverse("admin:articles_article_tag_suggestions"),
        "author search": reverse("admin:autocomplete")
        + "?app_label=articles&model_name=article&field_name=author",
        "view beacon": reverse("articles:count_view", args=[article.pk]),
    }


BAD_QUERIES = ["q=%00", "q=a%00b", "q=" + "x" * 100_000, "q=%ff%fe", "term=%00"]


@pytest.mark.parametrize("who", ["anonymous", "reader", "editor"])
def test_every_json_endpoint_answers_bad_input_with_a_4xx(who):
    client = Client()
    if who != "anonymous":
        client.force_login(
            UserFactory(
                username=who, is_staff=who == "editor", is_superuser=who == "editor"
            )
        )
    failures = []
    for name, url in json_endpoints().items():
        joiner = "&" if "?" in url else "?"
        for label, body in BAD_BODIES.items():
            status = request_status(
                client,
                "post",
                url,
                data=body,
                content_type="application/json",
                headers={"Accept": "application/json"},
            )
            if not (isinstance(status, int) and status < 500):
                failures.append(f"POST {name} with {label}: {status}")
        for method in ("get", "post"):
            for query in BAD_QUERIES:
                status = request_status(client, method, f"{url}{joiner}{query}")
                if not (isinstance(status, int) and status < 500):
                    failures.append(f"{method.upper()} {name}?{query[:20]}: {status}")
    assert failures == [], "\n".join(failures)
