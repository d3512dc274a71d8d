"""The admin home's desk (articles/desk.py), for templates/admin/index.html."""

from django import template

from articles.desk import build_desk, can_use_desk

register = template.Library()


@register.simple_tag(takes_context=True)
def newsroom_desk(context):
    """The signed-in user's desk, built once per page however often it is asked for."""
    # render_context is one dict for a template and those it extends, so the
    # content block and the sidebar share one desk (and its queries).
    memo = context.render_context
    if "newsroom_desk" not in memo:
        user = context["request"].user
        memo["newsroom_desk"] = build_desk(user) if can_use_desk(user) else None
    return memo["newsroom_desk"]
