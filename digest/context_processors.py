from django.conf import settings
from django.utils.functional import SimpleLazyObject

from digest.cache.chrome import get_chrome


def site(request):
    """Site-wide settings, menu and footer for every template (digest/cache/chrome.py)."""
    chrome = SimpleLazyObject(get_chrome)
    return {
        "site": SimpleLazyObject(lambda: chrome.settings),
        "chrome": chrome,
        "SITE_URL": settings.SITE_URL,
    }
