"""The gunicorn worker Digest ships: gthread, but a thread only gets a complete request.

gunicorn's own gthread worker hands a connection to a thread as soon as it is
accepted (or a kept-alive one becomes readable), and the thread then blocks
until the request is complete. A client that connects and sends nothing holds
a thread for 5 s; one that sends half a request holds it until it gives up.
As many such clients as threads stall the whole worker: tried against 4
threads, 6 half-sent requests kept `/healthz` waiting until the prober gave up.
nginx in front buffers requests, but a site may be reached without it.

Here the worker's main loop, which already watches every connection, also
reads each request's head (and a body up to BUFFERED_BODY) as it arrives,
without blocking; a thread gets the connection once that is in. A client that
has not sent it within HEAD_TIMEOUT is dropped. Threads read longer bodies
(image uploads) and write responses with IO_TIMEOUT on each socket operation,
so a stalled upload or a client that stops reading frees its thread too; a
client trickling a large body can still hold a thread, which nginx in front
(deploy/nginx.conf buffers whole requests) prevents.

This leans on gthread's internals (TConn, its poller, enqueue_req), hence the
pinned gunicorn major version in pyproject.toml; tests/digest/test_slow_clients.py
runs it as shipped.
"""

import errno
import re
import selectors
import socket
import time
from collections import deque
from functools import partial

from gunicorn.workers.gthread import TConn, ThreadWorker

HEAD_TIMEOUT = 10.0  # seconds from connecting (or a kept-alive request) to all of it
IO_TIMEOUT = 15.0  # seconds a thread waits on one read or write of the socket
MAX_HEAD = 64 * 1024  # a longer head goes to gunicorn's parser, which refuses it
BUFFERED_BODY = 1024 * 1024  # forms and JSON; larger bodies are read by a thread
READ_CHUNK = 64 * 1024

_HEAD_END = b"\r\n\r\n"
_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*(\d{1,15})[ \t]*\r\n", re.I)
# A client that sends this waits for gunicorn's "100 Continue" before the body.
_EXPECT_CONTINUE = re.compile(rb"\r\nexpect:[ \t]*100-continue", re.I)


class _TimeoutSocket(socket.socket):
    """A client socket that, when set to blocking, blocks for IO_TIMEOUT at most."""

    def setblocking(self, flag):
        if flag:
            self.settimeout(IO_TIMEOUT)
        else:
            super().setblocking(False)


def request_is_buffered(data: bytes) -> bool:
    """Whether `data` holds a whole head, and the body too when it is small."""
    end = data.find(_HEAD_END)
    if end < 0:
        # No end in sight: the parser refuses an oversized head with a 400.
        return len(data) >= MAX_HEAD
    body_starts = end + len(_HEAD_END)
    length = _CONTENT_LENGTH.search(data, 0, body_starts)
    if (
        length is None
        or int(length[1]) > BUFFERED_BODY
        or _EXPECT_CONTINUE.search(data, 0, body_starts)
    ):
        return True
    return len(data) >= body_starts + int(length[1])


class Worker(ThreadWorker):
    """gthread that reads request heads in its event loop; see the module docstring."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reading: deque[TConn] = deque()  # oldest deadline first

    def _buffers(self) -> bool:
        # TLS and HTTP/2 prior knowledge read the socket themselves first.
        return not self.cfg.is_ssl and self.cfg.http2_cleartext in (None, "", "off")

    def accept(self, listener):
        if not self._buffers():
            return super().accept(listener)
        try:
            client, address = listener.accept()
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        sock = _TimeoutSocket(fileno=client.detach())
        conn = TConn(self.cfg, sock, address, listener.getsockname())
        self._read_request(conn)

    def on_client_socket_readable(self, conn, client):
        """A kept-alive connection sends its next request: read it here too."""
        if not self._buffers():
            return super().on_client_socket_readable(conn, client)
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self._read_request(conn)

    def _read_request(self, conn):
        conn.buffered = bytearray()
        conn.timeout = time.monotonic() + HEAD_TIMEOUT
        self.reading.append(conn)
        self.poller.register(
            conn.sock, selectors.EVENT_READ, partial(self._on_readable, conn)
        )

    def _on_readable(self, conn, _sock):
        try:
            data = conn.sock.recv(READ_CHUNK)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:  # the client went away
            self._stop_reading(conn)
            self.nr_conns -= 1
            conn.close()
            return
        conn.buffered += data
        if request_is_buffered(conn.buffered):
            self._stop_reading(conn)
            self.enqueue_req(conn)

    def _stop_reading(self, conn):
        self.poller.unregister(conn.sock)
        self.reading.remove(conn)

    def murder_pending(self):
        """Drop connections whose request did not arrive within HEAD_TIMEOUT."""
        super().murder_pending()
        now = time.monotonic()
        while self.reading and self.reading[0].timeout <= now:
            conn = self.reading[0]
            self._stop_reading(conn)
            self.nr_conns -= 1
            conn.close()

    def handle(self, conn):
        buffered = getattr(conn, "buffered", None)
        if buffered:
            conn.buffered = None
            conn.sock.setblocking(True)
            conn.init()  # the parser, for a new connection
            conn.parser.unreader.unread(bytes(buffered))
            conn.data_ready = True
        return super().handle(conn)
