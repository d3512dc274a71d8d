"""Mixed traffic from many concurrent clients against gunicorn with production settings.

    .venv/bin/python bench/load.py [--clients 64] [--seconds 60]

Readers open the home page, articles (each followed by its view beacon, every one from
a distinct reader), category listings and searches; others try to sign in with a wrong
password. Prints requests, errors and latencies, and compares the views the beacons
were promised with the views stored. Exits 1 on any 5xx or lost view. A script, not a test.
"""

import argparse
import http.client
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._server import ROOT, bench_env, gunicorn

WORDS = ["harbour", "council", "ferry", "election", "weather", "school", "zzzz", "a"]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Tally:
    """What every client thread adds to, under one lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.statuses: Counter = Counter()
        self.kinds: Counter = Counter()
        self.promised = 0  # beacons answered 204: views that must be stored
        self.beacons = 0

    def record(self, kind: str, status: int, elapsed: float) -> None:
        with self.lock:
            self.latencies.append(elapsed)
            self.statuses[status] += 1
            self.kinds[kind] += 1

    def next_reader(self) -> int:
        with self.lock:
            self.beacons += 1
            return self.beacons

    def promise(self) -> None:
        with self.lock:
            self.promised += 1


class LoadClient:
    """One simulated visitor on its own keep-alive connection."""

    def __init__(self, n: int, *, url: str, tally: Tally, run: int, site: dict):
        self.url = url
        self.parts = urllib.parse.urlsplit(url)
        self.conn = self._connect()
        self.rng = random.Random(n)
        self.agent = f"Mozilla/5.0 (X11; Linux x86_64) LoadClient/{n} Firefox/128.0"
        self.tally = tally
        self.run = run
        self.site = site

    def _connect(self):
        return http.client.HTTPConnection(
            self.parts.hostname, self.parts.port, timeout=30
        )

    def send(self, kind, method, path, body=None, headers=None):
        headers = {"User-Agent": self.agent, **(headers or {})}
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
            status = response.status
            cookies = response.headers.get_all("Set-Cookie") or []
        except OSError:
            self.conn.close()
            self.conn = self._connect()
            status, data, cookies = 0, b"", []
        self.tally.record(kind, status, time.perf_counter() - started)
        return status, data, cookies

    def run_until(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            self.visit()
        self.conn.close()

    def visit(self) -> None:
        roll = self.rng.random()
        if roll < 0.2:
            self.send("home", "GET", "/")
        elif roll < 0.55:
            self.read_article()
        elif roll < 0.7:
            page = self.rng.choice(["", "?page=2"])
            self.send("listing", "GET", self.rng.choice(self.site["categories"]) + page)
        elif roll < 0.85:
            q = urllib.parse.quote(" ".join(self.rng.sample(WORDS, 2)))
            self.send("search", "GET", f"/search/?q={q}")
        else:
            self.fail_to_sign_in()

    def read_article(self) -> None:
        path, pk, token = self.rng.choice(self.site["articles"])
        self.send("article", "GET", path)
        reader = self.tally.next_reader()
        status, _, _ = self.send(
            "beacon",
            "POST",
            f"/views/{pk}/",
            body=urllib.parse.urlencode({"token": token}),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                # A distinct reader per beacon, in this run and any earlier one
                # today: each one must count.
                "User-Agent": f"Mozilla/5.0 (X11; Linux) Reader/{self.run}-{reader} Firefox/128.0",
            },
        )
        if status == 204:
            self.tally.promise()

    def fail_to_sign_in(self) -> None:
        _, data, cookies = self.send("sign-in", "GET", "/accounts/login/")
        match = CSRF.search(data.decode(errors="replace"))
        if not match:
            return
        self.send(
            "sign-in",
            "POST",
            "/accounts/login/",
            body=urllib.parse.urlencode(
                {
                    "csrfmiddlewaretoken": match.group(1),
                    "username": f"nobody{self.rng.randrange(10**6)}",
                    "password": "wrong password",
                }
            ),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": "; ".join(c.split(";", 1)[0] for c in cookies),
                "Referer": self.url + "/accounts/login/",
            },
        )


def prepare(env: dict) -> None:
    """Migrate and load the demo into the benchmark's database, then set Django up."""
    os.environ.update(env)
    for command in (["migrate", "--noinput", "-v0"], ["load_demo", "--if-empty"]):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True
        )
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digest.settings")
    django.setup()


def report(*, args, wall: float, tally: Tally, stored: int) -> int:
    """Print the figures; 1 on any 5xx, connection error or lost view."""
    latencies = sorted(tally.latencies)
    server_errors = sum(n for status, n in tally.statuses.items() if status >= 500)
    failed = tally.statuses.get(0, 0)
    print(f"clients / seconds       {args.clients} / {wall:.0f}")
    print(f"requests                {len(latencies)} ({len(latencies) / wall:,.0f}/s)")
    print(f"by kind                 {dict(sorted(tally.kinds.items()))}")
    print(f"by status               {dict(sorted(tally.statuses.items()))}")
    print(f"5xx / connection errors {server_errors} / {failed}")
    print(
        f"p50 / p99 latency       {statistics.median(latencies) * 1000:.1f} ms / "
        f"{latencies[max(int(len(latencies) * 0.99) - 1, 0)] * 1000:.1f} ms"
    )
    print(f"views promised / stored {tally.promised} / {stored}")
    lost = tally.promised - stored
    print(f"lost views              {lost}")
    return 0 if server_errors == 0 and failed == 0 and lost == 0 else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()

    env = bench_env(
        VIEW_COUNT_RATE_LIMIT="0",
        EMBEDDED_PGDATA=os.environ.get(
            "EMBEDDED_PGDATA", str(ROOT / "var" / "pgbench-load")
        ),
    )
    prepare(env)
    from django.db.models import Sum

    from articles.counting import make_token
    from articles.models import Article, Category

    site = {
        "articles": [
            (a.get_absolute_url(), a.pk, make_token(a.pk))
            for a in Article.objects.published().only("slug")[:200]
        ],
        "categories": [c.get_absolute_url() for c in Category.objects.all()[:50]],
    }
    if not site["articles"]:
        print("no published articles to read")
        return 1

    def stored_views() -> int:
        return Article.objects.aggregate(total=Sum("view_count"))["total"] or 0

    views_before = stored_views()
    tally = Tally()
    run = time.time_ns()
    with gunicorn(env, workers=args.workers, threads=args.threads) as (url, _proc):
        clients = [
            LoadClient(n, url=url, tally=tally, run=run, site=site)
            for n in range(args.clients)
        ]
        started = time.perf_counter()
        deadline = time.monotonic() + args.seconds
        threads = [
            threading.Thread(target=c.run_until, args=(deadline,)) for c in clients
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
    stored = stored_views() - views_before
    return report(args=args, wall=wall, tally=tally, stored=stored)


if __name__ == "__main__":
    sys.exit(main())
