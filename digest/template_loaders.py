"""A template loader that drops the indentation of the site's own HTML templates.

Templates under `templates/` are indented for the people who edit them; readers'
browsers ignore whitespace at the start of a line (it collapses into the line break
before it), so it is removed once, when a template is loaded, not on every render.
Line breaks are kept, so error messages still name the right line. The text of a
`{% blocktranslate %}` block is left as written (it is the translation's msgid), and
so is any template holding `<pre>` or `<textarea>`, where whitespace shows.
"""

import re

from django.template.loaders import filesystem

_TRANSLATED = re.compile(r"({%\s*blocktranslate\b.*?{%\s*endblocktranslate\s*%})", re.S)
_INDENT = re.compile(r"^[ \t]+", re.M)
_KEEPS_WHITESPACE = re.compile(r"<(pre|textarea)\b", re.I)


def strip_indentation(source: str) -> str:
    """`source` without the whitespace that starts its lines, outside blocktranslate."""
    if _KEEPS_WHITESPACE.search(source):
        return source
    parts = _TRANSLATED.split(source)
    return "".join(
        part if index % 2 else _INDENT.sub("", part) for index, part in enumerate(parts)
    )


class Loader(filesystem.Loader):
    """The filesystem loader (TEMPLATES' DIRS) with `strip_indentation` on .html files."""

    def get_contents(self, origin):
        contents = super().get_contents(origin)
        if origin.name.endswith(".html"):
            return strip_indentation(contents)
        return contents
