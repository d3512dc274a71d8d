"""The site's caches, in one place: what is kept, under which key, and what clears it.

Layers, outermost first:

1. **nginx's micro-cache** (deploy/nginx.conf): anonymous pages for 5 s, so an
   edit shows through nginx within 5 s.
2. **Whole pages for anonymous readers** (`pages.PageCacheMiddleware`): a GET or
   HEAD without a session or messages cookie, for a view marked with
   `@cacheable_page`, is stored under ``digest:page:<release>:<sha256 of method,
   scheme, host, path and query>`` (the release as in 4, so a deploy that changes
   a template shows at once), compressed once when it is stored, in the encoding
   the reader who first asked takes (brotli when installed, else gzip); a hit
   answers it to a client that takes it; the first hit from one that takes
   another adds that encoding (`Vary: Accept-Encoding`); no query, no session,
   no template. Every
   other text response is compressed as it goes out (`compress.CompressionMiddleware`).
3. **Pages shared by signed-in readers** (`pages.render_for_readers`) and other
   expensive parts every reader sees the same (`pages.versioned`): under
   ``digest:fragment:2:<release>:<name>``, the reader's name put in per request. A part
   may be kept by fewer versions than it declares (`fresh_while`: the "new
   articles" column, kept while ``latest`` holds).
4. **Per-article fragments** (`fragments.py`, `articles.cards`): each article's
   cards, one entry of every style it was rendered in, under
   ``digest:card:<release>:<pk>:<hash of every field a card shows>``, in a
   cache of their own (``CACHES["fragments"]``) and, the last few thousand used,
   in each process's memory. The key is the content, so nothing invalidates a
   card: an edit, a renamed section, new image renditions or a deploy that
   changes a template or MEDIA_URL (the *release*) make a new key. The write
   path renders them after commit (`article_changed`; a bulk change through the
   `fill_cards` task), `manage.py fill_fragments` for a whole archive, so a
   page rendered from nothing (a long-tail article, a listing's page 40) only
   reads them. The article's body needs no fragment: the write path stores it
   sanitized (`Article.save`), its figures as the editor's picker inserted them.
5. **The header and footer** (`chrome.get_chrome`): the menu, settings, footer
   pages and useful links under ``digest:chrome:<site version>``, for a minute,
   and in each process's memory while that key holds.
   Their HTML for readers who are not signed in (`chrome.part`, ``{% chrome_part
   %}`` in base.html: the head's links, cookie bar, header, footer, sign-in
   dialog) is kept in each process's memory under that chrome as built, the
   day, language, time zone and current menu item, with a slot for the forms'
   ``next``.

Every stored entry records the *versions* of what it shows, and is fresh only
while all of them are unchanged: one `get_many` per hit (`versions.py`).
What a page shows is declared while it renders, by `shows(tag, ...)`:

- ``site``: everything; every entry depends on it. Bumped by site-wide changes:
  the menu, site settings, useful links, policy pages, a section, tag or author
  renamed (`bump_content_version()`, the `BumpsContentVersion` admin mixin).
- ``article:<pk>``: the article's own page and each card of it on any page.
- ``section:<pk>``, ``tag:<pk>``, ``author:<pk>``: every page of that listing.
- ``latest``: home, feeds, sitemaps: whatever lists the newest articles.

`articles.caching.article_changed` (after commit, from the one publishing
function) bumps the article, the listings it was in before *and* is in after
(old and new section and their parents, removed and added tags, old and new
author) and ``latest``: not the whole archive. An unpublished or deleted
article's versions are marked gone, so no stale copy of a page showing it is
served even while another request re-renders it. Search pages declare the
cards they show, so a removed article leaves them at once, but a newly matching
article may take up to PAGE_CACHE_SECONDS to appear; so may the "new articles"
column beside each article on a stored page (a page rendered after the change
has it).

A page is never kept past the next scheduled publication (`pages.page_timeout`),
so a scheduled article appears on time with no cron.

Versions are nanosecond timestamps of the change, stored in the default cache,
which every process of the site shares: by default a file cache under
``var/cache`` (`backends.FileCache`), or Redis with ``CACHE_URL=redis://``. A
render that started before a version it depends on changed is not stored.
"""

from digest.cache.pages import (
    BumpsContentVersion,
    bump_content_version,
    cacheable_page,
    render_for_readers,
    versioned,
)
from digest.cache.versions import bump, shows

__all__ = [
    "BumpsContentVersion",
    "bump",
    "bump_content_version",
    "cacheable_page",
    "render_for_readers",
    "shows",
    "versioned",
]
