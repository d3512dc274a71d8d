"""`manage.py backup` and `restore` round-trip a site: rows and media bytes."""

import re
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from tests.digest import servers
from tests.factories import ArticleFactory, UserFactory

# pg_dump runs in another process: the rows must be committed.
pytestmark = pytest.mark.django_db(transaction=True)

COMPARED = {
    "accounts_user": "SELECT username, email, password, display_name FROM accounts_user ORDER BY id",
    "articles_article": "SELECT id, title, slug, lead, body, image, status FROM articles_article ORDER BY id",
    "articles_category": "SELECT id, name, slug FROM articles_category ORDER BY id",
    "taggit_tag": "SELECT name, slug FROM taggit_tag ORDER BY name",
    "article tags": "SELECT t.name, a.slug FROM articles_taggedarticle ta"
    " JOIN taggit_tag t ON t.id = ta.tag_id JOIN articles_article a ON a.id = ta.content_object_id"
    " ORDER BY 1, 2",
}


def rows(cursor) -> dict[str, list[tuple]]:
    result = {}
    for name, query in COMPARED.items():
        cursor.execute(query)
        result[name] = [tuple(row) for row in cursor.fetchall()]
    return result


def files_under(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file()
    }


@pytest.fixture
def site(settings):
    """A small site: users, articles with images and tags."""
    UserFactory(username="reader", display_name="A Reader")
    for n in range(3):
        ArticleFactory(
            with_image=True,
            title=f"Ferry timetable change {n}",
            tags=["ferries", "harbour"],
        )
    ArticleFactory(draft=True, title="Unfinished draft")
    return Path(settings.MEDIA_ROOT)


@pytest.fixture(scope="module")
def empty_server():
    with servers.second_server() as server:
        yield server


def test_backup_and_restore_round_trip_the_site(site, tmp_path, capsys, empty_server):
    call_command("backup", output_dir=tmp_path / "backups")
    archives = list((tmp_path / "backups").iterdir())
    assert len(archives) == 1
    archive = archives[0]
    assert re.fullmatch(r"digest-\d{8}-\d{6}\.tar\.gz", archive.name)
    assert str(archive) in capsys.readouterr().out

    with connection.cursor() as cursor:
        original = rows(cursor)
    original_media = files_under(site)
    assert len(original["articles_article"]) == 4
    assert len(original_media) >= 3

    url = servers.database_url(empty_server)
    restored_media = tmp_path / "restored-media"
    env = {"DATABASE_URL": url, "MEDIA_ROOT": str(restored_media)}
    result = servers.manage("restore", str(archive), env=env)
    assert result.returncode == 0, result.stderr

    info = empty_server.get_postmaster_info()
    with psycopg.connect(
        host=str(info.socket_dir), port=info.port, user="postgres", dbname="postgres"
    ) as conn:
        assert rows(conn.cursor()) == original
    assert files_under(restored_media) == original_media

    # The restored site serves the restored article, image included.
    shown = servers.manage(
        "shell",
        "-c",
        "from articles.models import Article\n"
        "a = Article.objects.get(title='Ferry timetable change 1')\n"
        "print(a.image.path, a.image.size)",
        env=env,
    )
    assert shown.returncode == 0, shown.stderr
    assert str(restored_media) in shown.stdout

    # A second restore into the now full database is refused with one line...
    again = servers.manage("restore", str(archive), env=env)
    assert again.returncode == 1
    message = again.stderr.strip()
    assert len(message.splitlines()) == 1
    assert "already has" in message
    assert "--force" in message

    # ...unless forced.
    forced = servers.manage("restore", str(archive), "--force", env=env)
    assert forced.returncode == 0, forced.stderr
    with psycopg.connect(
        host=str(info.socket_dir), port=info.port, user="postgres", dbname="postgres"
    ) as conn:
        assert rows(conn.cursor()) == original


def test_restore_of_a_missing_file_says_so(tmp_path):
    result = servers.manage("restore", str(tmp_path / "nothing.tar.gz"))
    assert result.returncode == 1
    assert "no such backup" in result.stderr
