from django.apps import AppConfig

from digest.content import sources


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        # digest's menu and page cache read articles' data without importing it.
        sources.menu_categories = self.get_model("Category").objects.in_menu
        sources.next_publication = self.get_model("Article").objects.next_publication
