"""The public pages' own SQL is prepared once per connection (digest/prepared.py).

A long-tail article page runs two hand-written statements (articles/page_sql.py);
PostgreSQL planned each anew for every page until they were prepared. These
tests read PostgreSQL's own record of the connection's prepared statements.
"""

import pytest
from django.db import connection

from bench.cold import page_layer_off
from tests.digest.servers import manage
from tests.factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db


def prepared(fragment: str) -> list[tuple[str, int]]:
    """The statements prepared on this connection that contain `fragment`, with
    how many times PostgreSQL planned and ran them (generic + custom plans)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements"
        )
        return [(sql, runs) for sql, runs in cursor.fetchall() if fragment in sql]


@pytest.fixture
def articles():
    news = CategoryFactory(name="News", slug="news")
    return ArticleFactory.create_batch(3, category=news, tags=["ports", "council"])


def test_each_cold_article_page_runs_the_same_prepared_statements(client, articles):
    with page_layer_off():
        first = client.get(articles[0].get_absolute_url())
        [(statement, runs)] = prepared("a.slug = $1")
        second = client.get(articles[1].get_absolute_url())
    assert articles[0].title in first.text and articles[1].title in second.text
    assert "You Might Also Like" in second.text
    # The same statement again, not a new one: prepared once, run twice.
    assert prepared("a.slug = $1") == [(statement, runs + 1)]
    assert len(prepared("WITH candidates")) == 1  # the related articles too


def test_prepared_statements_can_be_turned_off(client, articles, monkeypatch):
    """DATABASE_PREPARED=false (settings: prepare_threshold None): bound on the
    client like the ORM's, for a pooler that cannot keep prepared statements."""
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "prepare_threshold", None)
    with page_layer_off():
        response = client.get(articles[0].get_absolute_url())
    assert articles[0].title in response.text
    assert "You Might Also Like" in response.text
    assert prepared("articles_article") == []


@pytest.mark.parametrize(("value", "threshold"), [("", "0"), ("false", "None")])
def test_database_prepared_setting(value, threshold):
    """On by default; DATABASE_PREPARED=false leaves every statement unprepared."""
    shown = manage(
        "shell",
        "-c",
        "from django.db import connection\n"
        "print('threshold', connection.settings_dict['OPTIONS']['prepare_threshold'])",
        env={"DATABASE_PREPARED": value} if value else {},
    )
    assert shown.returncode == 0, shown.stderr
    assert f"threshold {threshold}" in shown.stdout


def test_query_logs_show_a_prepared_statement_with_its_values(client, articles):
    """What the debug log and query counts show: the statement as it ran."""
    from django.test.utils import CaptureQueriesContext

    with page_layer_off(), CaptureQueriesContext(connection) as queries:
        client.get(articles[0].get_absolute_url())
    logged = [q["sql"] for q in queries.captured_queries]
    assert all(logged), logged
    assert any(f"a.slug = '{articles[0].slug}'" in sql for sql in logged), logged
