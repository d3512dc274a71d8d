"""The default cache: files every process on the machine shares."""

import os
import random

from django.core.cache.backends.filebased import FileBasedCache

# Culling lists the whole folder, which the request that writes pays for: once in
# this many writes at least, and once in MAX_ENTRIES / CULL_SPREAD for a big cache
# (which may then overshoot its size by about 1/CULL_SPREAD before a cull).
CULL_EVERY = 200
CULL_SPREAD = 100


class FileCache(FileBasedCache):
    """Django's file cache, culled now and then rather than on every write.

    Unlike the local-memory cache (300 entries per worker, none shared), it holds
    a long tail of pages and one set of versions for every worker, the task
    worker and `manage.py` commands alike.

    Listing the folder is what a cull costs: Django's glob took 1.4 s for the
    150,000 cards of a 100,000-article archive (var/cache/fragments), os.scandir
    0.16 s; and the larger the cache, the rarer the check.
    """

    def __init__(self, dir, params):
        super().__init__(dir, params)
        self._cull_every = max(CULL_EVERY, self._max_entries // CULL_SPREAD)

    def _cull(self):
        if random.randrange(self._cull_every) == 0:
            super()._cull()

    def _list_cache_files(self):
        try:
            with os.scandir(self._dir) as entries:
                return [
                    entry.path
                    for entry in entries
                    if entry.name.endswith(self.cache_suffix)
                ]
        except FileNotFoundError:
            return []
