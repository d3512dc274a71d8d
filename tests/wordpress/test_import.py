"""Messy exports built here: classic HTML, shortcodes, embeds, statuses, pages, authors…"""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import CommandError
from django.utils import timezone

from accounts.models import User
from articles.models import Article, BodyImage, Category
from digest.models import AuditEntry, Page, Redirect
from tests.factories import ArticleFactory
from tests.wordpress.conftest import (
    SITE,
    jpeg,
    run_import,
    wxr,
    wxr_attachment,
    wxr_item,
)
from wordpress.models import ImportedItem

pytestmark = pytest.mark.django_db


def article_for(wp_id: int) -> Article:
    key = ImportedItem.objects.get(kind="post", wp_id=wp_id)
    return Article.objects.get(pk=key.object_id)


CLASSIC = """Ports reopened on Monday after the storm.

Traders said the damage was smaller than feared.
Shipping lines resumed.

[caption id="attachment_31" align="alignnone" width="900"]<a href="https://old.example/wp-content/uploads/2023/02/harbour.jpg"><img class="size-large wp-image-31" src="https://old.example/wp-content/uploads/2023/02/harbour-768x512.jpg" alt="" width="768" height="512" /></a> Cranes at the harbour at dawn.[/caption]

https://www.youtube.com/watch?v=dQw4w9WgXcQ

[embed]https://vimeo.com/76979871[/embed]

<iframe src="https://www.youtube.com/embed/abcdefghijk" width="560" height="315"></iframe>

[contact-form-7 id="12" title="Tips"]

<script>alert('owned')</script><div onclick="steal()">Clicked text stays.</div>

<blockquote>We will rebuild.</blockquote>

<ul><li>One quay</li><li>Two cranes</li></ul>

<table><tr><th>Quay</th><th>Ships</th></tr><tr><td>North</td><td>4</td></tr></table>

Read <a href="https://old.example/economy/earlier-story/">the earlier story</a> and <a href="https://elsewhere.example/x">elsewhere</a>."""

BLOCKS = """<!-- wp:paragraph -->
<p>A block post.</p>
<!-- /wp:paragraph -->

<!-- wp:image {"id":32,"sizeSlug":"large"} -->
<figure class="wp-block-image size-large"><img src="https://old.example/wp-content/uploads/2023/02/market-1024x683.jpg" alt="Stalls at the market" class="wp-image-32"/><figcaption class="wp-element-caption">The market at noon.</figcaption></figure>
<!-- /wp:image -->

<!-- wp:embed {"url":"https://youtu.be/dQw4w9WgXcQ","type":"video","providerNameSlug":"youtube"} -->
<figure class="wp-block-embed is-type-video is-provider-youtube wp-block-embed-youtube"><div class="wp-block-embed__wrapper">
https://youtu.be/dQw4w9WgXcQ
</div><figcaption>The mayor's speech.</figcaption></figure>
<!-- /wp:embed -->

<!-- wp:table -->
<figure class="wp-block-table"><table><tbody><tr><td>Apples</td><td>3</td></tr></tbody></table></figure>
<!-- /wp:table -->

<!-- wp:quote -->
<blockquote class="wp-block-quote"><p>Prices held.</p><cite>A trader</cite></blockquote>
<!-- /wp:quote -->

<!-- wp:image {"id":33} -->
<figure class="wp-block-image"><img src="https://old.example/wp-content/uploads/2023/02/gone.jpg" alt="Lost" class="wp-image-33"/></figure>
<!-- /wp:image -->"""


@pytest.fixture
def uploads(tmp_path) -> Path:
    root = tmp_path / "uploads"
    jpeg(root / "2023/02/harbour.jpg", size=(1600, 1000))
    jpeg(root / "2023/02/market.jpg", size=(1000, 700), colour=(160, 90, 30))
    jpeg(root / "2023/02/cover.jpg", size=(1200, 800), colour=(20, 120, 60))
    return root


def messy_export() -> str:
    return wxr(
        wxr_item(
            10,
            "Ports reopen after the storm",
            slug="ports-reopen",
            link=f"{SITE}/2024/05/06/ports-reopen/",
            content=CLASSIC,
            excerpt="<b>Ports</b> are open again &amp; busy.",
            tags=(("shipping", "Shipping"), ("storm", "storm")),
            meta={"_thumbnail_id": "34", "post_views_count": "1234"},
            comments=3,
        ),
        wxr_item(
            11,
            "Market day",
            slug="market-day",
            content=BLOCKS,
            tags=(("shipping-2", "SHIPPING"),),
            meta={"views": "56"},
        ),
        wxr_item(
            12,
            "Earlier story",
            slug="earlier-story",
            link=f"{SITE}/economy/earlier-story/",
        ),
        wxr_attachment(
            31, "2023/02/harbour.jpg", parent=10, alt="Cranes over the harbour"
        ),
        wxr_attachment(32, "2023/02/market.jpg", parent=11, alt="Market stalls"),
        wxr_attachment(33, "2023/02/gone.jpg", parent=11, alt="Lost"),
        wxr_attachment(
            34,
            "2023/02/cover.jpg",
            parent=10,
            alt="The quay from above",
            caption="Photo: Port authority",
        ),
        tags=(("shipping", "Shipping"), ("storm", "storm"), ("shipping-2", "SHIPPING")),
    )


def test_classic_html_and_shortcodes_become_an_editable_body(
    write_export, uploads, operator
):
    output = run_import(write_export(messy_export()), uploads)
    article = article_for(10)
    body = article.body
    image = BodyImage.objects.get(image__endswith="harbour.jpg")
    assert (
        f'<figure><img src="{image.body_url()}" alt="Cranes over the harbour">'
        "<figcaption>Cranes at the harbour at dawn.</figcaption></figure>"
    ) in body
    assert image.body_url().endswith(".w1200.webp")
    assert (
        Path(settings.MEDIA_ROOT) / image.body_url().removeprefix("/media/")
    ).is_file()
    assert body.startswith("<p>Ports reopened on Monday after the storm.</p>")
    assert "<p>Traders said the damage was smaller than feared.<br>" in body
    assert 'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in body
    assert 'src="https://player.vimeo.com/video/76979871"' in body
    assert 'src="https://www.youtube-nocookie.com/embed/abcdefghijk"' in body
    assert '[contact-form-7 id="12" title="Tips"]' in body  # unknown: kept as text
    assert "<script" not in body and "alert" not in body and "onclick" not in body
    assert "<p>Clicked text stays.</p>" in body and "<p></p>" not in body
    assert "<blockquote>We will rebuild.</blockquote>" in body
    assert "<ul><li>One quay</li><li>Two cranes</li></ul>" in body
    assert "<th>Quay</th>" in body and "<td>North</td>" in body
    # Links to the old site lead to the new page; others stay.
    earlier = article_for(12)
    assert f'<a href="{earlier.get_absolute_url()}">the earlier story</a>' in body
    assert 'href="https://elsewhere.example/x"' in body
    assert article.lead == "Ports are open again & busy."
    assert article.image_alt == "The quay from above"
    assert article.image_caption == "Photo: Port authority"
    assert article.view_count == 1234
    assert sorted(article.tags.names()) == ["Shipping", "storm"]
    assert "3 comments not imported" in output


def test_block_markup_becomes_figures_players_tables_and_quotes(
    write_export, uploads, operator
):
    output = run_import(write_export(messy_export()), uploads)
    body = article_for(11).body
    market = BodyImage.objects.get(image__endswith="market.jpg")
    assert "<!--" not in body and "wp-block" not in body
    assert (
        f'<figure><img src="{market.body_url()}" alt="Stalls at the market">'
        "<figcaption>The market at noon.</figcaption></figure>"
    ) in body
    assert 'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in body
    assert "<p>The mayor's speech.</p>" in body or "<p>The mayor’s speech.</p>" in body
    assert "<table><tbody><tr><td>Apples</td>" in body
    assert "<blockquote><p>Prices held.</p><p>— A trader</p></blockquote>" in body
    # The missing file is reported and the article imported without it.
    assert "gone.jpg" not in body
    assert "2023/02/gone.jpg is not in the uploads directory" in output
    # Case variants of a tag are one tag.
    assert list(article_for(11).tags.names()) == ["Shipping"]
    assert article_for(11).view_count == 56


def test_statuses_dates_and_what_stays_private(write_export, operator, client):
    future = (timezone.now() + timedelta(days=3)).astimezone(UTC)
    export = wxr(
        wxr_item(1, "Published", slug="published"),
        wxr_item(
            2,
            "Draft",
            slug="draft",
            status="draft",
            date_gmt="0000-00-00 00:00:00",
            date="2024-01-02 10:00:00",
        ),
        wxr_item(3, "Pending", slug="pending", status="pending"),
        wxr_item(
            4,
            "Scheduled",
            slug="scheduled",
            status="future",
            date_gmt=future.strftime("%Y-%m-%d %H:%M:%S"),
        ),
        wxr_item(5, "Private", slug="private", status="private"),
        wxr_item(6, "Locked", slug="locked", status="publish", password="secret"),
        wxr_item(7, "Binned", slug="binned", status="trash"),
        wxr_item(
            8,
            "Local time",
            slug="local-time",
            date_gmt="0000-00-00 00:00:00",
            date="2024-03-04 12:00:00",
        ),
    )
    output = run_import(write_export(export), timezone="Asia/Baku")
    assert article_for(1).is_public
    assert article_for(1).published_at == datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
    assert article_for(2).status == Article.Status.DRAFT
    assert article_for(3).status == Article.Status.REVIEW
    scheduled = article_for(4)
    assert scheduled.status == Article.Status.PUBLISHED and not scheduled.is_public
    assert scheduled.published_at == future.replace(microsecond=0)
    for wp_id in (5, 6):
        assert article_for(wp_id).status == Article.Status.DRAFT
    assert "post 5 'Private': private → draft private" in output
    assert "post 6 'Locked': password-protected → draft locked" in output
    assert "post 7 'Binned': in the trash" in output
    assert not ImportedItem.objects.filter(wp_id=7).exists()
    # Baku is UTC+4: noon there is 08:00 UTC.
    assert article_for(8).published_at == datetime(2024, 3, 4, 8, 0, tzinfo=UTC)
    # Nothing private answers readers, at its old address or its new one.
    for slug in ("draft", "pending", "scheduled", "private", "locked", "binned"):
        assert client.get(f"/{slug}/").status_code == 404
        assert client.get(f"/articles/{slug}/").status_code == 404
    assert client.get("/?p=6").status_code == 200  # the home page, not the post
    assert client.get("/?p=6").request["PATH_INFO"] == "/"
    assert client.get("/published/")["Location"] == "/articles/published/"
    assert not mail.outbox


def test_pages_become_site_pages_and_keep_their_addresses(
    write_export, operator, client
):
    export = wxr(
        wxr_item(
            20,
            "Who we are",
            post_type="page",
            slug="who-we-are",
            content="<!-- wp:paragraph --><p>A newsroom.</p><!-- /wp:paragraph -->",
            menu_order=2,
        ),
        wxr_item(
            21,
            "Team",
            post_type="page",
            slug="team",
            parent=20,
            link=f"{SITE}/who-we-are/team/",
        ),
        wxr_item(22, "Search", post_type="page", slug="search", link=f"{SITE}/search/"),
        wxr_item(23, "Members", post_type="page", slug="members", password="club"),
        wxr_item(
            24,
            "Privacy Policy",
            post_type="page",
            slug="privacy-policy",
            link=f"{SITE}/?page_id=24",
            status="draft",
        ),
    )
    output = run_import(write_export(export))
    who = Page.objects.get(slug="who-we-are")
    assert who.is_published and who.body == "<p>A newsroom.</p>" and who.position == 2
    assert client.get("/who-we-are/").status_code == 200
    team = client.get("/who-we-are/team/")
    assert (team.status_code, team["Location"]) == (301, "/team/")
    assert "a child page; Digest pages have no parent" in output
    # /search/ is the site's search: the page gets another slug.
    assert Page.objects.get(title="Search").slug == "search-2"
    assert not Page.objects.get(slug="members").is_published
    assert "page 23 'Members': password-protected → unpublished page members" in output
    assert client.get("/members/").status_code == 404
    assert not Page.objects.get(slug="privacy-policy").is_published


def test_several_authors_become_staff_without_passwords(write_export, operator):
    User.objects.create_user("existing", "maria@old.example", "pw-123456789")
    export = wxr(
        wxr_item(1, "One", creator="ana"),
        wxr_item(2, "Two", creator="maria"),
        wxr_item(3, "Three", creator="no mail"),
        authors=(
            ("ana", "ana@old.example", "Ana Writer"),
            ("maria", "MARIA@old.example", "Maria"),
            ("no mail", "", "Nomad"),
        ),
    )
    output = run_import(write_export(export))
    ana = User.objects.get(username="ana")
    assert ana.is_staff and not ana.has_usable_password()
    assert ana.display_name == "Ana Writer"
    assert list(ana.groups.values_list("name", flat=True)) == ["Author"]
    assert article_for(1).author == ana
    assert article_for(2).author.username == "existing"
    assert "matched the existing account 'existing' by email" in output
    nomad = article_for(3).author
    assert nomad.username == "no-mail" and nomad.email == "no-mail@wordpress.invalid"
    assert not mail.outbox


def test_non_ascii_slugs_duplicate_titles_empty_bodies_and_long_headlines(
    write_export, operator, client
):
    long_title = "Longer than any headline should be " * 8
    export = wxr(
        wxr_item(
            1,
            "Привет, мир",
            slug="%d0%bf%d1%80%d0%b8%d0%b2%d0%b5%d1%82",
            link=f"{SITE}/news/%d0%bf%d1%80%d0%b8%d0%b2%d0%b5%d1%82/",
            tags=(("%d0%bc%d0%be%d1%81%d0%ba%d0%b2%d0%b0", "Москва"),),
        ),
        wxr_item(2, "Café olé", slug="caf%c3%a9-ol%c3%a9"),
        wxr_item(3, "Same title", slug="same-title"),
        wxr_item(4, "Same title", slug="same-title-2"),
        wxr_item(5, "Same title", slug="post-3"),
        wxr_item(6, "", slug="", content=""),
        wxr_item(7, long_title, slug="long", excerpt="word " * 300),
        categories=(
            ("news", "News", ""),
            ("%d0%bd%d0%be%d0%b2%d0%be%d1%81%d1%82%d0%b8", "Новости", "news"),
        ),
    )
    output = run_import(write_export(export))
    cyrillic = article_for(1)
    assert cyrillic.title == "Привет, мир"
    assert cyrillic.slug == "privet"  # our URLs are ASCII; the old one redirects
    response = client.get("/news/%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82/")
    assert (response.status_code, response["Location"]) == (301, "/articles/privet/")
    assert list(cyrillic.tags.names()) == ["Москва"]
    tag = client.get("/tag/%D0%BC%D0%BE%D1%81%D0%BA%D0%B2%D0%B0/")
    assert (tag.status_code, tag["Location"]) == (301, "/tag/moskva/")
    assert client.get("/tag/moskva/").status_code == 200
    assert article_for(2).slug == "cafe-ole"
    assert {article_for(n).slug for n in (3, 4, 5)} == {
        "same-title",
        "same-title-2",
        "post-3",
    }
    untitled = article_for(6)
    assert untitled.title == "Untitled post 6" and untitled.body == ""
    assert "post 6 has no title" in output
    long = article_for(7)
    assert len(long.title) == 200 and long.title.endswith("…")
    assert long.body.startswith(f"<p><strong>{long_title.strip()}</strong></p>")
    assert "headline of 279 characters shortened to 200" in output
    assert long.lead == ("word " * 300).strip()  # kept whole
    assert "excerpt of 1499 characters kept whole as the lead" in output
    russian = Category.objects.get(name="Новости")
    assert (russian.parent.slug, russian.description) == ("news", "About Новости")
    response = client.get("/category/news/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/")
    assert (response.status_code, response["Location"]) == (
        301,
        russian.get_absolute_url(),
    )


def test_a_second_run_updates_changes_and_leaves_digest_edits_alone(
    write_export, operator
):
    first = wxr(
        wxr_item(1, "First title", slug="story", meta={"views": "10"}),
        wxr_item(2, "Kept", slug="kept"),
    )
    run_import(write_export(first))
    assert article_for(1).view_count == 10
    Article.objects.filter(pk=article_for(1).pk).update(
        view_count=15
    )  # read here since
    edited = article_for(2)
    edited.title = "Edited in Digest"
    edited.save()

    second = wxr(
        wxr_item(1, "Second title", slug="story", meta={"views": "12"}),
        wxr_item(2, "Changed in WordPress", slug="kept"),
        wxr_item(3, "New one", slug="new-one"),
    )
    output = run_import(write_export(second, "second.xml"))
    assert "Imported: 1 post" in output and "Updated: 1 post" in output
    assert article_for(1).title == "Second title"
    assert article_for(1).view_count == 17  # the two new WordPress views added once
    assert article_for(2).title == "Edited in Digest"
    assert "Left alone: edited in Digest since the last import: 1" in output
    assert "post 2 'Changed in WordPress' → /articles/kept/" in output
    assert Article.objects.count() == 3
    assert ImportedItem.objects.filter(kind="post").count() == 3


def test_old_feeds_still_give_feeds(write_export, operator, client):
    run_import(write_export(wxr(wxr_item(1, "Fed", slug="fed"))))
    for old in (
        "/feed/",
        "/?feed=rss2",
        "/feed/rss2/",
        "/comments/feed/",
        "/category/news/feed/",
    ):
        response = client.get(old, follow=True)
        assert response.status_code == 200, old
        assert b"<rss" in response.content and b"Fed" in response.content, old
    assert client.get("/tag/x/feed/").status_code == 404  # no such tag in the export


def test_an_article_created_in_digest_keeps_its_slug(write_export, operator):
    ArticleFactory(slug="taken")
    run_import(write_export(wxr(wxr_item(1, "Taken", slug="taken"))))
    assert article_for(1).slug == "taken-2"
    assert Redirect.objects.get(old_path="/taken/").target == article_for(1)


HOSTILE = {
    "billion laughs": """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>
<item><title>&lol3;</title><wp:post_id>1</wp:post_id><wp:post_type>post</wp:post_type></item></channel></rss>""",
    "external entity": """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>
<item><title>&xxe;</title><wp:post_id>1</wp:post_id><wp:post_type>post</wp:post_type></item></channel></rss>""",
}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (HOSTILE["billion laughs"], "refused: the file declares a DTD"),
        (HOSTILE["external entity"], "refused: the file declares a DTD"),
        (
            "<html><body>not an export</body></html>",
            "not a WordPress export: the document is <html>",
        ),
        (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>A feed</title>'
            "<item><title>x</title></item></channel></rss>",
            "not a WordPress export: no wp:wxr_version before the first item",
        ),
        ("", "not well-formed XML"),
        ("\x00\x01garbage", "not well-formed XML"),
    ],
    ids=["billion-laughs", "external-entity", "html", "plain-rss", "empty", "binary"],
)
def test_a_hostile_or_foreign_file_stops_with_one_line_and_writes_nothing(
    write_export, operator, text, message
):
    # A valid post first, so a half-done import would show.
    good = wxr(wxr_item(1, "Would be imported", slug="would"))
    broken = good.replace("</channel>", "") if text == "" else text
    path = write_export(broken)
    with pytest.raises(CommandError) as error:
        run_import(path)
    assert message in str(error.value)
    assert "\n" not in str(error.value)
    assert not Article.objects.exists()
    assert not Redirect.objects.exists()
    assert not ImportedItem.objects.exists()
    assert User.objects.count() == 1


def test_a_truncated_export_writes_nothing(write_export, operator):
    text = wxr(*(wxr_item(n, f"Story {n}", slug=f"story-{n}") for n in range(1, 300)))
    path = write_export(text[: len(text) * 2 // 3])
    with pytest.raises(CommandError, match="not well-formed XML"):
        run_import(path)
    assert not Article.objects.exists()


def test_the_import_needs_someone_who_may_publish(write_export):
    path = write_export(wxr(wxr_item(1, "x")))
    with pytest.raises(CommandError, match="no superuser to publish as"):
        run_import(path)
    User.objects.create_user("reader", "r@example.org", "pw-123456789")
    with pytest.raises(CommandError, match="'reader' may not publish articles"):
        run_import(path, username="reader")


def test_an_article_deleted_in_digest_is_not_brought_back(write_export, operator):
    export = write_export(wxr(wxr_item(1, "Removed here", slug="removed")))
    run_import(export)
    article_for(1).delete()
    output = run_import(export)
    assert not Article.objects.exists()
    assert "post 1 'Removed here': deleted in Digest" in output


@pytest.mark.django_db(transaction=True)  # real commits: the follow-ups run
def test_every_imported_article_has_its_revision_and_audit_entry_and_shows_at_once(
    write_export, operator, client
):
    """An import is one site-wide change: its bookkeeping is batched, none lost."""
    client.get("/")  # the home page is cached before the import
    run_import(write_export(wxr(wxr_item(1, "Ferry back in service", slug="ferry"))))
    story = article_for(1)
    (revision,) = story.history.all()
    assert (revision.history_type, revision.history_user) == ("+", operator)
    assert revision.title == "Ferry back in service"
    published = AuditEntry.objects.filter(action=AuditEntry.Action.PUBLISHED)
    assert [(e.target_id, e.actor) for e in published] == [(str(story.pk), operator)]
    assert "Ferry back in service" in client.get("/").text  # not the cached page

    again = wxr(wxr_item(1, "Ferry back in service, timetable out", slug="ferry"))
    run_import(write_export(again, "second.xml"))
    newest = story.history.first()
    assert newest.history_type == "~" and newest.title.endswith("timetable out")
    assert story.history.count() == 2
    assert "timetable out" in client.get("/articles/ferry/").text
