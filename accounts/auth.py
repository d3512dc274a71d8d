"""Sign-in helpers: the key brute-force protection counts failures under."""

from django.http import HttpRequest


def lockout_username(request: HttpRequest, credentials: dict | None) -> str:
    """Count failures per account, whether it was named by username or email."""
    from accounts.models import User

    given = ((credentials or {}).get("username") or "").strip()
    if not given and request is not None and request.method == "POST":
        given = (request.POST.get("username") or "").strip()
    if not given:
        return ""
    try:
        user = User.objects.get_by_natural_key(given)
    except (User.DoesNotExist, User.MultipleObjectsReturned):
        return given.lower()
    return user.username.lower()
