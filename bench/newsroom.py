"""The newsroom row: a long tail of readers while an editor works in the admin.

Run by bench/bench.py (`make bench`) in the environment of the bench's server,
after it has loaded the archive; prints one line of JSON after NEWSROOM-RESULT.

Traffic, from a fixed seed: 70% articles, each article's rank (newest first)
drawn log-uniformly over every published article and followed by its view
beacon as views.js sends it; 10% home; 10% sections and tags (some on later
pages, never past a listing's last); 10% searches for one or two words drawn
from at least 1,000 words of the archive. 5% of the readers are signed in. Every request says
`Accept-Encoding: gzip, br`. One run after a 5-s warm-up, never pre-warmed by
a crawl; with `--edits` an editor posts the admin change form of a published
article every 15 s and publishes a new article every 60 s, both through the
admin as a person would.
"""

import argparse
import http.client
import json
import math
import os
import random
import re
import secrets
import statistics
import sys
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

MARK = "NEWSROOM-RESULT "
HEADERS = {
    "Accept-Encoding": "gzip, br",
    "Accept": "text/html,application/xhtml+xml",
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
}


def archive(readers: int) -> dict:
    """What the clients pick from, read from the bench's database."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digest.settings")
    django.setup()
    from django.test import Client

    from accounts.models import User
    from articles.counting import make_token
    from articles.models import Article
    from bench.cold import listing_counts
    from digest.pagination import PER_PAGE

    rows = list(
        Article.objects.published().newest_first().values_list("pk", "slug", "lead")
    )
    words: set[str] = set()
    for _pk, _slug, lead in rows:
        words.update(w.lower() for w in re.findall(r"[A-Za-z]{4,}", lead or ""))
    bodies = Article.objects.published().values_list("body", flat=True)
    for body in bodies[:: max(1, len(rows) // 300)][:300]:
        text = re.sub(r"<[^>]+>", " ", body)
        words.update(w.lower() for w in re.findall(r"[A-Za-z]{4,}", text))
    # Sections and tags with their number of pages: no request for a page
    # past a listing's last (a 404).
    counts = listing_counts()
    listings = [
        (url, math.ceil(n / PER_PAGE))
        for url, n in [
            *counts["section"].items(),
            *sorted(counts["tag"].items(), key=lambda row: -row[1])[:200],
        ]
    ]
    sessions = []
    for number in range(readers):
        reader, _ = User.objects.get_or_create(
            username=f"bench-reader-{number}",
            defaults={"email": f"bench-reader-{number}@example.org"},
        )
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(reader)
        sessions.append(client.cookies["sessionid"].value)
    editor, _ = User.objects.get_or_create(
        username="bench-editor",
        defaults={"email": "bench-editor@example.org", "is_staff": True},
    )
    editor.is_staff = editor.is_superuser = True
    editor.save()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(editor)
    drafts = list(
        Article.objects.filter(status=Article.Status.DRAFT).values_list("pk", flat=True)
    )
    template = Article.objects.published().newest_first().first()
    while len(drafts) < 5:  # new stories for the editor to publish, as drafts
        draft = Article.objects.get(pk=template.pk)
        draft.pk = draft.id = None
        draft.slug = f"bench-story-{secrets.token_hex(6)}"
        draft.title = f"Breaking: {template.title}"
        draft.status, draft.published_at = Article.Status.DRAFT, None
        draft.save()
        drafts.append(draft.pk)
    return {
        "articles": [
            (f"/articles/{slug}/", pk, make_token(pk)) for pk, slug, _ in rows
        ],
        "listings": listings,
        "words": sorted(words),
        "sessions": sessions,
        "editor": client.cookies["sessionid"].value,
        "edited": rows[len(rows) // 3][0],  # an article in the archive's middle
        "drafts": drafts,
    }


class Connection:
    """One keep-alive HTTP connection that reconnects after an error."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.conn = http.client.HTTPConnection(host, port, timeout=30)

    def request(self, method, path, body=None, headers=None):
        try:
            self.conn.request(method, path, body=body, headers=headers or {})
            response = self.conn.getresponse()
            data = response.read()
            return response.status, response.headers, data
        except OSError:
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            return 0, {}, b""


def form_values(html: bytes) -> list[tuple[str, str]]:
    """The admin change form's fields as a browser would submit them."""
    import lxml.html

    page = lxml.html.fromstring(html)
    form = next(f for f in page.forms if f.get("id", "").endswith("_form"))
    return [(k, v) for k, v in form.form_values()]


def editor_loop(base, data, stop, edits, errors):
    """Save one article's change form every 15 s, publish a draft every 60 s."""
    parts = urllib.parse.urlsplit(base)
    conn = Connection(parts.hostname, parts.port)
    cookie = f"sessionid={data['editor']}"
    drafts = list(data["drafts"])
    next_edit = next_publish = time.monotonic()
    serial = 0
    while not stop.is_set():
        now = time.monotonic()
        if now >= next_edit or (now >= next_publish and drafts):
            publish = now >= next_publish and drafts
            pk = drafts.pop() if publish else data["edited"]
            path = f"/admin/articles/article/{pk}/change/"
            status, headers, html = conn.request(
                "GET", path, headers={"Cookie": cookie}
            )
            csrf = re.search(r"csrftoken=([^;]+)", headers.get("Set-Cookie", "") or "")
            if status != 200:
                errors.append(f"GET {path}: {status}")
            else:
                fields = form_values(html)
                serial += 1
                fields = [
                    (
                        k,
                        f"{v.split(' (edit')[0]} (edit {serial})"
                        if k == "title"
                        else v,
                    )
                    for k, v in fields
                ]
                fields.append(("_publish", "Publish") if publish else ("_save", "Save"))
                token = dict(fields).get("csrfmiddlewaretoken", "")
                cookies = cookie + (f"; csrftoken={csrf.group(1)}" if csrf else "")
                status, _, body = conn.request(
                    "POST",
                    path,
                    body=urllib.parse.urlencode(fields),
                    headers={
                        "Cookie": cookies,
                        "Content-Type": "application/x-www-form-urlencoded",
                        "Referer": base + path,
                        "X-CSRFToken": token,
                    },
                )
                if status == 302:
                    edits["published" if publish else "saved"] += 1
                else:
                    errors.append(f"POST {path}: {status} {body[:200]!r}")
            if publish:
                next_publish += 60
            else:
                next_edit += 15
        stop.wait(0.2)


BEACON = {"Content-Type": "application/x-www-form-urlencoded"}


def pick(rng: random.Random, data: dict, log_n: float) -> list[tuple]:
    """The next reader's requests: (method, path, body, extra headers, is a page)."""
    roll = rng.random()
    if roll < 0.7:
        articles = data["articles"]
        rank = min(int(math.exp(rng.random() * log_n)) - 1, len(articles) - 1)
        path, pk, token = articles[rank]
        body = urllib.parse.urlencode({"token": token})
        return [
            ("GET", path, None, {}, True),
            ("POST", f"/views/{pk}/", body, BEACON, False),
        ]
    if roll < 0.8:
        return [("GET", "/", None, {}, True)]
    if roll < 0.9:
        url, pages = rng.choice(data["listings"])
        page = min(rng.choice([1, 1, 1, 2, 3]), pages)
        url += f"?page={page}" if page > 1 else ""
        return [("GET", url, None, {}, True)]
    q = " ".join(rng.sample(data["words"], rng.choice([1, 1, 2])))
    return [("GET", "/search/?q=" + urllib.parse.quote(q), None, {}, True)]


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.measuring = False
        self.latencies: list[float] = []
        self.bytes = self.hits = self.pages = self.errors = 0

    def record(self, elapsed, status, headers, content, page) -> None:
        if not self.measuring:
            return
        with self.lock:
            self.latencies.append(elapsed)
            self.bytes += len(content)
            self.errors += status >= 500 or status == 0
            if page:
                self.pages += 1
                self.hits += headers.get("X-Page-Cache") == "hit"

    def summary(self, wall: float) -> dict:
        latencies = sorted(self.latencies) or [0.0]
        return {
            "rps": len(self.latencies) / wall,
            "p50": statistics.median(latencies) * 1000,
            "p99": latencies[max(int(len(latencies) * 0.99) - 1, 0)] * 1000,
            "hit_ratio": self.hits / self.pages if self.pages else 0,
            "kb_per_request": self.bytes / max(len(self.latencies), 1) / 1024,
            "errors": self.errors,
        }


def reader(n, base, data, stats, stop, *, seed, signed_in):
    parts = urllib.parse.urlsplit(base)
    rng = random.Random(seed * 1000 + n)
    conn = Connection(parts.hostname, parts.port)
    headers = dict(HEADERS)
    if signed_in:
        headers["Cookie"] = f"sessionid={data['sessions'][n % len(data['sessions'])]}"
    log_n = math.log(len(data["articles"]))
    while not stop.is_set():
        for method, path, body, extra, page in pick(rng, data, log_n):
            started = time.perf_counter()
            status, got, content = conn.request(
                method, path, body=body, headers={**headers, **extra}
            )
            stats.record(time.perf_counter() - started, status, got, content, page)
            if status != 200:
                break  # no beacon for a page that did not load


def run(base: str, data: dict, *, seconds: float, clients: int, edits: bool, seed: int):
    stats, stop = Stats(), threading.Event()
    signed_in = max(1, round(clients * 0.05))
    threads = [
        threading.Thread(
            target=reader,
            args=(n, base, data, stats, stop),
            kwargs={"seed": seed, "signed_in": n < signed_in},
        )
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    time.sleep(5)  # warm-up, not measured
    stats.measuring = True
    edit_counts = {"saved": 0, "published": 0}
    edit_errors: list[str] = []
    editor = threading.Thread(
        target=editor_loop, args=(base, data, stop, edit_counts, edit_errors)
    )
    if edits:
        editor.start()
    started = time.perf_counter()
    time.sleep(seconds)
    stats.measuring = False
    wall = time.perf_counter() - started
    stop.set()
    for thread in [*threads, editor] if edits else threads:
        thread.join()
    return stats.summary(wall) | {
        "edits": edit_counts["saved"] + edit_counts["published"],
        "edit_detail": edit_counts,
        "edit_errors": edit_errors[:3],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--edits", action="store_true")
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    data = archive(readers=max(1, round(args.clients * 0.05)))
    result = run(
        args.url,
        data,
        seconds=args.seconds,
        clients=args.clients,
        edits=args.edits,
        seed=args.seed,
    )
    result["words"] = len(data["words"])
    result["articles"] = len(data["articles"])
    sys.stdout.write(MARK + json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
