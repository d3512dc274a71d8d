"""The sign-in backend that takes the user loaded with the session."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from accounts.sessions import take_loaded_user


class SessionUserBackend(ModelBackend):
    """Django's model backend, taking the user loaded with the session.

    accounts.sessions joins the user into the session query; this returns that
    row instead of querying for it again. A session loaded without it (another
    engine, a user id that does not match) falls back to the usual query.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        """Check the password of active and deactivated accounts alike.

        A deactivated account with the right password comes back so that the
        sign-in form can say it is deactivated (confirm_login_allowed raises);
        get_user still refuses it, so it never holds a session. Unknown
        accounts and wrong passwords stay alike: None, after the same work.
        """
        model = get_user_model()
        if username is None:
            username = kwargs.get(model.USERNAME_FIELD)
        if username is None or password is None:
            return None
        try:
            user = model._default_manager.get_by_natural_key(username)
        except model.DoesNotExist:
            model().set_password(password)  # as long as a wrong password takes
            return None
        return user if user.check_password(password) else None

    def get_user(self, user_id):
        user = take_loaded_user(user_id)
        if user is None:
            return super().get_user(user_id)
        return user if self.user_can_authenticate(user) else None
