"""The sign-in backend: Django's model backend, telling deactivated accounts apart."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class AccountBackend(ModelBackend):
    """Django's model backend, with the sign-in form's view of deactivated accounts."""

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
