"""Sign-in helpers: the key brute-force protection counts failures under, and
the backend that takes the user loaded with the session."""

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from accounts.models import User
from accounts.sessions import take_loaded_user


def lockout_username(request: HttpRequest, credentials: dict | None) -> str:
    """Count failures per account, whether it was named by username or email."""
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


class SessionUserBackend(ModelBackend):
    """Django's model backend, taking the user loaded with the session.

    accounts.sessions joins the user into the session query; this returns that
    row instead of querying for it again. A session loaded without it (another
    engine, a user id that does not match) falls back to the usual query.
    """

    def get_user(self, user_id):
        user = take_loaded_user(user_id)
        if user is None:
            return super().get_user(user_id)
        return user if self.user_can_authenticate(user) else None
