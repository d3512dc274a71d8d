"""Prepared statements for the public pages' hand-written SQL (`articles/page_sql.py`).

Django binds parameters on the client (psycopg's `ClientCursor`) and never
prepares a statement, so PostgreSQL parses and plans each one anew. For the
statements a long-tail page runs, planning cost more than running: about
0.5 ms each for the article and its related articles, against 0.2 and 1 ms of
execution (EXPLAIN ANALYZE at 10,000 articles). A statement run through
`prepared_cursor()` is bound on the server and prepared on its connection the
first time it runs there; the pool keeps connections, so later runs skip the
parse and, where PostgreSQL settles on a generic plan (the article's: 1.2 → 0.5 ms
a page), the plan too; the related articles' statement keeps custom plans, planned
for each set of tags, and saves only its parse. psycopg keeps up to 100 per
connection (`prepared_max`).

Only these cursors prepare: the ORM's stay client-bound, as Django ships them.
`DATABASE_PREPARED=false` turns it off, for a connection pooler that cannot
keep a connection's prepared statements (PgBouncer before 1.21 in transaction
mode). The cursor is Django's own wrapper, so query logs and counts and
execute wrappers see these statements like any other.
"""

from django.db import connection
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper


class _LoggedCursor(CursorDebugWrapper):
    """Django's debug cursor, logging the statement with its parameters put in:
    Django reads what ran from a client-bound cursor, and a prepared one has
    nothing to show (query logs, CaptureQueriesContext, the bench's plans)."""

    def execute(self, sql, params=None):
        with self.debug_sql(self.db.ops.compose_sql(sql, params)):
            return CursorWrapper.execute(self, sql, params)


def prepared_cursor():
    """A cursor whose statements are prepared on the connection (see above)."""
    if connection.settings_dict["OPTIONS"].get("prepare_threshold") is None:
        return connection.cursor()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    cursor = ServerBindingCursor(connection.connection)
    if connection.queries_logged:
        return _LoggedCursor(cursor, connection)
    return connection.make_cursor(cursor)
