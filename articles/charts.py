"""Small server-side SVG charts for the admin (no chart library, no CDN)."""

from datetime import date, timedelta

from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from articles.models import Article, ArticleDailyViews

WIDTH, HEIGHT, PAD = 600, 140, 24


def daily_views(article: Article, *, days: int = 30, today: date | None = None):
    """(day, views) for each of the last `days` days, zero where nobody read it."""
    today = today or timezone.localdate()
    start = today - timedelta(days=days - 1)
    counts = dict(
        ArticleDailyViews.objects.filter(article=article, day__gte=start).values_list(
            "day", "views"
        )
    )
    return [
        (start + timedelta(days=i), counts.get(start + timedelta(days=i), 0))
        for i in range(days)
    ]


def daily_views_svg(article: Article, *, days: int = 30) -> SafeString:
    """A bar chart of the article's daily views over the last `days` days."""
    series = daily_views(article, days=days)
    peak = max((views for _, views in series), default=0) or 1
    slot = (WIDTH - 2 * PAD) / len(series)
    bars = []
    for i, (day, views) in enumerate(series):
        height = round((HEIGHT - 2 * PAD) * views / peak, 1)
        bars.append(
            (
                round(PAD + i * slot + 1, 1),
                round(HEIGHT - PAD - height, 1),
                round(max(slot - 2, 1), 1),
                height,
                f"{day:%b %-d}: {views} views",
            )
        )
    total = sum(views for _, views in series)
    first, last = series[0][0], series[-1][0]
    return format_html(
        '<svg class="views-chart" role="img" viewBox="0 0 {w} {h}" width="{w}" height="{h}"'
        ' xmlns="http://www.w3.org/2000/svg" aria-label="{label}">'
        "<title>{label}</title>"
        '<line x1="{p}" y1="{base}" x2="{right}" y2="{base}" stroke="#999"/>'
        "{bars}"
        '<text x="{p}" y="{h_text}" font-size="11" fill="currentColor">{first}</text>'
        '<text x="{right}" y="{h_text}" font-size="11" text-anchor="end" fill="currentColor">{last}</text>'
        '<text x="{p}" y="14" font-size="11" fill="currentColor">peak {peak}</text>'
        "</svg>",
        w=WIDTH,
        h=HEIGHT,
        p=PAD,
        base=HEIGHT - PAD,
        right=WIDTH - PAD,
        h_text=HEIGHT - 6,
        label=f"{total} views in the last {days} days",
        bars=format_html_join(
            "",
            '<rect x="{}" y="{}" width="{}" height="{}" fill="#b3261e"><title>{}</title></rect>',
            bars,
        ),
        first=f"{first:%b %-d}",
        last=f"{last:%b %-d}",
        peak=peak if peak > 1 or total else 0,
    )
