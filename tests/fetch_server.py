"""A real HTTP server on 127.0.0.1 for fetch tests: routes the test sets, and a log of what came in.

    with FetchServer() as server:
        server.routes["/feed.xml"] = Cached(RSS, etag='"v1"')
        client.get(server.url("/feed.xml"))
        assert server.count("/feed.xml") == 1

or, in a test module, the `fetch_server` fixture (a fresh server per test):

    from .fetch_server import Cached, FetchServer, fetch_server_fixture  # noqa: F401

    def test_feed(fetch_server: FetchServer) -> None: ...

Routes are looked up by the request's full path (with its query) first, then by the path alone;
an unknown path is a plain 404. `routes` may be changed at any time, so a feed can change between
two runs of `broadsheet fetch`. Each route is a small object with a `serve(request, reply)`
method; the kinds below cover what the HTTP client must cope with, and a test can write its own.
"""

from __future__ import annotations

import email.utils
import gzip
import socket
import threading
import time
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit

import pytest


@dataclass(frozen=True)
class RequestRecord:
    """One request as the server saw it; header names are lower-case."""

    method: str
    path: str
    headers: dict[str, str]
    time: float  # time.monotonic() when the request had been read


class Reply:
    """What a route may do with the connection: answer at once, or in pieces, or hang up."""

    def __init__(self, handler: BaseHTTPRequestHandler, stopping: threading.Event) -> None:
        self._handler = handler
        self._stopping = stopping

    def send(self, status: int, body: bytes = b"", headers: Mapping[str, str] | None = None) -> None:
        """A complete response with a Content-Length (unless `headers` sets its own framing)."""
        headers = dict(headers or {})
        if status != 304 and "Content-Length" not in headers and headers.get("Connection") != "close":
            headers["Content-Length"] = str(len(body))
        self.start(status, headers)
        self.write(body)

    def start(self, status: int, headers: Mapping[str, str]) -> None:
        """The status line and headers; the body follows with write()."""
        self._handler.send_response(status)
        for name, value in headers.items():
            self._handler.send_header(name, value)
        self._handler.end_headers()
        self._handler.wfile.flush()

    def write(self, data: bytes) -> None:
        """Part of the body, sent now."""
        if data:
            self._handler.wfile.write(data)
            self._handler.wfile.flush()

    def pause(self, seconds: float) -> None:
        """Wait, but no longer than the server lives, so closing a server never waits on a slow route."""
        self._stopping.wait(seconds)

    def hang_up(self) -> None:
        """Close the connection without a word."""
        self._handler.close_connection = True
        self._handler.connection.shutdown(socket.SHUT_RDWR)


class Route:
    """Base of all routes: answer one request."""

    def serve(self, request: RequestRecord, reply: Reply) -> None:
        """Write the response to `reply`."""
        raise NotImplementedError


@dataclass
class Static(Route):
    """A fixed response; `send_length=False` ends the body by closing the connection instead."""

    body: bytes | str = b""
    status: int = 200
    content_type: str | None = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    send_length: bool = True

    def serve(self, request: RequestRecord, reply: Reply) -> None:
        """Send the fixed response."""
        body = self.body.encode() if isinstance(self.body, str) else self.body
        headers = {"Content-Type": self.content_type} if self.content_type else {}
        headers.update(self.headers)
        if not self.send_length:
            headers["Connection"] = "close"
        reply.send(self.status, body, headers)


def robots(text: str) -> Static:
    """A robots.txt route."""
    return Static(text, content_type="text/plain")


class Status(Static):
    """Just a status, with its phrase as the body: Status(404), Status(500)."""

    def __init__(self, status: int, headers: dict[str, str] | None = None) -> None:
        super().__init__(HTTPStatus(status).phrase, status=status, headers=dict(headers or {}))


@dataclass
class Cached(Route):
    """A resource with validators: 304 for a matching If-None-Match, or (without one) If-Modified-Since."""

    body: bytes | str = b""
    etag: str | None = '"v1"'
    last_modified: str | None = "Wed, 01 Jan 2025 00:00:00 GMT"
    content_type: str = "application/rss+xml; charset=utf-8"

    def serve(self, request: RequestRecord, reply: Reply) -> None:
        """200 with the validators, or 304 when the client already has this version."""
        validators = {}
        if self.etag:
            validators["ETag"] = self.etag
        if self.last_modified:
            validators["Last-Modified"] = self.last_modified
        if self._unchanged(request.headers):
            reply.send(304, b"", validators)
            return
        body = self.body.encode() if isinstance(self.body, str) else self.body
        reply.send(200, body, {"Content-Type": self.content_type, **validators})

    def _unchanged(self, headers: dict[str, str]) -> bool:
        # RFC 9110 13.1.3: If-Modified-Since is ignored when If-None-Match is present.
        if "if-none-match" in headers:
            tags = [tag.strip().removeprefix("W/") for tag in headers["if-none-match"].split(",")]
            return "*" in tags or (self.etag is not None and self.etag.removeprefix("W/") in tags)
        since, modified = headers.get("if-modified-since"), self.last_modified
        if since is None or modified is None:
            return False
        try:
            return email.utils.parsedate_to_datetime(modified) <= email.utils.parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False


@dataclass
class Slow(Route):
    """Wait `delay` seconds before letting `then` answer (a server that is slow to start replying)."""

    delay: float
    then: Route = field(default_factory=lambda: Static("late"))

    def serve(self, request: RequestRecord, reply: Reply) -> None:
        """Pause, then answer."""
        reply.pause(self.delay)
        self.then.serve(request, reply)


@dataclass
class Trickle(Route):
    """Headers at once, then the body `chunk` bytes every `interval` seconds."""

    body: bytes
    interval: float
    chunk: int = 1
    content_type: str = "text/plain"

    def serve(self, request: RequestRecord, reply: Reply) -> None:
        """Send the headers, then dribble the body."""
        reply.start(200, {"Content-Type": self.content_type, "Content-Length": str(len(self.body))})
        for start in range(0, len(self.body), self.chunk):
            reply.write(self.body[start : start + self.chunk])
            reply.pause(self.interval)


@dataclass
class Redirect(Route):
    """A redirect to `location`, sent as given (so it may be relative); two of them make a loop."""

    location: str
    status: int = 302

    def serve(self, request: RequestRecord, reply: Reply) -> None:
        """Send the redirect."""
        reply.send(self.status, b"", {"Location": self.location})


@dataclass
class FailThenSucceed(Route):
    """Answer `status` (or let `fail` answer) the first `failures` times, then let `then` answer."""

    failures: int
    then: Route = field(default_factory=lambda: Static("recovered"))
    status: int = 503
    retry_after: str | None = None
    fail: Route | None = None
    failed: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def serve(self, request: RequestRecord, reply: Reply) -> None:
        """Fail while failures are left, then succeed."""
        with self._lock:
            fail = self.failed < self.failures
            if fail:
                self.failed += 1
        if not fail:
            self.then.serve(request, reply)
            return
        if self.fail is not None:
            self.fail.serve(request, reply)
            return
        headers = {"Retry-After": self.retry_after} if self.retry_after else {}
        Status(self.status, headers).serve(request, reply)


@dataclass
class Gzipped(Route):
    """A body sent with Content-Encoding gzip (or deflate); a long run of zeros makes a gzip bomb."""

    body: bytes
    content_type: str = "text/html; charset=utf-8"
    encoding: str = "gzip"
    compressed: bytes = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.compressed = gzip.compress(self.body) if self.encoding == "gzip" else zlib.compress(self.body)

    def serve(self, request: RequestRecord, reply: Reply) -> None:
        """Send the compressed body."""
        headers = {"Content-Type": self.content_type, "Content-Encoding": self.encoding}
        reply.send(200, self.compressed, headers)


class HangUp(Route):
    """Close the connection without answering (a server that crashed mid-request)."""

    def serve(self, request: RequestRecord, reply: Reply) -> None:
        """Hang up."""
        reply.hang_up()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a route still trickling must not hold up the end of a test

    def __init__(self, owner: FetchServer) -> None:
        self.owner = owner
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that gave up (the timeout tests) breaks the pipe; that is the point, not an error.
        pass


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        owner = self.server.owner
        record = RequestRecord(
            method=self.command,
            path=self.path,
            headers={name.lower(): value for name, value in self.headers.items()},
            time=time.monotonic(),
        )
        with owner.lock:
            owner.log.append(record)
            route = owner.routes.get(self.path) or owner.routes.get(urlsplit(self.path).path)
        reply = Reply(self, owner.stopping)
        (route or Status(404)).serve(record, reply)

    def log_message(self, format: str, *args: object) -> None:
        pass


class FetchServer:
    """A local HTTP server in a daemon thread, with settable routes and a request log."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.log: list[RequestRecord] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self._server = _Server(self)
        self.port: int = self._server.server_address[1]
        # shutdown() waits for the serving loop to poll; the default half second would dominate a test.
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.02,), name="fetch-server", daemon=True
        )

    def __enter__(self) -> FetchServer:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def url(self, path: str = "/") -> str:
        """The absolute URL of `path` on this server."""
        return f"http://127.0.0.1:{self.port}{path}"

    def requests(self, path: str | None = None) -> list[RequestRecord]:
        """The log so far, or the part of it for one path (with or without its query)."""
        with self.lock:
            return [r for r in self.log if path is None or path in (r.path, urlsplit(r.path).path)]

    def count(self, path: str) -> int:
        """How many requests `path` has had."""
        return len(self.requests(path))


def closed_port_url(path: str = "/") -> str:
    """A URL on a local port nobody listens on (connection refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


# Named apart from the fixture so that test parameters called `fetch_server` do not shadow an import.
@pytest.fixture(name="fetch_server")
def fetch_server_fixture() -> Iterator[FetchServer]:
    """A fresh FetchServer for one test."""
    with FetchServer() as server:
        yield server
