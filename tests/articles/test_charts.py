from datetime import timedelta

import pytest
from django.utils import timezone
from lxml import etree

from articles.charts import daily_views, daily_views_svg
from articles.models import ArticleDailyViews
from tests.factories import ArticleFactory

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
