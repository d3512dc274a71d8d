"""The sign-in backend that takes the user loaded with the session."""

from django.contrib.auth.backends import ModelBackend

from accounts.sessions import take_loaded_user


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
