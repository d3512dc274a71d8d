"""View-count limits hold across processes: one address cannot inflate counts by
rotating its User-Agent, and signed-in readers behind one office address all count."""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from articles.counting import make_token
from articles.models import Article
from tests.factories import ArticleFactory, UserFactory

ROOT = settings.BASE_DIR
LIMIT = 5
OFFICE = "198.51.100.20"


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.VIEW_COUNT_RATE_LIMIT = LIMIT
    # The limit is per minute: start early in one so the test stays inside it.
    if time.time() % 60 > 40:
        time.sleep(61 - time.time() % 60)


def beacon(client, article, *, agent: str, ip: str = OFFICE) -> int:
    return client.post(
        reverse("articles:count_view", kwargs={"pk": article.pk}),
        {"token": make_token(article.pk)},
        HTTP_USER_AGENT=agent,
        REMOTE_ADDR=ip,
    ).status_code


def agent(n: int) -> str:
    return f"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/{n}.0"


def total_views() -> int:
    return sum(Article.objects.values_list("view_count", flat=True))


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgresql://{db['USER']}@/{db['NAME']}?host={db['HOST']}"


def beacons_from_another_process(article_id: int, agents: range) -> list[int]:
    """Send beacons through the whole stack in a second process (its own memory cache)."""
    code = (
        "from django.test import Client\n"
        "from articles.counting import make_token\n"
        "c = Client()\n"
        f"print([c.post('/views/{article_id}/', {{'token': make_token({article_id})}},"
        f" HTTP_USER_AGENT=f'Mozilla/5.0 Firefox/{{i}}.0', REMOTE_ADDR='{OFFICE}')"
        f".status_code for i in range({agents.start}, {agents.stop})])"
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": _database_url(),
            "DATABASE_POOL": "false",
            "SECRET_KEY": settings.SECRET_KEY,
            "VIEW_COUNT_RATE_LIMIT": str(LIMIT),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return [int(s) for s in done.stdout.strip().strip("[]").split(",")]


@pytest.mark.django_db(transaction=True)
def test_one_address_rotating_agents_counts_the_limit_across_processes():
    articles = ArticleFactory.create_batch(3)
    here = [beacon(Client(), articles[i % 3], agent=agent(i)) for i in range(LIMIT)]
    assert here == [204] * LIMIT
    assert total_views() == LIMIT

    # A second worker process, with a memory cache of its own, sees the same limit.
    there = beacons_from_another_process(articles[0].pk, range(100, 100 + 3 * LIMIT))
    assert there == [429] * (3 * LIMIT)
    assert total_views() == LIMIT
    # So does this one again, whatever agent comes next.
    assert beacon(Client(), articles[1], agent=agent(999)) == 429
    assert total_views() == LIMIT


@pytest.mark.django_db(transaction=True)
def test_an_address_at_its_limit_in_one_process_gets_none_in_another():
    article = ArticleFactory()
    there = beacons_from_another_process(article.pk, range(2 * LIMIT))
    assert there == [204] * LIMIT + [429] * LIMIT
    assert beacon(Client(), article, agent=agent(12345)) == 429
    assert total_views() == LIMIT


@pytest.mark.django_db
def test_signed_in_readers_behind_one_office_address_all_count():
    article = ArticleFactory()
    readers = UserFactory.create_batch(3 * LIMIT)
    statuses = []
    for reader in readers:
        client = Client()
        client.force_login(reader)
        statuses.append(beacon(client, article, agent=agent(1)))
    assert statuses == [204] * len(readers)
    assert total_views() == len(readers)
    # Anonymous readers at that address still have their own allowance.
    assert beacon(Client(), article, agent=agent(2)) == 204
    assert total_views() == len(readers) + 1


@pytest.mark.django_db
def test_one_signed_in_reader_cannot_send_more_than_the_limit():
    articles = ArticleFactory.create_batch(2 * LIMIT)
    client = Client()
    client.force_login(UserFactory())
    statuses = [
        beacon(client, a, agent=agent(i), ip=f"203.0.113.{i}")
        for i, a in enumerate(articles)
    ]
    assert statuses == [204] * LIMIT + [429] * LIMIT
    assert total_views() == LIMIT
