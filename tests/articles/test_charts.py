from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from articles.charts import daily_views, daily_views_svg
from articles.models import ArticleDailyViews
from tests.factories import ArticleFactory, UserFactory, role_group

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def test_chart_has_one_bar_per_day_and_tall_bars_for_busy_days():
    article = ArticleFactory()
    today = timezone.localdate()
    ArticleDailyViews.objects.create(article=article, day=today, views=40)
    ArticleDailyViews.objects.create(
        article=article, day=today - timedelta(days=3), views=10
    )
    ArticleDailyViews.objects.create(
        article=article, day=today - timedelta(days=45), views=999
    )

    svg = etree.fromstring(str(daily_views_svg(article)).encode())
    bars = svg.findall(f"{SVG}rect")
    assert len(bars) == 30
    heights = [float(bar.get("height")) for bar in bars]
    assert heights[-1] == max(heights) > 0
    assert heights[-4] == pytest.approx(heights[-1] / 4, rel=0.05)
    assert svg.find(f"{SVG}title").text == "50 views in the last 30 days"
    assert bars[-1].find(f"{SVG}title").text.endswith(": 40 views")


def test_days_without_views_are_zero():
    article = ArticleFactory()
    series = daily_views(article, days=7)
    assert len(series) == 7
    assert all(views == 0 for _, views in series)
    assert series[-1][0] == timezone.localdate()


def test_the_article_change_page_shows_the_daily_views_chart(client):
    editor = UserFactory(is_staff=True)
    editor.groups.add(role_group("Editor"))
    article = ArticleFactory()
    ArticleDailyViews.objects.create(
        article=article, day=timezone.localdate(), views=12
    )
    client.force_login(editor)

    page = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Readership" in html
    assert '<svg class="views-chart"' in html
    assert "12 views in the last 30 days" in html

    # Nothing to chart on a new article.
    new = client.get(reverse("admin:articles_article_add"))
    assert new.status_code == 200
    assert "views-chart" not in new.content.decode()
