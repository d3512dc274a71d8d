"""Search benchmark: time typical queries through search_articles() at N articles.

Run against its own database server (the bulk load is big):

    EMBEDDED_PGDATA=/work/main/var/pgbench .venv/bin/python bench/search_bench.py \
        --articles 100000 --queries 200

It migrates, tops the articles up to N (the demo loader's `--articles` when it has
one, else generated text with a Zipf word distribution), then prints p50/p95/p99
of one results page: the count plus the first page with highlights, as the
search view runs them. A script, not a test: it never fails on speed.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digest.settings")
os.environ.setdefault("DEBUG", "true")

import django

django.setup()

from datetime import timedelta  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from taggit.models import Tag  # noqa: E402

from accounts.models import User  # noqa: E402
from articles.models import Article, Category, TaggedArticle  # noqa: E402
from articles.search import (  # noqa: E402
    refresh_all_search_vectors,
    search_articles,
    suggest,
)

NEWS_WORDS = """
government council minister election budget court police health hospital school
university climate energy water transport railway ferry harbour airport bridge
economy market prices inflation housing rent wages strike union business company
bank tax trade export farmers fishing weather storm flood drought wildfire heat
football match league coach player team season final record museum festival music
film theatre artist book library science research study vaccine virus doctor
nurses patients children parents teachers students village city district region
island coast mountain river forest park road traffic accident fire rescue court
judge trial prison crime fraud investigation report survey protest parliament
president mayor party vote campaign reform policy law ban plan project funding
investment jobs workers factory technology internet software data privacy phone
energy solar wind nuclear oil gas electricity grid power outage tourism hotel
restaurant food wine coffee bakery market cathedral church history heritage
archive exhibition concert opera ballet award prize winner olympic marathon
cycling tennis swimming sailing regatta lighthouse port shipping container cargo
""".split()

# The most frequent words of English text are stop words; the news words follow
# them, mixed with made-up words, so a news word lands in a few per cent of the
# articles as in a real archive.
STOP_WORDS = """
the of and to a in is that for it as was with be by on not he this are or his
from at which but have an they you were her she there been one all we their has
would when if so no will more can its about them some into than who also our
""".split()

SYLLABLES = (
    "ka lo mi ra ten sor vel an is ur bel dor fin gal hos lin mar nor pel".split()
)


def vocabulary(size=8000, seed=7) -> list[str]:
    rng = random.Random(seed)
    words = list(dict.fromkeys(NEWS_WORDS))
    seen = set(words) | set(STOP_WORDS)
    while len(words) < size - len(STOP_WORDS):
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    rng.shuffle(words)
    return STOP_WORDS + words


def zipf_weights(size: int) -> list[float]:
    total, cumulative = 0.0, []
    for rank in range(1, size + 1):
        total += 1.0 / rank
        cumulative.append(total)
    return cumulative


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def generate_articles(missing: int, vocab: list[str], batch: int = 5000) -> None:
    rng = random.Random(len(vocab) + missing)
    cum = zipf_weights(len(vocab))
    categories = []
    for index in range(8):
        parent, _ = Category.objects.get_or_create(
            slug=f"bench-{index}", defaults={"name": f"Bench {index}"}
        )
        categories.append(parent)
        for child in range(3):
            sub, _ = Category.objects.get_or_create(
                slug=f"bench-{index}-{child}",
                defaults={"name": f"Bench {index}.{child}", "parent": parent},
            )
            categories.append(sub)
    authors = [
        User.objects.get_or_create(
            username=f"bench{index}", defaults={"email": f"bench{index}@example.org"}
        )[0]
        for index in range(20)
    ]
    tags = [
        Tag.objects.get_or_create(name=word.title(), defaults={"slug": word})[0]
        for word in vocab[len(STOP_WORDS) + 20 : len(STOP_WORDS) + 420]
    ]
    start = Article.objects.count()
    now = timezone.now()
    made = 0
    while made < missing:
        size = min(batch, missing - made)
        articles = []
        for offset in range(size):
            number = start + made + offset
            words = rng.choices(vocab, cum_weights=cum, k=320)
            title = " ".join(words[:8]).capitalize()
            articles.append(
                Article(
                    title=title,
                    slug=f"bench-{number}",
                    lead=" ".join(words[8:38]).capitalize() + ".",
                    body="".join(
                        f"<p>{' '.join(words[i : i + 40]).capitalize()}.</p>"
                        for i in range(38, 320, 40)
                    ),
                    category=rng.choice(categories),
                    author=rng.choice(authors),
                    status=Article.Status.PUBLISHED
                    if rng.random() < 0.95
                    else Article.Status.DRAFT,
                    published_at=now
                    - timedelta(minutes=rng.randint(1, 5 * 365 * 1440)),
                )
            )
        with transaction.atomic():
            created = Article.objects.bulk_create(articles)
            TaggedArticle.objects.bulk_create(
                TaggedArticle(content_object=article, tag=tag)
                for article in created
                for tag in rng.sample(tags, 3)
            )
        made += size
        say(f"  created {start + made} articles")


def ensure_articles(target: int) -> None:
    have = Article.objects.count()
    if have >= target:
        return
    try:
        call_command("load_demo", articles=target)
    except TypeError:  # the demo loader has no --articles yet
        say(f"Generating {target - have} articles…")
        generate_articles(target - have, vocabulary())
    say("Refreshing search vectors…")
    refresh_all_search_vectors()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE articles_article")


def typical_queries(count: int, seed: int = 11) -> list[str]:
    """A mix a reader types: one to three words, phrases, exclusions, OR, typos."""
    rng = random.Random(seed)
    titles = list(
        Article.objects.published().order_by("?").values_list("title", flat=True)[:50]
    )
    words = [
        w.lower() for t in titles for w in t.split() if w.lower() not in STOP_WORDS
    ]
    common = NEWS_WORDS
    queries = []
    for index in range(count):
        kind = index % 8
        if kind in (0, 1):
            queries.append(rng.choice(words))
        elif kind == 2:
            queries.append(f"{rng.choice(common)} {rng.choice(words)}")
        elif kind == 3:
            queries.append(" ".join(rng.sample(words, 3)))
        elif kind == 4:
            title = rng.choice(titles).split()
            start = rng.randint(0, max(0, len(title) - 2))
            queries.append('"' + " ".join(title[start : start + 2]) + '"')
        elif kind == 5:
            queries.append(f"{rng.choice(words)} -{rng.choice(common)}")
        elif kind == 6:
            queries.append(f"{rng.choice(common)} OR {rng.choice(words)}")
        else:
            queries.append(rng.choice(common))
    return queries


def results_page(query: str) -> int:
    results = search_articles(query)
    total = results.count()
    page = list(results[:10])
    if total == 0:
        suggest(query)
    return len(page)


def backend_cpu_ns() -> int:
    """CPU time the database backend serving this connection has used (Linux)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
    except (OSError, ValueError, IndexError):  # not Linux, or another host
        return 0


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=1, help="runs per query")
    parser.add_argument("--explain", action="store_true", help="print one plan")
    parser.add_argument(
        "--fresh", action="store_true", help="delete the generated articles first"
    )
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    if args.fresh:
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE articles_article CASCADE")
    ensure_articles(args.articles)
    queries = typical_queries(args.queries)
    for query in queries[:10]:  # warm caches and the connection
        results_page(query)
    timings, cpu_timings = [], []
    for query in queries:
        runs, cpu_runs = [], []
        for _ in range(args.repeat):
            cpu_started = time.process_time_ns() + backend_cpu_ns()
            started = time.perf_counter()
            results_page(query)
            runs.append((time.perf_counter() - started) * 1000)
            cpu_runs.append(
                (time.process_time_ns() + backend_cpu_ns() - cpu_started) / 1e6
            )
        timings.append(min(runs))  # best of --repeat: less noise from other load
        cpu_timings.append(min(cpu_runs))
    if args.explain:
        say(search_articles(queries[0]).explain(analyze=True, buffers=True))
    slowest = sorted(zip(timings, queries, strict=True), reverse=True)[:5]
    say(
        f"{Article.objects.count()} articles, {len(queries)} queries "
        f"(best of {args.repeat}): "
        f"p50 {percentile(timings, 0.50):.1f} ms, "
        f"p95 {percentile(timings, 0.95):.1f} ms, "
        f"p99 {percentile(timings, 0.99):.1f} ms, "
        f"mean {statistics.mean(timings):.1f} ms"
    )
    if cpu_timings[0] > 0:
        say(
            "CPU (this process + its database backend, immune to other load): "
            f"p50 {percentile(cpu_timings, 0.50):.1f} ms, "
            f"p95 {percentile(cpu_timings, 0.95):.1f} ms, "
            f"p99 {percentile(cpu_timings, 0.99):.1f} ms"
        )
    say("slowest: " + ", ".join(f"{q!r} {t:.0f} ms" for t, q in slowest))


if __name__ == "__main__":
    main()
