"""Page benchmark: the reader's pages on gunicorn, against ceilings measured in the same run.

    make bench                                   # 10,000 articles
    .venv/bin/python bench/bench.py --articles 100000
    .venv/bin/python bench/bench.py --growth     # also queries and time at 1,000 / 100,000
    .venv/bin/python bench/bench.py --cold-only --profile   # cold rows and the profile

Loads N articles with `manage.py load_demo --articles N` into a data dir of its
own (var/pgbench-pages-N, loaded once), starts gunicorn with production settings,
gunicorn.conf.py as shipped and the default cache (no CACHE_URL; both printed)
on 127.0.0.1, warms up, then drives each page with wrk (32 connections, five
runs of ~2 s, each right after a framework-ceiling run; the best of each; every
request with `Accept-Encoding: gzip, br`) and prints req/s, p50, p99, errors,
SQL queries per page (Django's test client in a separate process against the
same database, anonymous, cold cache) and the ratio to two ceilings measured in
the same run:

- framework: a trivial Django view in the same server, through the whole
  middleware stack, answering a stored copy of the article page compressed as
  the page cache compresses it (bench/ceiling_wsgi.py); raw gunicorn (no
  Django) is printed too;
- static: nginx serving the article page's HTML saved as a file.

The article page also goes through deploy/nginx.conf's micro-cache in front of
gunicorn. Then the newsroom rows (bench/newsroom.py) and the cold rows
(bench/cold.py): each page type over many distinct URLs on a server without
the whole-page layer, each paired with its own ceiling runs. `--profile` splits
a cold page's time into SQL, templates and Python. A script, never a test: it
prints figures and never fails on speed.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import cold
from bench._server import ROOT, bench_env, free_port, gunicorn, shipped_gunicorn

DEPLOY_CONF = ROOT / "deploy" / "nginx.conf"
NGINX = "/usr/sbin/nginx"
PROBE_MARK = "BENCH-PROBE "
PAGES = ["home", "article", "category", "tag", "search", "rss"]


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def data_dir(articles: int) -> Path:
    return ROOT / "var" / f"pgbench-pages-{articles}"


# Tools


def ensure_tool(path: str, package: str, *, required: bool) -> bool:
    """Install a Debian package when missing and we are root; else say how."""
    if shutil.which(path) or Path(path).exists():
        return True
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say(f"Installing {package} (apt-get install -y {package})…")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        done = subprocess.run(
            ["apt-get", "install", "-y", "-qq", package], env=env, check=False
        )
        if done.returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
            subprocess.run(
                ["apt-get", "install", "-y", "-qq", package], env=env, check=False
            )
        if shutil.which(path) or Path(path).exists():
            return True
    message = f"{package} is missing: install it (sudo apt-get install {package})"
    if required:
        sys.exit(f"bench: error: {message}")
    say(f"bench: {message}; skipping what needs it")
    return False


# nginx (also used by tests/digest/test_nginx.py)


def site_conf(
    *,
    upstream: str,
    listen: int,
    static_root: Path,
    media_root: Path,
    cache_dir: Path,
) -> str:
    """deploy/nginx.conf pointed at `upstream`, listening on 127.0.0.1:`listen`."""
    text = DEPLOY_CONF.read_text()
    replacements = {
        "server 127.0.0.1:8000;": f"server {upstream};",
        "listen 80;": f"listen 127.0.0.1:{listen};",
        "server_name example.org;": "server_name 127.0.0.1 localhost;",
        "/srv/digest/staticfiles/": f"{static_root}/",
        "/srv/digest/media/": f"{media_root}/",
        "/var/cache/nginx/digest": str(cache_dir),
    }
    for old, new in replacements.items():
        if old not in text:
            raise RuntimeError(f"deploy/nginx.conf no longer contains {old!r}")
        text = text.replace(old, new)
    return text


def main_conf(prefix: Path, http_body: str, *, workers: int = 2) -> str:
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {name}_temp_path {prefix}/tmp/{name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""{user}worker_processes {workers};
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
{temp}
{http_body}
}}
"""


@contextmanager
def nginx_server(http_body: str, *, workers: int = 2):
    """Run nginx in the foreground with `http_body` in its http {} block."""
    prefix = Path(tempfile.mkdtemp(prefix="digest-nginx-"))
    (prefix / "tmp").mkdir()
    conf = prefix / "nginx.conf"
    conf.write_text(main_conf(prefix, http_body, workers=workers))
    check = subprocess.run(
        [NGINX, "-t", "-q", "-p", str(prefix), "-c", str(conf)],
        capture_output=True,
        text=True,
        check=False,
    )
    if check.returncode != 0:
        raise RuntimeError(f"nginx refuses the configuration:\n{check.stderr}")
    proc = subprocess.Popen(
        [NGINX, "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"]
    )
    try:
        yield prefix
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(prefix, ignore_errors=True)


def wait_for(url: str, tries: int = 50) -> None:
    for _ in range(tries):
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} does not answer")


# wrk


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
BYTE_UNITS = {"B": 1, "KB": 2**10, "MB": 2**20, "GB": 2**30}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * UNITS[unit]


WRK_TIMEOUT = "10s"
# What every browser sends: pages and ceilings answer compressed.
ACCEPT_ENCODING = "Accept-Encoding: gzip, br"


def wrk_threads(connections: int) -> int:
    return min(os.cpu_count() or 2, 4, connections)


def run_wrk(
    url: str,
    *,
    seconds: int,
    connections: int,
    headers: list[str] = (),
    script: Path | None = None,
    script_args: list[str] = (),
    compressed: bool = True,
) -> dict:
    threads = wrk_threads(connections)
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        # Longer than wrk's 2 s: a slow cold page counts in p99, not as lost.
        f"--timeout={WRK_TIMEOUT}",
        "--latency",
    ]
    for header in [*headers, *([ACCEPT_ENCODING] if compressed else [])]:
        command += ["-H", header]
    if script:
        command += ["-s", str(script)]
    command.append(url)
    if script_args:
        command += ["--", *script_args]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    transfer = re.search(r"Transfer/sec:\s+([\d.]+)([KMG]?B)", output)
    result = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "bytes_per_second": float(transfer.group(1)) * BYTE_UNITS[transfer.group(2)]
        if transfer
        else 0.0,
        "p50": _ms(re.search(r"50%\s+([\d.]+\w+)", output).group(1)),
        "p99": _ms(re.search(r"99%\s+([\d.]+\w+)", output).group(1)),
        "errors": 0,
    }
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    result["non_2xx"] = int(non_2xx.group(1)) if non_2xx else 0
    result["errors"] += result["non_2xx"]
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if sockets:
        result["errors"] += sum(int(n) for n in sockets.groups())
    return result


ROUNDS = 5


def best_run(runs: list[dict]) -> dict:
    """The run with the highest throughput (its latencies go with it)."""
    return dict(max(runs, key=lambda run: run["rps"]))


def paired_runs(
    target: str,
    ceiling_url: str | None,
    *,
    seconds: int,
    connections: int,
    round_args=None,
    **kwargs,
) -> tuple[dict, float | None]:
    """The best of ROUNDS short runs of `target`, each right after a ceiling run.

    Throughput here swings between runs for reasons outside the page: a shared
    VM's speed drifts, and wrk's keep-alive connections can all land on one of
    the two workers for a whole run (then any page, the ceiling too, does about
    half). As timeit takes the fastest run, the best run of the page and the
    best of its ceiling runs are compared: slower runs measure that
    interference, not the page. `round_args(n)` gives run n's wrk script
    arguments. Returns the page's best run and its ceiling's best req/s.
    """
    round_seconds = max(2, round(seconds / ROUNDS))
    runs, ceiling_runs = [], []
    for number in range(ROUNDS):
        if ceiling_url:
            ceiling_runs.append(
                run_wrk(ceiling_url, seconds=round_seconds, connections=connections)
            )
        extra = {"script_args": round_args(number)} if round_args else {}
        runs.append(
            run_wrk(
                target,
                seconds=round_seconds,
                connections=connections,
                **kwargs,
                **extra,
            )
        )
    result = best_run(runs)
    result["errors"] = sum(run["errors"] for run in runs)
    result["non_2xx"] = sum(run["non_2xx"] for run in runs)
    paired = best_run(ceiling_runs)["rps"] if ceiling_runs else None
    return result, paired


SEARCH_SCRIPT = """
words = {%s}
request = function()
  local q = words[math.random(#words)]
  return wrk.format("GET", "/search/?q=" .. q .. "&r=" .. math.random(1000000000))
end
"""


READERS = 32
SESSIONS_SCRIPT = """
cookies = {%s}
request = function()
  return wrk.format(nil, nil, {["Cookie"] = "sessionid=" .. cookies[math.random(#cookies)]})
end
"""


# The probe: runs in its own process with the benchmark's settings


def probe(articles: int, *, with_profile: bool = False) -> dict:
    """Load the data set when needed; measure queries and server time per page."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digest.settings")
    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection, reset_queries
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext
    from taggit.models import Tag

    from accounts.models import User
    from articles.models import Article

    call_command("migrate", verbosity=0, interactive=False)
    have = Article.objects.count()
    if have < articles:
        load(articles, have)
    else:
        # The archive's cards, as the write path leaves them (kept in
        # var/cache/fragments across runs; rendered again after a template change).
        call_command("fill_fragments", jobs=2)
    from digest.cache import bump_content_version

    bump_content_version()

    article = (
        Article.objects.published()
        .filter(tagged_items__isnull=False)
        .newest_first()
        .select_related("category")
        .first()
    )
    tag = Tag.objects.filter(articles_taggedarticle_items__content_object=article)
    tag = tag.first() or Tag.objects.first()
    words = [
        word.lower()
        for title in Article.objects.published()
        .newest_first()
        .values_list("title", flat=True)[:200]
        for word in re.findall(r"[A-Za-z]{5,}", title)
    ]
    # The longest word of the article's title: a real word that finds something.
    query = max(re.findall(r"[A-Za-z]+", article.title) or ["news"], key=len).lower()
    urls = {
        "home": "/",
        "article": article.get_absolute_url(),
        "category": (article.category.parent or article.category).get_absolute_url(),
        "tag": f"/tag/{tag.slug}/",
        "search": f"/search/?q={query}",
        "rss": "/feed/",
    }
    # Signed-in readers: many, as on a real site (one session hammering one page
    # only measures the lock on its own reading-history row).
    sessions = []
    for number in range(READERS):
        reader, _ = User.objects.get_or_create(
            username=f"bench-reader-{number}",
            defaults={"email": f"bench-reader-{number}@example.org"},
        )
        signed_in = Client(HTTP_HOST="127.0.0.1")
        signed_in.force_login(reader)
        sessions.append(signed_in.cookies["sessionid"].value)

    # Count every query of a request: outside tests Django clears the log and
    # recycles the connection at each request's start and end.
    request_started.disconnect(reset_queries)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    anonymous = Client(HTTP_HOST="127.0.0.1")
    results = {}
    for name, url in [*urls.items(), ("article signed in", urls["article"])]:
        client = signed_in if name == "article signed in" else anonymous
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        count = len(queries)
        scans = seq_scans(connection, queries.captured_queries)
        timings = []
        with override_settings(PAGE_CACHE_SECONDS=0):
            for _ in range(7):
                started = time.perf_counter()
                client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as warm:
            client.get(url)  # what every later request costs (caches warm)
        if name == "article" and os.environ.get("BENCH_CEILING_PAGE"):
            # The framework ceiling's stored page (bench/ceiling_wsgi.py).
            Path(os.environ["BENCH_CEILING_PAGE"]).write_bytes(response.content)
        results[name] = {
            "url": url,
            "queries": count,
            "warm_queries": len(warm),
            "seq_scans": scans,
            "ms": statistics.median(timings),
            "bytes": len(response.content),
        }
    admin_list = measure_admin_list(connection, CaptureQueriesContext, Client, User)
    if admin_list:
        results["admin article list"] = admin_list
    cold_info = probe_cold(with_profile=with_profile)
    cache.clear()  # the servers start from an empty cache
    return {
        "articles": Article.objects.count(),
        "pages": results,
        "sessions": sessions,
        "words": sorted(set(words))[:200],
        "cold": cold_info,
    }


def probe_cold(*, with_profile: bool) -> dict:
    """The cold rows' URLs, search query list, SQL per page (and profile)."""
    from django.core.cache import cache
    from django.test import Client

    from articles.search import RANK_LIMIT

    queries = cold.search_queries()
    urls = cold.cold_urls(queries)
    cache.clear()
    with cold.page_layer_off():
        client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_ENCODING="gzip, br")
        counts = cold.cold_queries(client, urls)
        timing = cold.profile(client, urls) if with_profile else None
    return {
        "urls": urls,
        "queries": counts,
        "search": queries,
        "rank_limit": RANK_LIMIT,
        "profile": timing,
    }


def measure_admin_list(connection, capture, client_class, user_model) -> dict | None:
    """The editors' article list, as a superuser (target: under 300 ms)."""
    from django.contrib import admin

    from articles.models import Article

    if not admin.site.is_registered(Article):
        return None
    user, created = user_model.objects.get_or_create(
        username="bench-admin",
        defaults={
            "email": "bench-admin@example.org",
            "is_staff": True,
            "is_superuser": True,
        },
    )
    client = client_class(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    url = "/admin/articles/article/"
    with capture(connection) as queries:
        response = client.get(url)
    if response.status_code != 200:
        return None
    count = len(queries)
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    return {
        "url": url,
        "queries": count,
        "seq_scans": seq_scans(connection, queries.captured_queries),
        "ms": statistics.median(timings),
        "bytes": len(response.content),
    }


def seq_scans(connection, captured: list[dict]) -> int:
    """How many of a page's queries read a whole article or tagging table."""
    found = 0
    for query in captured:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        found += bool(
            re.search(r"Seq Scan on (articles_article|articles_taggedarticle)\b", plan)
        )
    return found


def load(articles: int, have: int) -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError
    from django.db import connection

    say(f"Loading {articles} articles into {os.environ['EMBEDDED_PGDATA']}…")
    try:
        call_command("load_demo", articles=articles, jobs=2)
    except (TypeError, CommandError):  # a demo loader without --articles
        from articles.search import refresh_all_search_vectors
        from bench.search_bench import generate_articles, vocabulary
        from digest.models import SiteSettings

        SiteSettings.load()
        generate_articles(articles - have, vocabulary())
        refresh_all_search_vectors()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def ceiling_page(articles: int) -> Path:
    """Where the probe keeps the article page the framework ceiling answers."""
    return ROOT / "var" / f"bench-ceiling-article-{articles}.html"


def run_probe(articles: int, *, with_profile: bool = False) -> dict:
    env = bench_env(
        EMBEDDED_PGDATA=str(data_dir(articles)),
        BENCH_CEILING_PAGE=str(ceiling_page(articles)),
    )
    # Production settings render hashed static names from the manifest.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    proc = subprocess.run(
        [
            sys.executable,
            __file__,
            "--probe",
            str(articles),
            *(["--profile"] if with_profile else []),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    for line in proc.stdout.splitlines():
        if line.startswith(PROBE_MARK):
            return json.loads(line[len(PROBE_MARK) :])
        say(line)
    raise RuntimeError("the probe printed no result")


# The run


def worker_rss_mb(proc) -> list[float]:
    try:
        import psutil
    except ImportError:
        return []
    return [
        child.memory_info().rss / 2**20
        for child in psutil.Process(proc.pid).children(recursive=True)
    ]


def fmt_row(cells, widths) -> str:
    return "  ".join(
        str(cell).ljust(width) if index == 0 else str(cell).rjust(width)
        for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
    )


def benchmark(args) -> None:
    ensure_tool("wrk", "wrk", required=True)
    have_nginx = ensure_tool(NGINX, "nginx", required=False)
    load1 = os.getloadavg()
    say(f"Load average before: {load1[0]:.2f} {load1[1]:.2f} {load1[2]:.2f}")

    info = run_probe(args.articles, with_profile=args.profile)
    pages = info["pages"]
    article_bytes = pages["article"]["bytes"]
    env = server_env(args.articles)
    seconds, conns = args.duration, args.connections
    rows = []  # (name, result, queries, ceiling name)
    # The settings a newcomer gets: no CACHE_URL (the default cache, emptied by
    # the probe), gunicorn.conf.py as shipped.
    say(cache_description(env))
    say(shipped_gunicorn(env))
    newsroom_rows = []

    with gunicorn(env, app="bench.ceiling_wsgi") as (url, proc):
        for name in PAGES:
            for _ in range(3):
                urllib.request.urlopen(url + pages[name]["url"], timeout=30).read()
        say(f"Warming up {url} …")
        run_wrk(url + "/", seconds=3, connections=conns)

        ceiling_url = url + "/__ceiling__/django/"

        def measure(name, target, queries="", ceiling="framework", **kwargs):
            """One row: see paired_runs()."""
            say(f"  {name} …")
            result, paired = paired_runs(
                target,
                ceiling_url if ceiling == "framework" else None,
                seconds=seconds,
                connections=conns,
                **kwargs,
            )
            rows.append((name, result, queries, ceiling, paired))

        measure("framework ceiling", ceiling_url, ceiling="")
        measure("gunicorn, no Django", url + "/__ceiling__/wsgi/")
        for name in PAGES:
            measure(name, url + pages[name]["url"], pages[name]["queries"])
        script = Path(tempfile.mkstemp(suffix=".lua")[1])
        script.write_text(
            SEARCH_SCRIPT % ", ".join(f'"{w}"' for w in info["words"] or ["news"])
        )
        measure(
            "search, uncached", url + "/", pages["search"]["queries"], script=script
        )
        script.write_text(
            SESSIONS_SCRIPT % ", ".join(f'"{s}"' for s in info["sessions"])
        )
        measure(
            f"article, {READERS} signed in",
            url + pages["article"]["url"],
            pages["article signed in"]["queries"],
            script=script,
        )
        script.unlink()

        if have_nginx:
            html = urllib.request.urlopen(url + pages["article"]["url"]).read()
            www = Path(tempfile.mkdtemp(prefix="digest-www-"))
            (www / "article.html").write_bytes(html)
            www.chmod(0o755)
            (www / "article.html").chmod(0o644)
            static_port, proxy_port = free_port(), free_port()
            body = f"""
server {{
    listen 127.0.0.1:{static_port};
    root {www};
}}
{
                site_conf(
                    upstream=url.removeprefix("http://"),
                    listen=proxy_port,
                    static_root=ROOT / "staticfiles",
                    media_root=ROOT / "media",
                    cache_dir=www / "cache",
                )
            }
"""
            with nginx_server(body):
                static = f"http://127.0.0.1:{static_port}/article.html"
                proxied = f"http://127.0.0.1:{proxy_port}{pages['article']['url']}"
                wait_for(static)
                wait_for(proxied)
                measure(
                    "static ceiling (nginx file)", static, ceiling="", compressed=False
                )
                measure(
                    "article via nginx cache",
                    proxied,
                    pages["article"]["queries"],
                    ceiling="static",
                    compressed=False,
                )
            shutil.rmtree(www, ignore_errors=True)
        rss = worker_rss_mb(proc)
        newsroom_rows = run_newsroom(url, env, conns)
    cold_rows = run_cold(info["cold"], env, seconds=seconds, conns=conns)

    load2 = os.getloadavg()
    ceilings = {
        "framework": rows[0][1]["rps"],
        "static": next(
            (r["rps"] for n, r, *_ in rows if n.startswith("static ceiling")), None
        ),
    }
    say()
    say(
        f"{info['articles']:,} articles, {conns} connections, {seconds} s per page "
        f"(best of {ROUNDS} runs, each after its own ceiling run), "
        f"{os.cpu_count()} CPUs; {shipped_gunicorn(env)}"
    )
    widths = [28, 9, 9, 9, 7, 8, 10, 14]
    say(
        fmt_row(
            [
                "page",
                "req/s",
                "p50 ms",
                "p99 ms",
                "errors",
                "queries",
                "ceiling",
                "ratio",
            ],
            widths,
        )
    )
    say("-" * (sum(widths) + 2 * len(widths)))
    for name, result, queries, ceiling, paired in rows:
        base = paired or (ceilings.get(ceiling) if ceiling else None)
        ratio = f"{result['rps'] / base:.0%} {ceiling}" if base else "(ceiling)"
        say(
            fmt_row(
                [
                    name,
                    f"{result['rps']:,.0f}",
                    f"{result['p50']:.1f}",
                    f"{result['p99']:.1f}",
                    result["errors"],
                    queries,
                    f"{paired:,.0f}" if paired else "",
                    ratio,
                ],
                widths,
            )
        )
    if rss:
        say(f"worker RSS after the run: {', '.join(f'{mb:.0f} MB' for mb in rss)}")
    say(f"article page: {article_bytes:,} bytes")
    say(f"load average after: {load2[0]:.2f} {load2[1]:.2f} {load2[2]:.2f}")
    print_targets(rows, ceilings, pages, rss)
    say_newsroom(newsroom_rows, rows[0][1]["rps"])
    say_cold(info["cold"], cold_rows)
    say_profile(info["cold"]["profile"])


def server_env(articles: int) -> dict:
    """The bench servers' environment: production settings, the probe's data."""
    return bench_env(
        EMBEDDED_PGDATA=str(data_dir(articles)),
        BENCH_CEILING_PAGE=str(ceiling_page(articles)),
        VIEW_COUNT_RATE_LIMIT="0",
    )


def cold_bench(args) -> None:
    """Only the cold rows (and the profile with --profile)."""
    ensure_tool("wrk", "wrk", required=True)
    info = run_probe(args.articles, with_profile=args.profile)
    env = server_env(args.articles)
    say(cache_description(env))
    say(shipped_gunicorn(env))
    rows = run_cold(info["cold"], env, seconds=args.duration, conns=args.connections)
    say()
    say(f"{info['articles']:,} articles, {os.cpu_count()} CPUs")
    say_cold(info["cold"], rows)
    say_profile(info["cold"]["profile"])


def run_cold(data: dict, env: dict, *, seconds: int, conns: int) -> list:
    """Each cold page type over its URL list, each round after a ceiling run.

    The server runs without the whole-page layer (bench/ceiling_wsgi.py,
    BENCH_PAGE_LAYER=off); each wrk run goes on down the list where the last
    stopped, so no page repeats until the list is done.
    """
    rows = []
    with gunicorn({**env, "BENCH_PAGE_LAYER": "off"}, app="bench.ceiling_wsgi") as (
        url,
        _proc,
    ):
        ceiling_url = url + "/__ceiling__/django/"
        say(f"Cold pages (no whole-page cache) on {url} …")
        run_wrk(ceiling_url, seconds=2, connections=conns)
        for name in cold.COLD_PAGES:
            urls = data["urls"].get(name)
            if not urls:
                continue
            say(f"  cold {name} ({len(urls):,} URLs) …")
            script = Path(tempfile.mkstemp(suffix=".lua")[1])
            script.write_text(cold.lua_url_list(urls, wrk_threads(conns)))
            step = max(1, len(urls) // ROUNDS)
            result, paired = paired_runs(
                url + "/",
                ceiling_url,
                seconds=seconds,
                connections=conns,
                script=script,
                round_args=lambda number, step=step: [str(number * step)],
            )
            script.unlink()
            rows.append((name, result, paired))
    return rows


def say_cold(data: dict, rows: list) -> None:
    if not rows:
        return
    say()
    say(
        "Search query list (hits among published articles; results in relevance "
        f"order, broad queries ranked over the newest ~{data['rank_limit']} "
        "matches, see articles/search.py ranking_cutoff):"
    )
    say("  " + ", ".join(f"{word} {hits:,}" for word, hits in data["search"]))
    say()
    say(
        "Cold pages: no whole-page cache, no nginx (header/footer and fragment "
        f"caches on); best of {ROUNDS} runs, each after its own ceiling run"
    )
    widths = [10, 8, 8, 8, 7, 8, 8, 8, 8, 8]
    say(
        fmt_row(
            [
                "page",
                "URLs",
                "req/s",
                "p50 ms",
                "p99 ms",
                "errors",
                "SQL",
                "KB/req",
                "ceiling",
                "ratio",
            ],
            widths,
        )
    )
    say("-" * (sum(widths) + 2 * len(widths)))
    for name, result, paired in rows:
        say(
            fmt_row(
                [
                    name,
                    f"{len(data['urls'][name]):,}",
                    f"{result['rps']:,.0f}",
                    f"{result['p50']:.1f}",
                    f"{result['p99']:.1f}",
                    result["errors"],
                    data["queries"].get(name, "?"),
                    f"{result['bytes_per_second'] / max(result['rps'], 1) / 1024:.1f}",
                    f"{paired:,.0f}",
                    f"{result['rps'] / paired:.0%}",
                ],
                widths,
            )
        )
    say()
    say("Targets (cold)")
    for name, result, paired in rows:
        target = cold.TARGETS.get(name)
        if target is None:
            continue
        share = result["rps"] / paired
        ok = share >= target and not result["errors"]
        errors = (
            f", {result['errors']} errors ({result['non_2xx']} non-2xx)"
            if result["errors"]
            else ""
        )
        say(
            f"  {'holds ' if ok else 'MISSED'}  cold {name} ≥ {target:.0%} of "
            f"framework ceiling: {share:.0%}{errors}"
        )


def say_profile(timing: dict | None) -> None:
    if not timing:
        return
    say()
    say(
        "Profile: a cold page's time in-process (Django test client, no "
        "whole-page cache), ms per page"
    )
    widths = [10, 6, 8, 14, 14, 14]
    say(fmt_row(["page", "pages", "total", "SQL", "templates", "Python"], widths))
    for name, t in timing.items():
        say(
            fmt_row(
                [
                    name,
                    t["pages"],
                    f"{t['total']:.1f}",
                    *(
                        f"{t[part]:.1f} ({t[part] / t['total']:.0%})"
                        for part in ("sql", "templates", "python")
                    ),
                ],
                widths,
            )
        )


def newsroom_bench(args) -> None:
    """Only the newsroom rows, beside a short framework-ceiling run."""
    run_probe(args.articles)  # loads the archive when missing
    env = server_env(args.articles)
    say(cache_description(env))
    say(shipped_gunicorn(env))
    with gunicorn(env, app="bench.ceiling_wsgi") as (url, _proc):
        ceiling_url = url + "/__ceiling__/django/"
        run_wrk(ceiling_url, seconds=3, connections=args.connections)
        ceiling = run_wrk(ceiling_url, seconds=5, connections=args.connections)
        results = run_newsroom(url, env, args.connections)
    say(f"framework ceiling: {ceiling['rps']:,.0f} req/s")
    say_newsroom(results, ceiling["rps"])


def cache_description(env: dict) -> str:
    """The cache backend the server runs with, and its size."""
    code = (
        "import django; django.setup(); from django.conf import settings\n"
        "for alias, c in settings.CACHES.items():\n"
        "    print(alias, c['BACKEND'], c.get('LOCATION', ''), "
        "'max entries', c.get('OPTIONS', {}).get('MAX_ENTRIES', 300))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "digest.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    return "\n".join(f"cache: {line}" for line in done.stdout.strip().splitlines())


NEWSROOM_SECONDS = 60


def run_newsroom(url: str, env: dict, conns: int) -> list[tuple[str, dict]]:
    """The newsroom mix (bench/newsroom.py), without and with an editor at work."""
    from bench.newsroom import MARK

    results = []
    for name, extra in (("newsroom", []), ("newsroom, editor at work", ["--edits"])):
        say(f"  {name} (5 s warm-up, {NEWSROOM_SECONDS} s) …")
        done = subprocess.run(
            [
                sys.executable,
                "bench/newsroom.py",
                url,
                "--seconds",
                str(NEWSROOM_SECONDS),
                "--clients",
                str(conns),
                *extra,
            ],
            cwd=ROOT,
            env={**env, "DJANGO_SETTINGS_MODULE": "digest.settings"},
            capture_output=True,
            text=True,
            check=False,
        )
        line = next((x for x in done.stdout.splitlines() if x.startswith(MARK)), None)
        if line is None:
            say(done.stdout[-2000:] + done.stderr[-2000:])
            continue
        results.append((name, json.loads(line[len(MARK) :])))
    return results


def say_newsroom(results, ceiling: float | None) -> None:
    if not results:
        return
    say()
    first = results[0][1]
    say(
        f"Newsroom mix: {first['articles']:,} published articles, "
        f"{first['words']:,} search words, one run each (not best-of)"
    )
    widths = [26, 8, 8, 8, 7, 10, 7, 14]
    say(
        fmt_row(
            ["row", "req/s", "p50 ms", "p99 ms", "hits", "KB/req", "errors", "edits"],
            widths,
        )
    )
    for name, r in results:
        detail = r["edit_detail"]
        edits = f"{r['edits']} ({detail['saved']}+{detail['published']})"
        say(
            fmt_row(
                [
                    name,
                    f"{r['rps']:,.0f}",
                    f"{r['p50']:.1f}",
                    f"{r['p99']:.1f}",
                    f"{r['hit_ratio']:.0%}",
                    f"{r['kb_per_request']:.1f}",
                    r["errors"],
                    edits if "editor" in name else "-",
                ],
                widths,
            )
        )
        if "editor" in name and not r["edits"]:
            say(f"  MISSED  the editor made no edit: {r['edit_errors']}")
    if ceiling:
        base = results[0][1]["rps"]
        say(f"  newsroom: {base / ceiling:.0%} of the framework ceiling")
        if len(results) > 1:
            say(f"  with edits: {results[1][1]['rps'] / base:.0%} of that")


def print_targets(rows, ceilings, pages, rss) -> None:
    by_name = {name: result for name, result, *_ in rows}
    # Each page against the ceiling run paired with it (see measure()).
    framework = {
        name: paired or ceilings["framework"] for name, _, _, _, paired in rows
    }
    checks = []
    for name in ("article", "home", "category", "tag"):
        result = by_name[name]
        checks.append(
            (
                f"anonymous {name} ≥ 60% of framework ceiling, p99 < 50 ms",
                result["rps"] >= 0.6 * framework[name] and result["p99"] < 50,
                f"{result['rps'] / framework[name]:.0%}, p99 {result['p99']:.1f} ms",
            )
        )
    signed_name = f"article, {READERS} signed in"
    signed = by_name[signed_name]
    warm = pages["article signed in"]["warm_queries"]
    checks.append(
        (
            "signed-in article ≥ 20% of framework ceiling",
            signed["rps"] >= 0.2 * framework[signed_name],
            f"{signed['rps'] / framework[signed_name]:.0%}"
            f" ({warm} {'query' if warm == 1 else 'queries'} a page once warm)",
        )
    )
    checks.append(
        (
            "queries: article ≤ 10, home ≤ 15",
            pages["article"]["queries"] <= 10 and pages["home"]["queries"] <= 15,
            f"article {pages['article']['queries']}, home {pages['home']['queries']}",
        )
    )
    if rss:
        checks.append(("worker RSS < 150 MB", max(rss) < 150, f"max {max(rss):.0f} MB"))
    if ceilings["static"]:
        proxied = by_name["article via nginx cache"]
        checks.append(
            (
                "article via nginx ≥ 25% of static ceiling",
                proxied["rps"] >= 0.25 * ceilings["static"],
                f"{proxied['rps'] / ceilings['static']:.0%}",
            )
        )
    say()
    say("Targets")
    for label, ok, figure in checks:
        say(f"  {'holds ' if ok else 'MISSED'}  {label}: {figure}")


def growth() -> None:
    """Queries and server time per page at 1,000 and at 100,000 articles."""
    small, large = run_probe(1000), run_probe(100_000)
    say()
    say("Growth: SQL queries (anonymous, cold cache) and server time of a page miss")
    widths = [20, 10, 12, 10, 12, 16]
    say(
        fmt_row(
            [
                "page",
                "q @1,000",
                "q @100,000",
                "ms @1,000",
                "ms @100,000",
                "seq scans @100k",
            ],
            widths,
        )
    )
    for name in small["pages"]:
        if name not in large["pages"]:
            continue
        a, b = small["pages"][name], large["pages"][name]
        say(
            fmt_row(
                [
                    name,
                    a["queries"],
                    b["queries"],
                    f"{a['ms']:.1f}",
                    f"{b['ms']:.1f}",
                    b.get("seq_scans", "?"),
                ],
                widths,
            )
        )
    same = all(
        small["pages"][n]["queries"] == large["pages"][n]["queries"]
        for n in small["pages"]
        if n in large["pages"] and not n.startswith("admin")
    )
    admin_list = large["pages"].get("admin article list")
    if admin_list:
        fast = admin_list["ms"] < 300
        say(
            f"  {'holds ' if fast else 'MISSED'}  admin article list under 300 ms "
            f"at 100,000: {admin_list['ms']:.0f} ms"
        )
    say(
        f"  {'holds ' if same else 'MISSED'}  query counts of the public pages identical at both sizes"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per page")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--growth", action="store_true", help="also 1,000 vs 100,000 articles"
    )
    parser.add_argument("--growth-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--probe", type=int, help=argparse.SUPPRESS)
    parser.add_argument(
        "--newsroom-only", action="store_true", help="only the newsroom rows"
    )
    parser.add_argument(
        "--cold-only", action="store_true", help="only the cold page rows"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also split a cold page's time into SQL, templates and Python",
    )
    args = parser.parse_args()
    if args.probe:
        found = probe(args.probe, with_profile=args.profile)
        sys.stdout.write(PROBE_MARK + json.dumps(found) + "\n")
        return 0
    if args.newsroom_only:
        newsroom_bench(args)
    elif args.cold_only:
        cold_bench(args)
    elif not args.growth_only:
        benchmark(args)
    if args.growth or args.growth_only:
        growth()
    return 0


if __name__ == "__main__":
    sys.exit(main())
