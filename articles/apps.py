from django.apps import AppConfig

from articles.sections import menu_sections
from digest.content import sources


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        # digest's menu and page cache read articles' data without importing it.
        sources.menu_categories = menu_sections
        sources.next_publication = self.get_model("Article").objects.next_publication
