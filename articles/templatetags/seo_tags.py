"""Search-engine and social metadata: canonical URLs and JSON-LD for articles."""

import json

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe

register = template.Library()

PUBLISHER_LOGO = "articles/publisher-logo.png"
# JSON inside <script>: "<", ">" and "&" as escapes, so a title holding
# "</script>" or "<!--" cannot end the element or start a comment.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _absolute(context, url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    # A fragment kept for every host (articles/body.py) holds a slot instead.
    base = context.get("absolute_base")
    if base is not None:
        return base + url
    request = context.get("request")
    if request is not None:
        return request.build_absolute_uri(url)
    return settings.SITE_URL + url


@register.simple_tag(takes_context=True)
def absolute_url(context, url: str) -> str:
    """`url` with the scheme and host of the current request."""
    return _absolute(context, str(url))


@register.simple_tag(takes_context=True)
def image_absolute_url(context, image_url="", image=None) -> str:
    """The absolute URL of `image_url`, else of the image file `image`, else ""."""
    if image_url:
        return _absolute(context, str(image_url))
    if image:
        return _absolute(context, image.url)
    return ""


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    """This page's URL without its query string, except a page number past the first."""
    request = context.get("request")
    if request is None:
        return ""
    path = request.path
    page = request.GET.get("page", "")
    if page.isascii() and page.isdigit() and len(page) < 7 and int(page) > 1:
        path += f"?page={int(page)}"
    return request.build_absolute_uri(path)


@register.simple_tag(takes_context=True)
def meta_description(context, description="") -> str:
    """`description` as plain text of at most 160 characters, else the site's own."""
    settings_row = context["chrome"].settings if "chrome" in context else None
    for text in (
        description,
        getattr(settings_row, "about", ""),
        getattr(settings_row, "tagline", ""),
    ):
        text = " ".join(strip_tags(str(text or "")).split())
        if text:
            return text if len(text) <= 160 else text[:159].rsplit(" ", 1)[0] + "…"
    return ""


def ld_json(data) -> str:
    """`data` as a <script type="application/ld+json"> element, safe in HTML."""
    text = json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return format_html(
        '<script type="application/ld+json">{}</script>', mark_safe(text)
    )


def _author(context, article) -> dict | None:
    if article.byline:
        return {"@type": "Person", "name": article.byline}
    if article.author:
        return {
            "@type": "Person",
            "name": article.author.public_name,
            "url": _absolute(context, article.author.get_absolute_url()),
        }
    return None


def article_structured_data(context, article, image_url: str = "") -> list[dict]:
    """The NewsArticle and BreadcrumbList objects describing `article`."""
    site = context.get("site")
    site_name = getattr(site, "site_name", "") or "Digest"
    url = _absolute(context, article.get_absolute_url())
    published = article.published_at or article.created_at
    modified = max(filter(None, [article.updated_at, published]))
    publisher = {
        "@type": "Organization",
        "name": site_name,
        "url": _absolute(context, reverse("home")),
        "logo": {
            "@type": "ImageObject",
            "url": _absolute(context, static(PUBLISHER_LOGO)),
            "width": 600,
            "height": 60,
        },
    }
    news_article = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.seo_title or article.title,
        "description": article.seo_description or article.lead,
        "datePublished": published.isoformat(timespec="seconds") if published else None,
        "dateModified": modified.isoformat(timespec="seconds") if modified else None,
        "author": [_author(context, article) or publisher],
        "publisher": publisher,
        "articleSection": article.category.name,
    }
    image = image_url or (article.image.url if article.image else "")
    if image:
        news_article["image"] = [_absolute(context, image)]
    crumbs = [(site_name, reverse("home"))]
    category = article.category
    if category.parent_id:
        crumbs.append((category.parent.name, category.parent.get_absolute_url()))
    crumbs.append((category.name, category.get_absolute_url()))
    crumbs.append((article.title, article.get_absolute_url()))
    breadcrumbs = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": _absolute(context, link),
            }
            for position, (name, link) in enumerate(crumbs, start=1)
        ],
    }
    return [news_article, breadcrumbs]


@register.simple_tag(takes_context=True)
def article_jsonld(context, article, image_url: str = "") -> str:
    """JSON-LD NewsArticle and BreadcrumbList script elements for `article`."""
    return mark_safe(
        "\n".join(
            ld_json(data)
            for data in article_structured_data(context, article, image_url)
        )
    )
