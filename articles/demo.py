"""Demo content for `manage.py load_demo`: the loaders for sections, articles,
pages, links and generated images. The prose is in `articles/demo_content.py`;
the accounts and the whole-site loader are in `accounts/demo.py`.

Loading is idempotent: rows are found by slug and updated in place.
"""

import io
import random
from collections.abc import Callable, Sequence
from datetime import timedelta
from functools import partial

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageDraw, ImageFont

from articles import demo_content as content
from articles.models import Article, ArticleDailyViews, Category
from articles.search import refresh_search_vector
from digest.images import clean_upload, make_renditions
from digest.models import Page, SiteSettings, UsefulLink

MIN_PARAGRAPHS = 6  # about two minutes to read
MAX_PARAGRAPHS = len(content.PARAGRAPHS)  # about nine


def story_body(
    topic: str, rng: random.Random, opinion: bool = False, paragraphs: int = 0
) -> str:
    """An article body about `topic` of `paragraphs` paragraphs (else 5 to 8),
    with a subhead every five."""
    people = rng.sample(content.PEOPLE, 2)
    values = {
        "topic": topic,
        "Topic": topic[:1].upper() + topic[1:],
        "place": rng.choice(content.PLACES),
        "person": people[0],
        "other": people[1],
        "role": rng.choice(content.ROLES),
        "number": f"{rng.randint(2, 90) * 100:,}",
        "month": rng.choice(content.MONTHS),
    }
    source = (
        content.OPINION_PARAGRAPHS + content.PARAGRAPHS[2:6]
        if opinion
        else content.PARAGRAPHS
    )
    count = min(paragraphs or rng.randint(5, 8), len(source))
    chosen = rng.sample(source, count)
    headings = rng.sample(content.HEADINGS, len(content.HEADINGS))
    parts = []
    for index, paragraph in enumerate(chosen):
        if index and index % 5 == 0 and headings:
            parts.append(f"<h2>{headings.pop()}</h2>")
        parts.append(f"<p>{paragraph.format(**values)}</p>")
    return "".join(parts)


# Images


def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):
        return ImageFont.load_default()


def category_image(name: str, colour: tuple, variant: int = 0) -> bytes:
    """A 1600×900 JPEG: a gradient in `colour` with shapes and the category name."""
    width, height = 1600, 900
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    dark = tuple(max(0, c - 70) for c in colour)
    light = tuple(min(255, c + 90) for c in colour)
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(int(a + (b - a) * t) for a, b in zip(light, dark, strict=True)),
        )
    rng = random.Random(f"{name}-{variant}")
    for _ in range(6):
        x, y, r = rng.randint(0, width), rng.randint(0, height), rng.randint(60, 260)
        shade = tuple(min(255, c + rng.randint(20, 60)) for c in colour)
        draw.ellipse([x - r, y - r, x + r, y + r], outline=shade, width=10)
    draw.rectangle([80, height - 260, width - 80, height - 90], fill=dark)
    draw.text((120, height - 230), name, fill=(255, 255, 255), font=_font(96))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def link_image(title: str, colour: tuple) -> bytes:
    image = Image.new("RGB", (600, 300), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle([20, 20, 580, 280], outline=(255, 255, 255), width=6)
    draw.text((50, 120), title, fill=(255, 255, 255), font=_font(44))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def stored_image(path: str, make: Callable[[], bytes]) -> str:
    """Store the image `make()` draws at `path` through the upload pipeline, once."""
    if not default_storage.exists(path):
        cleaned = clean_upload(ContentFile(make(), name=path.rsplit("/", 1)[-1]))
        default_storage.save(path, cleaned)
    return path


# Loading


def load_site_settings() -> None:
    settings_row = SiteSettings.load()
    settings_row.site_name = content.SITE_NAME
    settings_row.tagline = content.TAGLINE
    settings_row.about = content.ABOUT
    settings_row.contact_email = "editor@digest.example"
    settings_row.x_url = "https://x.example/digest"
    settings_row.facebook_url = "https://facebook.example/digest"
    settings_row.telegram_url = "https://telegram.example/digest"
    settings_row.youtube_url = "https://youtube.example/digest"
    settings_row.instagram_url = "https://instagram.example/digest"
    settings_row.linkedin_url = "https://linkedin.example/digest"
    settings_row.founded_year = 2024
    settings_row.save()


def load_categories() -> dict[str, Category]:
    categories: dict[str, Category] = {}
    for position, row in enumerate(content.CATEGORIES):
        slug, name, parent, highlighted, _colour, description = row
        category, _ = Category.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "parent": categories.get(parent) if parent else None,
                "position": position,
                "is_highlighted": highlighted,
                "show_in_menu": True,
                "description": description,
            },
        )
        categories[slug] = category
    return categories


def load_category_images() -> dict[tuple[str, int], str]:
    """Two generated images per category, each with its renditions; name by key."""
    names = {}
    for slug, name, _parent, _h, colour, _description in content.CATEGORIES:
        for variant in (0, 1):
            shade = tuple(min(255, max(0, c + (35 if variant else 0))) for c in colour)
            path = f"articles/demo/{slug}-{variant}.jpg"
            names[(slug, variant)] = stored_image(
                path,
                lambda name=name, shade=shade, variant=variant: category_image(
                    name, shade, variant
                ),
            )
    return names


def load_pages_and_links() -> None:
    for position, (slug, title, footer, paragraphs) in enumerate(content.PAGES):
        body = "".join(p if p.startswith("<") else f"<p>{p}</p>" for p in paragraphs)
        Page.objects.update_or_create(
            slug=slug,
            defaults={
                "title": title,
                "body": body,
                "show_in_footer": footer,
                "is_published": True,
                "position": position,
                "seo_description": paragraphs[0][:160],
            },
        )
    for position, (title, url, colour) in enumerate(content.LINKS):
        path = f"links/{slugify(title)}.png"
        stored_image(path, partial(link_image, title, colour))
        UsefulLink.objects.update_or_create(
            title=title, defaults={"url": url, "image": path, "position": position}
        )


def load_articles(writers: Sequence, categories: dict[str, Category]) -> int:
    """The demo articles: about 60 published, one scheduled, one draft.

    `writers` (users) take turns; the first also writes every opinion piece.
    Bodies run from MIN_PARAGRAPHS to MAX_PARAGRAPHS, two to nine minutes.
    """
    images = load_category_images()
    rng = random.Random(2026)
    now = timezone.now()
    stories = [
        (slug, index, story)
        for slug, items in content.STORIES.items()
        for index, story in enumerate(items)
    ]
    rng.shuffle(stories)
    span = MAX_PARAGRAPHS - MIN_PARAGRAPHS + 1
    created = 0
    for position, (cat_slug, index, (title, lead, topic, tags)) in enumerate(stories):
        slug = slugify(title)[:200]
        if position == 0:
            status, published_at = Article.Status.PUBLISHED, now + timedelta(days=2)
        elif position == 1:
            status, published_at = Article.Status.DRAFT, None
        else:
            status = Article.Status.PUBLISHED
            published_at = now - timedelta(
                days=(position - 2) * 60 / len(stories), hours=rng.randint(0, 6)
            )
        reprint = position % 13 == 5
        variant = index % 2
        opinion = cat_slug == "opinion"
        paragraphs = MIN_PARAGRAPHS + (position * 7) % span
        defaults = {
            "title": title,
            "lead": lead,
            "body": story_body(topic, rng, opinion=opinion, paragraphs=paragraphs),
            "category": categories[cat_slug],
            "author": writers[0] if opinion else writers[position % len(writers)],
            "byline": "",
            "status": status,
            "published_at": published_at,
            "is_featured": position in {2, 3, 4, 9},
            "source_name": "Caspian Wire" if reprint else "",
            "source_url": f"https://caspianwire.example/{slug}" if reprint else "",
            "image": images[(cat_slug, variant)],
            "image_alt": f"Illustration for {categories[cat_slug].name}",
            "image_caption": f"{categories[cat_slug].name}. Illustration: Digest.",
            "seo_description": lead[:160],
        }
        article = Article.objects.filter(slug=slug).first()
        if article is None:
            article = Article(slug=slug, **defaults)
            article.save()
            created += 1
        article.tags.set([*tags, content.SERIES_TAG] if position % 4 == 1 else tags)
        refresh_search_vector(article)
        if article.image:
            make_renditions(article.image)
        if article.is_public:
            load_views(article)
    return created


def load_views(article: Article, days: int = 14) -> None:
    """Readers over the last two weeks, so "Most read" and the admin chart show
    something on a new site. Once per article: a rerun leaves real counts alone."""
    if ArticleDailyViews.objects.filter(article=article).exists():
        return
    rng = random.Random(article.slug)
    audience = rng.randint(40, 900)
    today = timezone.localdate()
    first_day = max(article.published_at.date(), today - timedelta(days=days - 1))
    published = article.published_at.date()
    rows = []
    for n in range((today - first_day).days + 1):
        day = first_day + timedelta(days=n)
        age = (day - published).days  # most readers come in the first days
        views = round(audience * rng.uniform(0.5, 1.2) / (1 + age * 0.4))
        rows.append(ArticleDailyViews(article=article, day=day, views=views))
    ArticleDailyViews.objects.bulk_create(rows)
    Article.objects.filter(pk=article.pk).update(
        view_count=sum(row.views for row in rows) + rng.randint(0, 4000)
    )
