"""Database sessions that load the signed-in user in the same query.

Django reads a signed-in reader's session and then their user: two ORM queries
on every page, about 0.6 ms of Python between them, a third of what a
signed-in reader's article page costs. This engine (SESSION_ENGINE =
"accounts.sessions") keeps the user's id in a column of the session row
(accounts.models.Session), reads the session and its user in one SQL statement
(0.2 ms), and hands that user to the authentication backend
(accounts.auth.SessionUserBackend) for the same request. What Django checks on
every request still holds: the user is active, and the session's password hash
matches the user's current one.
"""

from contextvars import ContextVar
from functools import cache

from django.apps import apps
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.db import connections, router
from django.utils import timezone

OLD_BACKEND = "django.contrib.auth.backends.ModelBackend"
NEW_BACKEND = "accounts.auth.SessionUserBackend"

# (user id, user) read with the session by this thread's current request.
_loaded_user: ContextVar[tuple[str, object] | None] = ContextVar(
    "digest_session_user", default=None
)


class SessionStore(DBStore):
    @classmethod
    def get_model_class(cls):
        # By name: accounts.models imports this module (get_session_store_class).
        return apps.get_model("accounts", "Session")

    def _validate_session_key(self, key):
        # Keys Django makes are 32 lowercase letters and digits; anything else
        # (a NUL byte would make PostgreSQL refuse the query) is no session.
        return bool(key) and 8 <= len(key) <= 40 and key.isascii() and key.isalnum()

    def load(self):
        _loaded_user.set(None)  # nothing from an earlier request on this thread
        if self.session_key is None:
            return {}
        using = router.db_for_read(self.model)
        sql, user_fields, pk_index = _session_and_user_sql(using)
        with connections[using].cursor() as cursor:
            cursor.execute(sql, [self.session_key, timezone.now()])
            row = cursor.fetchone()
        if row is None:  # unknown or expired
            self._session_key = None
            return {}
        session_data, user_values = row[0], row[1:]
        if user_values[pk_index] is not None:
            user = get_user_model().from_db(using, user_fields, user_values)
            _loaded_user.set((str(user.pk), user))
        data = self.decode(session_data)
        if data.get(BACKEND_SESSION_KEY) == OLD_BACKEND:
            # Signed in before this engine: the same backend, by its new name.
            data[BACKEND_SESSION_KEY] = NEW_BACKEND
        return data

    def create_model_instance(self, data):
        return _with_user_id(super().create_model_instance(data), data)

    async def acreate_model_instance(self, data):
        return _with_user_id(await super().acreate_model_instance(data), data)

    # Under ASGI, aload() is Django's: the user is then read by a second query.


def _with_user_id(session, data):
    user_id = str(data.get(SESSION_KEY) or "")
    session.user_id = int(user_id) if user_id.isdigit() else None
    return session


@cache
def _session_and_user_sql(using: str) -> tuple[str, list[str], int]:
    """SELECT session_data, <every user column> ... LEFT JOIN the user.

    Also the user's field names in that order (Model.from_db's), and where its
    primary key is: NULL there means no user on the session.
    """
    session = SessionStore.get_model_class()._meta
    user = get_user_model()._meta
    quote = connections[using].ops.quote_name
    fields = list(user.concrete_fields)
    columns = ", ".join(f"u.{quote(field.column)}" for field in fields)
    sql = (
        f"SELECT s.{quote('session_data')}, {columns}"
        f" FROM {quote(session.db_table)} s"
        f" LEFT JOIN {quote(user.db_table)} u"
        f" ON u.{quote(user.pk.column)} = s.{quote('user_id')}"
        f" WHERE s.{quote('session_key')} = %s AND s.{quote('expire_date')} > %s"
    )
    return sql, [field.attname for field in fields], fields.index(user.pk)


def take_loaded_user(user_id):
    """The user read with this request's session if it is `user_id`, once."""
    loaded = _loaded_user.get()
    _loaded_user.set(None)
    if loaded is not None and loaded[0] == str(user_id):
        return loaded[1]
    return None
