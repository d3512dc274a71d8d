"""Django's cached_db sessions, refusing session keys Django never makes.

The session lives in the database and is read through the default cache (see
SESSION_ENGINE in settings). A forged cookie may hold anything: a NUL byte would
make PostgreSQL refuse the query (a server error), so such a key is no session.
"""

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore


class SessionStore(CachedDBStore):
    def _validate_session_key(self, key):
        # Django's keys are 32 lowercase letters and digits.
        return bool(key) and 8 <= len(key) <= 40 and key.isascii() and key.isalnum()
