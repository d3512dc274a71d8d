from django.apps import AppConfig


class WordpressConfig(AppConfig):
    """Moving a WordPress site in: `manage.py import_wordpress` and its admin page."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "wordpress"
    verbose_name = "WordPress import"
