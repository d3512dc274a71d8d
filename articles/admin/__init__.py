"""The editors' admin, one module a model; importing this package registers them.

article.py (lists, the change page, bulk actions) with its form and buttons in
article_form.py; body_images.py; category.py; tags.py.
"""

from articles.admin.article import ArticleAdmin
from articles.admin.article_form import ArticleAdminForm, form_buttons
from articles.admin.body_images import BodyImageAdmin
from articles.admin.category import CategoryAdmin
from articles.admin.tags import TagAdmin

__all__ = [
    "ArticleAdmin",
    "ArticleAdminForm",
    "BodyImageAdmin",
    "CategoryAdmin",
    "TagAdmin",
    "form_buttons",
]
