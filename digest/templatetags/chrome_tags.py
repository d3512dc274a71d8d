"""``{% chrome_part "name" %}…{% endchrome_part %}``: a part of every page that
shows only the site (digest/cache/chrome.py, `part`).

Inside, ``{{ next_path }}`` is the page's address, for forms that return to it.
For a reader who is not signed in the part is rendered once per process and
chrome (and day, language, time zone, current menu item); for a signed-in
reader, and where there is no request, it is rendered on every page.
"""

from django import template

from digest.cache import chrome as chrome_cache

register = template.Library()


class ChromePartNode(template.Node):
    def __init__(self, name: str, nodelist):
        self.name = name
        self.nodelist = nodelist

    def render(self, context):
        request = context.get("request")
        user = context.get("user")
        chrome = context.get("chrome")
        full_path = request.get_full_path() if request is not None else ""
        if request is None or chrome is None or user is None or user.is_authenticated:
            with context.push(next_path=full_path):
                return self.nodelist.render(context)

        def render(next_path: str) -> str:
            with context.push(next_path=next_path):
                return self.nodelist.render(context)

        return chrome_cache.part(self.name, chrome, request.path, full_path, render)


@register.tag("chrome_part")
def chrome_part(parser, token):
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError(
            '{% chrome_part %} takes one quoted name: {% chrome_part "header" %}'
        )
    nodelist = parser.parse(("endchrome_part",))
    parser.delete_first_token()
    return ChromePartNode(bits[1][1:-1], nodelist)
