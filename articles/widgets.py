"""The article body's rich-text editor: django-prose-editor, under our CSP."""

from django.urls import reverse_lazy
from django_prose_editor.widgets import (
    AdminProseEditorWidget,
    prose_editor_admin_media,
    prose_editor_js,
)
from js_asset import Media, Script

# What the editor offers: the part of digest.sanitize's allowlist a newsroom
# writes with. Saved HTML still goes through that allowlist.
BODY_EXTENSIONS = {
    "Heading": {"levels": [2, 3, 4]},
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "HardBreak": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "Link": {"enableTarget": False},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    # "Browse…" in the image dialog opens the picker (upload or choose).
    "Figure": {"pickerUrl": reverse_lazy("admin:articles_article_body_images")},
    "Caption": True,
    "Image": True,
    "VideoEmbed": True,  # ours (body-editor.js): YouTube and Vimeo players
    "HTML": True,  # edit the source, for what the toolbar does not offer
}


class BodyEditorWidget(AdminProseEditorWidget):
    """The "configurable" preset, started by articles/body-editor.js.

    That script turns off Tiptap's injected <style> (our Content-Security-Policy
    allows no inline styles) and tiptap-base.css brings the same rules. The media's
    import map is an inline script: ArticleAdmin gives it the response's nonce.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("config", {"extensions": BODY_EXTENSIONS})
        super().__init__(*args, preset="digest", **kwargs)

    @property
    def media(self):
        return prose_editor_admin_media + Media(
            css={
                "all": ["articles/tiptap-base.css", "articles/body-editor-menubar.css"]
            },
            js=[prose_editor_js, Script("articles/body-editor.js", type="module")],
        )
