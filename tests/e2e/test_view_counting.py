from articles.models import Article
from tests.factories import ArticleFactory

OTHER_AGENT = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Safari/605.1.15"
)


def open_article(page, url):
    with page.expect_response(
        lambda r: "/views/" in r.url and r.request.method == "POST"
    ) as beacon:
        page.goto(url)
    return beacon.value.status


def views(article) -> int:
    return Article.objects.values_list("view_count", flat=True).get(pk=article.pk)


def test_two_visits_count_once_and_another_browser_counts_again(
    live_server, browser, page
):
    article = ArticleFactory(title="Ferry timetable changes for winter")
    url = live_server.url + article.get_absolute_url()

    assert open_article(page, url) == 204
    assert open_article(page, url) == 204
    assert views(article) == 1

    other = browser.new_context(user_agent=OTHER_AGENT)
    try:
        assert open_article(other.new_page(), url) == 204
    finally:
        other.close()
    assert views(article) == 2

    # Anonymous pages come from the page cache, whose copy was made before these
    # views; a new copy shows the count.
    from django.core.cache import cache

    cache.clear()
    page.reload()
    assert page.get_by_text("2 Views").is_visible()
