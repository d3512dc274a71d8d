"""Slow and idle clients do not stall gunicorn as shipped, with no nginx in front."""

import socket
import time
from contextlib import ExitStack

from tests.digest import servers

WORKERS, THREADS = 2, 4  # gunicorn.conf.py's defaults
SLOW = 3 * WORKERS * THREADS  # more of each kind than there are threads

# What each slow client sends before it stops (None: it only connects).
STALLS = {
    "idle": None,
    "half a head": b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ",
    "half a body": b"POST /views/1/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    b"Content-Type: application/x-www-form-urlencoded\r\n"
    b"Content-Length: 5000\r\n\r\ntoken=",
}


def timed_get(url: str) -> tuple[int, float]:
    started = time.monotonic()
    status, _, _ = servers.get(url, timeout=30)
    return status, time.monotonic() - started


def test_healthz_stays_fast_while_many_clients_stall():
    env = {"WEB_CONCURRENCY": str(WORKERS), "GUNICORN_THREADS": str(THREADS)}
    with servers.gunicorn(env) as (base, app), ExitStack() as stack:
        assert servers.wait_for(base + "/healthz", 200)[0] == 200
        port = int(base.rsplit(":", 1)[1])
        for sent in STALLS.values():
            for _ in range(SLOW):
                conn = stack.enter_context(
                    socket.create_connection(("127.0.0.1", port))
                )
                if sent:
                    conn.sendall(sent)
        time.sleep(0.5)  # every stalled connection has been accepted

        timings = [timed_get(base + "/healthz") for _ in range(10)]
        assert [status for status, _ in timings] == [200] * 10
        slowest = max(seconds for _, seconds in timings)
        assert slowest < 1, (
            f"/healthz took {slowest:.1f}s beside {3 * SLOW} slow clients"
        )
        assert app.poll() is None


def test_a_request_that_never_completes_is_dropped():
    from digest.gunicorn_worker import HEAD_TIMEOUT

    with servers.gunicorn({}) as (base, _app):
        assert servers.wait_for(base + "/healthz", 200)[0] == 200
        port = int(base.rsplit(":", 1)[1])
        # A client that waits for "100 Continue" before its body is not kept waiting.
        with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
            conn.sendall(
                b"POST /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Length: 5\r\nExpect: 100-continue\r\n\r\n"
            )
            assert conn.recv(1024).startswith(b"HTTP/1.1 100 Continue")
            conn.sendall(b"a=bcd")
            # Answered (CSRF refuses a POST without a token): the body got through.
            assert conn.recv(1024).startswith(b"HTTP/1.1 403")
        with socket.create_connection(("127.0.0.1", port)) as conn:
            conn.sendall(STALLS["half a head"])
            conn.settimeout(HEAD_TIMEOUT + 5)
            started = time.monotonic()
            assert conn.recv(1024) == b""  # closed by the server, nothing answered
            assert time.monotonic() - started < HEAD_TIMEOUT + 3
