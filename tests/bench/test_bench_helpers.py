"""The bench's own parts that print figures: the stored-page ceiling, --profile,
and the cold rows' search query list (bench/ceiling_wsgi.py, bench/cold.py)."""

import gzip
import json
import subprocess
import sys

import brotli
import pytest

from bench import cold
from bench._server import ROOT, bench_env
from tests.client import Client
from tests.factories import ArticleFactory

CEILING_PROBE = """
import json, sys
from bench import ceiling_wsgi

answers = {}
for accept in ("gzip, br", "gzip", ""):
    got = {}
    def start_response(status, headers):
        got.update(status=status, headers=dict(headers))
    body = b"".join(ceiling_wsgi.application(
        {"PATH_INFO": "/__ceiling__/wsgi/", "HTTP_ACCEPT_ENCODING": accept},
        start_response,
    ))
    answers[accept] = {**got, "body": body.hex()}
sys.stdout.write(json.dumps(answers))
"""


def test_the_ceiling_answers_the_stored_article_page_compressed_as_accepted(
    tmp_path,
):
    page = b"<!doctype html><title>Harbour</title>" + b"<p>the quay</p>" * 500
    stored = tmp_path / "article.html"
    stored.write_bytes(page)
    done = subprocess.run(
        [sys.executable, "-c", CEILING_PROBE],
        cwd=ROOT,
        env=bench_env(BENCH_CEILING_PAGE=str(stored)),
        capture_output=True,
        text=True,
        check=True,
    )
    answers = json.loads(done.stdout)

    brotli_answer = answers["gzip, br"]
    assert brotli_answer["headers"]["Content-Encoding"] == "br"
    assert brotli.decompress(bytes.fromhex(brotli_answer["body"])) == page
    gzip_answer = answers["gzip"]
    assert gzip_answer["headers"]["Content-Encoding"] == "gzip"
    assert gzip.decompress(bytes.fromhex(gzip_answer["body"])) == page
    assert len(bytes.fromhex(gzip_answer["body"])) < len(page) / 5
    plain = answers[""]
    assert "Content-Encoding" not in plain["headers"]
    assert bytes.fromhex(plain["body"]) == page
    assert all(a["headers"]["Vary"] == "Accept-Encoding" for a in answers.values())


@pytest.mark.django_db
def test_profile_splits_a_cold_article_page_into_sql_templates_and_python():
    article = ArticleFactory()
    urls = {name: [] for name in cold.COLD_PAGES}
    urls["article"] = [article.get_absolute_url()]
    with cold.page_layer_off():
        client = Client()
        timing = cold.profile(client, urls)
        # Cold: the page layer is off, so every request renders the page.
        second = client.get(article.get_absolute_url())
    assert second.status_code == 200
    assert "X-Page-Cache" not in second
    split = timing["article"]
    assert split["pages"] == cold.PROFILE_PAGES
    assert split["sql"] > 0
    assert split["templates"] > 0
    assert split["python"] > 0
    assert split["sql"] + split["templates"] + split["python"] == pytest.approx(
        split["total"]
    )


@pytest.mark.django_db
def test_search_query_list_climbs_the_hit_ladder_with_true_counts():
    articles = [
        ArticleFactory(title=f"Lighthouse keeper number {n}", slug=f"light-{n}")
        for n in range(12)
    ]
    articles += [
        ArticleFactory(title=f"Regatta day {n}", slug=f"regatta-{n}") for n in range(3)
    ]
    texts = [f"{a.title} {a.lead}".lower() for a in articles]

    queries = cold.search_queries()

    # Printed with each word: how many articles the search finds.
    for word, hits in queries:
        assert hits == sum(word in text for text in texts), word
    assert [hits for _, hits in queries] == sorted(hits for _, hits in queries)
    # The rung of 10 hits: a word of the twelve lighthouse stories.
    assert any(hits == 12 for _, hits in queries)
    assert len(queries) == len(cold.HIT_LADDER)
    urls = cold.cold_urls(queries)
    assert len(urls["search"]) == len(queries)
    assert len(urls["article"]) == 15
