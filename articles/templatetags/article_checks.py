"""The article change form's content checks (articles/checks.py)."""

from django import template

from articles.checks import check_article
from digest.models import SiteSettings

register = template.Library()


@register.inclusion_tag("admin/articles/article/_checks.html")
def article_checks(form):
    """The checks of the article as the form has it: as stored, or as just submitted."""
    if not form.is_bound and form.instance.pk is None:
        return {"findings": []}  # an empty add form: nothing written to check yet
    required = SiteSettings.load().required_checks
    return {"findings": check_article(form.instance, required=required)}
