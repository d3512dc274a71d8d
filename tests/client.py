"""The test client for the suite: its requests end as production's do."""

from django import test
from django.db import connection


class Client(test.Client):
    """A test client whose requests end as in production: on-commit callbacks run.

    A real request commits when it ends, and then its `transaction.on_commit`
    callbacks run (enqueued tasks, cache bumps). In a test the request shares the
    test's transaction, which never commits, so this runs them at the request's end.
    """

    def request(self, **request):
        start = len(connection.run_on_commit)
        response = super().request(**request)
        while len(connection.run_on_commit) > start:
            pending = connection.run_on_commit[start:]
            del connection.run_on_commit[start:]
            for _savepoints, callback, _robust in pending:
                callback()
        return response
