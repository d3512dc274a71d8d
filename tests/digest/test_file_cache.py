"""The default file cache (digest/cache/backends.py): bounded, and cheap to keep so."""

from digest.cache.backends import CULL_EVERY, CULL_SPREAD, FileCache


def file_cache(location, max_entries: int) -> FileCache:
    return FileCache(
        str(location), {"OPTIONS": {"MAX_ENTRIES": max_entries, "CULL_FREQUENCY": 4}}
    )


def cached_files(folder) -> int:
    return sum(1 for path in folder.iterdir() if path.suffix == ".djcache")


def test_a_full_cache_culls_to_stay_within_its_size(tmp_path):
    cache = file_cache(tmp_path, 40)
    cache._cull_every = 1  # check on every write, as a long run would eventually
    for n in range(300):
        cache.set(f"page-{n}", "x" * 100)
    assert cached_files(tmp_path) <= 40
    # What is left is still readable, and the newest entry is there.
    assert cache.get("page-299") == "x" * 100


def test_a_large_cache_checks_its_size_less_often():
    small = FileCache("/nonexistent", {"OPTIONS": {"MAX_ENTRIES": 300}})
    large = FileCache("/nonexistent", {"OPTIONS": {"MAX_ENTRIES": 250_000}})
    assert small._cull_every == CULL_EVERY
    assert large._cull_every == 250_000 // CULL_SPREAD


def test_clearing_the_pages_keeps_the_cards_in_their_own_folder(tmp_path):
    pages = file_cache(tmp_path, 1000)
    cards = file_cache(tmp_path / "fragments", 1000)
    pages.set("page", "front page")
    cards.set("card", "a card")
    pages.clear()
    assert pages.get("page") is None
    assert cards.get("card") == "a card"
    assert cached_files(tmp_path / "fragments") == 1


def test_a_cache_whose_folder_is_gone_is_empty_not_an_error(tmp_path):
    cache = file_cache(tmp_path / "never-made", 10)
    assert cache._list_cache_files() == []
    cache.clear()
    assert cache.get("anything") is None
