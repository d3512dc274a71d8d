"""`manage.py load_demo`: the demo site a new developer sees after `make run`."""

from io import StringIO

import pytest
from django.core.management import call_command
from taggit.models import Tag

from accounts.models import User
from articles.models import Article, ArticleDailyViews, Category, TaggedArticle
from digest.models import Page, SiteSettings, UsefulLink
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db(transaction=False)


def run(*args) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (Article, Category, Page, UsefulLink, User, Tag, TaggedArticle)
    }


def test_load_demo_builds_the_site_and_is_idempotent(client, settings):
    output = run()

    menu = {c.slug: c for c in Category.objects.select_related("parent")}
    assert menu["cop29"].is_highlighted and menu["cop29"].parent is None
    assert menu["opinion"].parent is None
    assert {c.slug for c in Category.objects.filter(parent=menu["news"])} == {
        "economy",
        "energy",
        "climate-and-ecology",
    }
    top_level = Category.objects.filter(parent=None).order_by("position")
    assert [c.name for c in top_level] == [
        "COP29",
        "Opinion",
        "News",
        "Culture",
        "Diaspora",
        "Interview",
        "Science",
        "Logistics-Transport",
        "Gender",
        "History",
        "Defense",
        "Karabakh",
    ]
    assert not Category.objects.filter(name__iexact="home").exists()

    published = list(Article.objects.published().prefetch_related("tags"))
    assert len(published) >= 60
    for article in published:
        assert article.image and article.image_width == 1600
        assert 2 <= len(article.tags.all()) <= 5
        assert article.body.startswith("<p>") or article.body.startswith("<h2>")
    assert Article.objects.filter(status="draft").count() == 1
    assert Article.objects.filter(status="published").count() == len(published) + 1
    assert Article.objects.filter(is_featured=True).count() >= 3
    assert Article.objects.exclude(source_url="").exists()
    assert len({a.category_id for a in published}) == Category.objects.count()

    # Worth reading: leads of their own, varied lengths, described sections.
    for article in published:
        assert article.lead and article.title.lower() not in article.lead.lower()
        assert article.seo_description == article.lead[:160]
    minutes = {a.reading_time for a in published}
    assert min(minutes) == 2 and max(minutes) == 9, sorted(minutes)
    assert len(minutes) >= 6
    descriptions = [c.description for c in Category.objects.all()]
    assert all(
        len(d) > 40 and not d.startswith("News and analysis") for d in descriptions
    )
    assert len(set(descriptions)) == len(descriptions)
    biggest_tag = max(
        Tag.objects.all(),
        key=lambda tag: Article.objects.published().filter(tags=tag).count(),
    )
    assert Article.objects.published().filter(tags=biggest_tag).count() > 12
    assert client.get(f"/tag/{biggest_tag.slug}/?page=2").status_code == 200
    writers = User.objects.filter(articles__in=published).distinct()
    assert writers.count() >= 5
    assert all(w.bio for w in writers)
    for article in published[:10]:
        page = client.get(article.get_absolute_url()).content.decode()
        byline = page.split('class="byline"', 1)[1].split("</span>", 1)[0]
        assert f'href="/author/{article.author.username}/"' in byline
        assert article.author.public_name in byline
        author_page = client.get(f"/author/{article.author.username}/")
        assert f'<h1 class="page-title">{article.author.public_name}</h1>' in (
            author_page.content.decode()
        )

    footer = set(
        Page.objects.filter(show_in_footer=True).values_list("slug", flat=True)
    )
    assert footer == {"privacy-policy", "terms-and-conditions", "cookies-policy"}
    assert Page.objects.get(slug="who-we-are").title == "Who we are"
    assert UsefulLink.objects.exclude(image="").count() == 4

    site = SiteSettings.load()
    assert (site.site_name, site.tagline) == ("Digest", "Daily Digest")
    assert site.contact_email == "editor@digest.example"

    for username, group in [
        ("editor", "Editor"),
        ("author", "Author"),
        ("operator", "Site operator"),
    ]:
        user = User.objects.get(username=username)
        assert user.is_staff and user.groups.filter(name=group).exists()
        assert user.check_password("demo-password-2026")
    assert User.objects.get(username="admin").is_superuser
    assert not User.objects.get(username="reader").is_staff
    for username in ("admin", "editor", "author", "operator", "reader"):
        assert f"| {username} " in output
    assert "demo-password-2026" in output

    # Readers came: the front page has its "Most read", the admin its chart.
    assert all(a.view_count > 0 for a in published)
    assert ArticleDailyViews.objects.filter(article__in=published).count() >= 60
    home = client.get("/").content.decode()
    most_read = home.split("Most read", 1)[1].split("</section>", 1)[0]
    assert most_read.count("<li>") == 5
    views_before = {a.pk: a.view_count for a in published}

    # The article page renders with its picture (renditions exist).
    article = published[0]
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    assert article.title in page.content.decode()

    before = counts()
    second = run()
    assert counts() == before
    assert dict(Article.objects.published().values_list("pk", "view_count")) == (
        views_before
    )
    assert "0 new articles" in second

    skipped = run("--if-empty")
    assert "not loaded" in skipped
    assert "| editor " in skipped
    assert counts() == before


def test_bulk_articles_are_published_tagged_and_searchable():
    ArticleFactory()  # so --if-empty skips the (slower) demo site
    run("--if-empty", "--articles", "30")
    archive = Article.objects.filter(slug__regex=r"^archive-[0-9]+$")
    assert archive.count() == 30
    assert archive.filter(search_vector__isnull=True).count() == 0
    assert TaggedArticle.objects.filter(content_object__in=archive).count() >= 60
    assert Article.objects.published().filter(pk__in=archive).count() == 30
    assert archive.first().get_absolute_url().startswith("/articles/archive-")
    run("--if-empty", "--articles", "30")
    assert archive.count() == 30
