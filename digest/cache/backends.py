"""The default cache: files every process on the machine shares."""

import random

from django.core.cache.backends.filebased import FileBasedCache

# Culling lists the whole directory; once in this many writes is enough.
CULL_EVERY = 200


class FileCache(FileBasedCache):
    """Django's file cache, culled now and then rather than on every write.

    Unlike the local-memory cache (300 entries per worker, none shared), it holds
    a long tail of pages and one set of versions for every worker, the task
    worker and `manage.py` commands alike.
    """

    def _cull(self):
        if random.randrange(CULL_EVERY) == 0:
            super()._cull()
