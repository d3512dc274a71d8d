from django import template

from articles.counting import make_token

register = template.Library()


@register.inclusion_tag("articles/_view_beacon.html")
def view_beacon(article):
    """The beacon that counts a view of `article` once the page is shown."""
    return {"article": article, "view_token": make_token(article.pk)}
