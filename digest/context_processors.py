from django.conf import settings

from digest.models import SiteSettings


def site(request):
    """Site-wide settings for every template."""
    return {"site": SiteSettings.load(), "SITE_URL": settings.SITE_URL}
