from django.contrib.admin.apps import AdminConfig


class DigestAdminConfig(AdminConfig):
    """The admin, with the two-factor aware site (digest/admin_site.py) as admin.site."""

    default_site = "digest.admin_site.DigestAdminSite"
