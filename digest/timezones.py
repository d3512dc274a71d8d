"""The newsroom's time zones: TIME_ZONE for the site, and a staff member's own for the admin.

Readers always see the site's zone; a staff member who picked a zone in their profile
sees and enters the admin's times in it (AdminTimeZoneMiddleware).
"""

import zoneinfo
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


@cache
def time_zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    """Refuse a name that is not an IANA time zone (empty means the site's)."""
    if value and value not in time_zone_names():
        raise ValidationError(
            _("“%(value)s” is not a time zone."),
            code="invalid",
            params={"value": value},
        )


def time_zone_choices() -> list[tuple[str, str]]:
    """The empty choice (the newsroom's zone), then every zone by name."""
    site = settings.TIME_ZONE
    return [
        ("", _("Newsroom time (%(zone)s)") % {"zone": site}),
        *((name, name.replace("_", " ")) for name in sorted(time_zone_names())),
    ]


class AdminTimeZoneMiddleware:
    """Show and take times in the admin in the signed-in staff member's own zone.

    Only under the admin's URL: the reader's site keeps the site's zone, and its
    pages are not made to load the user.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(reverse("admin:index")):
            return self.get_response(request)
        name = getattr(request.user, "time_zone", "")
        if not name or name not in time_zone_names():
            return self.get_response(request)
        with timezone.override(zoneinfo.ZoneInfo(name)):
            return self.get_response(request)
