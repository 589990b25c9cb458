"""The polite HTTP client behind `broadsheet fetch`: one GET at a time per host, stdlib only.

Design:

- Requests go through a `urllib.request.OpenerDirector` assembled by hand: proxy, HTTP and HTTPS
  handlers, but no redirect handler and no error processor. Every status therefore comes back as
  a plain response, and this module decides what to do with it: redirects are followed here, hop
  by hop, so that a loop (a URL seen twice) or an over-long chain is reported instead of silently
  cut short, and so that each hop waits its turn at its host and is checked against its host's
  robots.txt like any other request.
- Politeness is per host (host:port): the start of a request waits until `per_host_interval`
  (or the host's robots.txt `Crawl-delay`, up to a minute) has passed since the previous start
  there. Slots are reserved under a lock and slept for outside it, so the client may be shared
  by threads, and hosts never wait for each other.
- A request is attempted up to `1 + retries` times. Timeouts, connection failures, 429 and 5xx
  are worth another try, after an exponential back-off or the server's `Retry-After`; everything
  else fails at once. Every failure, whatever its cause, ends as one `FetchError` whose `kind`
  says what went wrong; the caller never sees a traceback for network trouble. "network" is
  reserved for "could not talk to the host at all", which the caller reads as "offline".
- `timeout` bounds connecting, the wait for the headers and each read of the body (the socket
  timeout), and the body is read in chunks against a deadline of `timeout` from the start of the
  request, so a server trickling a byte at a time cannot hold a fetch for ever. The deadline is
  checked between reads, so the worst case is about twice `timeout`.
- Bodies are read in chunks and refused as soon as they pass `max_bytes`, before decompression
  (Content-Length, wire bytes) and after it (a small gzip body can expand a thousandfold).
- robots.txt is fetched once per scheme://host:port with this same client (rate limit, timeout,
  User-Agent, redirects) and parsed as RFC 9309 says (`robots.py`). Following RFC 9309, a 4xx means no
  rules, a 5xx (or 429) means everything is disallowed on that host for this run, and only the
  first 500 KiB are read. A host that cannot be reached at all is remembered too: later requests
  to it fail at once with the same kind ("network" or "timeout") instead of waiting again.
"""

from __future__ import annotations

import email.utils
import http.client
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Literal

from generator import __version__
from generator.errors import BroadsheetError
from generator.fetch.robots import RobotsTxt, parse_robots, product_token

DEFAULT_USER_AGENT = (
    f"Broadsheet/{__version__} (+https://github.com/broadsheet/broadsheet; static news digest)"
)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# A server asking for more than this is asked again later by the next run instead.
MAX_RETRY_WAIT = 60.0
MAX_CRAWL_DELAY = 60.0
# RFC 9309 section 2.5: crawlers must parse at least 500 KiB of a robots.txt and may ignore the rest.
ROBOTS_MAX_BYTES = 500 * 1024
CHUNK = 64 * 1024

FetchErrorKind = Literal["network", "timeout", "http", "robots", "too-large", "redirects", "bad-url"]


@dataclass(frozen=True)
class FetchPolicy:
    """How politely and how patiently the client fetches; the defaults suit a daily digest."""

    user_agent: str = DEFAULT_USER_AGENT
    timeout: float = 20.0
    retries: int = 2
    backoff: float = 1.0
    per_host_interval: float = 1.0
    max_bytes: int = 16 * 1024 * 1024
    max_redirects: int = 5
    obey_robots: bool = True

    def __post_init__(self) -> None:
        # Caught here, a bad setting names itself; caught later it would be a confusing fetch failure.
        if self.timeout <= 0 or self.max_bytes <= 0:
            raise ValueError("FetchPolicy: timeout and max_bytes must be positive")
        if min(self.retries, self.max_redirects) < 0 or min(self.backoff, self.per_host_interval) < 0:
            raise ValueError(
                "FetchPolicy: retries, max_redirects, backoff and per_host_interval must be >= 0"
            )


@dataclass(frozen=True)
class Response:
    """A successful fetch: a 2xx with its body, or a 304 (body empty) for a conditional request."""

    url: str
    status: int
    body: bytes
    content_type: str | None
    charset: str | None
    etag: str | None
    last_modified: str | None


@dataclass
class FetchStats:
    """Running totals for one client, for the summary `broadsheet fetch` prints.

    `requests` counts every request sent (robots.txt, each redirect hop, each retry); `bytes_read`
    counts body bytes as they came over the wire, before decompression.
    """

    requests: int = 0
    retries: int = 0
    not_modified: int = 0
    bytes_read: int = 0
    waited_s: float = 0.0


class FetchError(BroadsheetError):
    """One request that failed for good; str() is a one-line reason naming the URL."""

    def __init__(self, kind: FetchErrorKind, url: str, reason: str, status: int | None = None) -> None:
        reason = " ".join(reason.split())
        super().__init__(f"{url}: {reason}")
        self.kind: FetchErrorKind = kind
        self.url = url
        self.reason = reason
        self.status = status

    def __reduce__(self) -> tuple[type[FetchError], tuple[FetchErrorKind, str, str, int | None]]:
        # Exceptions pickle as cls(*args); ours has four arguments, so a worker process can send it back.
        return (FetchError, (self.kind, self.url, self.reason, self.status))


@dataclass(frozen=True)
class _Target:
    """A checked URL and the keys it is rate limited and robots-checked under."""

    url: str
    host: str  # host:port, the unit of politeness
    origin: str  # scheme://host:port, the scope of one robots.txt
    robots_url: str


@dataclass(frozen=True)
class _Reply:
    """One HTTP exchange as it came back, before this module decides what it means."""

    status: int
    reason: str
    headers: http.client.HTTPMessage
    body: bytes


class _AttemptError(Exception):
    """One failed attempt, and whether another attempt could go differently."""

    def __init__(self, error: FetchError, retry: bool, retry_after: float | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry = retry
        self.retry_after = retry_after


@dataclass
class _Robots:
    """What one origin's robots.txt says: rules, no rules, no access, or no answer at all."""

    parser: RobotsTxt | None = None
    disallowed_because: str | None = None
    unreachable: FetchError | None = None
    crawl_delay: float = 0.0


class HttpClient:
    """Fetches URLs politely under one `FetchPolicy`; safe to share between threads."""

    def __init__(
        self,
        policy: FetchPolicy = FetchPolicy(),  # frozen, so one shared default is safe
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """A client with its own rate-limit slots and robots.txt cache; `sleep`/`clock` are for tests."""
        self.policy = policy
        self.stats = FetchStats()
        self._sleep = sleep
        self._clock = clock
        self._lock = threading.Lock()
        self._last_start: dict[str, float] = {}
        self._crawl_delay: dict[str, float] = {}
        self._robots: dict[str, _Robots] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        # Without HTTPRedirectHandler and HTTPErrorProcessor every status comes back as a response,
        # which is what lets get() follow redirects and classify errors itself.
        self._opener = urllib.request.OpenerDirector()
        self._opener.addheaders = []
        for handler in (
            urllib.request.ProxyHandler(),
            urllib.request.HTTPHandler(),
            urllib.request.HTTPSHandler(context=ssl.create_default_context()),
        ):
            self._opener.add_handler(handler)

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str | None = None,
    ) -> Response:
        """GET `url`, following redirects; a 304 for the given validators is a Response too.

        Raises FetchError for anything else, including a URL robots.txt disallows.
        """
        target = _check_url(url)
        headers = {"User-Agent": self.policy.user_agent, "Accept-Encoding": "gzip"}
        if accept:
            headers["Accept"] = accept
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        chain = [target.url]
        while True:
            if self.policy.obey_robots:
                self._check_robots(url, target, redirected=len(chain) > 1)
            reply = self._attempts(url, target, headers, redirected=len(chain) > 1)
            if reply.status not in REDIRECT_STATUSES:
                break
            target = self._next_hop(url, target, reply, chain)
            chain.append(target.url)
        if reply.status == 304:
            with self._lock:
                self.stats.not_modified += 1
            return Response(
                url=target.url,
                status=304,
                body=b"",
                content_type=None,
                charset=None,
                etag=reply.headers.get("ETag") or etag,
                last_modified=reply.headers.get("Last-Modified") or last_modified,
            )
        return Response(
            url=target.url,
            status=reply.status,
            body=reply.body,
            content_type=_media_type(reply.headers.get("Content-Type")),
            charset=reply.headers.get_content_charset(),
            etag=reply.headers.get("ETag"),
            last_modified=reply.headers.get("Last-Modified"),
        )

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets our user agent fetch `url`; robots.txt is fetched once per origin.

        False when robots.txt answered 5xx. Raises FetchError ("network" or "timeout") when its
        host could not be reached, and ("bad-url") for a URL that is not http(s).
        """
        try:
            self._check_robots(url, _check_url(url), redirected=False)
        except FetchError as error:
            if error.kind == "robots":
                return False
            raise
        return True

    # -- one hop ------------------------------------------------------------------------------

    def _next_hop(self, url: str, current: _Target, reply: _Reply, chain: list[str]) -> _Target:
        """The target a redirect points to, unless following it would loop or go on too long."""
        location = reply.headers.get("Location")
        if not location:
            raise FetchError("http", url, f"{_status_text(reply)} without a Location header", reply.status)
        try:
            target = _check_url(urllib.parse.urljoin(current.url, location.strip()))
        except FetchError as error:
            raise FetchError("bad-url", url, f"redirected to {location.strip()}: {error.reason}") from None
        if target.url in chain:
            loop = " -> ".join([*chain[chain.index(target.url) :], target.url])
            raise FetchError("redirects", url, f"redirect loop: {loop}")
        if len(chain) > self.policy.max_redirects:
            raise FetchError("redirects", url, f"more than {self.policy.max_redirects} redirects")
        return target

    def _attempts(
        self, url: str, target: _Target, headers: dict[str, str], *, redirected: bool, robots: bool = False
    ) -> _Reply:
        """One request with its retries; returns a 2xx, 304 or 3xx reply, raises for the rest.

        Errors name `url`, the URL the caller asked for, and the hop when a redirect led elsewhere.
        """
        where = f" (redirected to {target.url})" if redirected else ""
        for attempt in range(self.policy.retries + 1):
            try:
                reply = self._once(url, target, headers, where, robots)
            except _AttemptError as failure:
                if not failure.retry or attempt == self.policy.retries:
                    raise failure.error from None
                if failure.retry_after is not None:
                    wait = failure.retry_after
                else:
                    wait = self.policy.backoff * 2**attempt
                wait = min(wait, MAX_RETRY_WAIT)
                with self._lock:
                    self.stats.retries += 1
                self._pause(wait)
                continue
            return reply
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _once(self, url: str, target: _Target, headers: dict[str, str], where: str, robots: bool) -> _Reply:
        """A single GET of `target`, classified: a reply to act on, or an _AttemptError."""
        self._wait_turn(target.host)
        timeout = self.policy.timeout
        # Real time, not the injected clock: this bounds real I/O.
        deadline = time.monotonic() + timeout
        with self._lock:
            self.stats.requests += 1
        request = urllib.request.Request(target.url, headers=headers, method="GET")
        try:
            response: http.client.HTTPResponse | None = self._opener.open(request, timeout=timeout)
            if response is None:  # no handler took it; _check_url should have refused it first
                raise _AttemptError(FetchError("bad-url", url, f"cannot fetch {target.url}"), retry=False)
            with response:
                reply = _Reply(response.status, response.reason, response.headers, b"")
                if 200 <= response.status < 300:
                    body = self._read_body(url, where, response, deadline, robots)
                    reply = _Reply(response.status, response.reason, response.headers, body)
        except _AttemptError:
            raise
        except ValueError as error:  # http.client.InvalidURL, an IDNA host that cannot be encoded
            raise _AttemptError(
                FetchError("bad-url", url, f"invalid URL{where}: {error}"), retry=False
            ) from None
        except urllib.error.URLError as error:
            raise _transport_failure(url, where, error.reason, timeout) from None
        except (OSError, http.client.HTTPException) as error:
            raise _transport_failure(url, where, error, timeout) from None
        status = reply.status
        if 200 <= status < 300 or status == 304 or status in REDIRECT_STATUSES:
            return reply
        retry = status == 429 or status >= 500
        failure = FetchError("http", url, f"{_status_text(reply)}{where}", status)
        retry_after = _retry_after(reply.headers.get("Retry-After")) if retry else None
        raise _AttemptError(failure, retry=retry, retry_after=retry_after)

    def _read_body(
        self, url: str, where: str, response: http.client.HTTPResponse, deadline: float, robots: bool
    ) -> bytes:
        """The body, decoded, refused once it passes max_bytes; robots.txt is cut short instead."""
        truncate = robots
        limit = ROBOTS_MAX_BYTES if robots else self.policy.max_bytes

        def too_large() -> _AttemptError:
            return _AttemptError(
                FetchError("too-large", url, f"body larger than {limit} bytes{where}"), retry=False
            )

        length = response.headers.get("Content-Length", "").strip()
        if not truncate and length.isdigit() and int(length) > limit:
            raise too_large()
        encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
        if encoding not in ("", "identity", "gzip", "x-gzip", "deflate"):
            # We only ask for gzip; anything else is a server that ignored Accept-Encoding.
            raise _AttemptError(
                FetchError("http", url, f"unsupported Content-Encoding {encoding!r}{where}"), False
            )
        decoder = _Decoder(encoding) if encoding not in ("", "identity") else None
        chunks: list[bytes] = []
        size = wire = 0
        while True:
            if time.monotonic() > deadline:
                late = f"body not received within {self.policy.timeout:g} s{where}"
                raise _AttemptError(FetchError("timeout", url, late), retry=True)
            chunk = response.read1(CHUNK)
            if not chunk:
                break
            wire += len(chunk)
            with self._lock:
                self.stats.bytes_read += len(chunk)
            if decoder is not None:
                chunk = decoder.feed(chunk, limit - size)
            size += len(chunk)
            if size > limit or wire > limit:
                if truncate:
                    chunks.append(chunk)
                    return b"".join(chunks)[:limit]
                raise too_large()
            chunks.append(chunk)
        # http.client ends a body quietly when the connection drops early; a cut feed is not a feed.
        if length.isdigit() and wire < int(length):
            cut = f"connection closed after {wire} of {length} bytes{where}"
            raise _AttemptError(FetchError("network", url, cut), retry=True)
        if decoder is not None:
            tail = decoder.finish()
            if tail is None:
                raise _AttemptError(
                    FetchError("network", url, f"compressed body is corrupt or cut short{where}"), False
                )
            size += len(tail)
            if size > limit:
                raise too_large()
            chunks.append(tail)
        return b"".join(chunks)[:limit]

    # -- politeness ---------------------------------------------------------------------------

    def _wait_turn(self, host: str) -> None:
        """Sleep until this host's next slot; reserve it first, so threads queue instead of racing."""
        with self._lock:
            now = self._clock()
            interval = max(self.policy.per_host_interval, self._crawl_delay.get(host, 0.0))
            previous = self._last_start.get(host)
            start = now if previous is None else max(now, previous + interval)
            self._last_start[host] = start
        self._pause(start - now)

    def _pause(self, seconds: float) -> None:
        """Sleep through the injected `sleep`, and count it."""
        if seconds <= 0:
            return
        self._sleep(seconds)
        with self._lock:
            self.stats.waited_s += seconds

    def _check_robots(self, url: str, target: _Target, *, redirected: bool) -> None:
        """Raise FetchError unless robots.txt lets us fetch `target` (a hop on the way to `url`)."""
        robots = self._robots_for(target)
        where = f" (redirected to {target.url})" if redirected else ""
        if robots.unreachable is not None:
            error = robots.unreachable
            reason = f"could not fetch {target.robots_url}{where}: {error.reason}"
            raise FetchError(error.kind, url, reason, error.status)
        if robots.disallowed_because is not None:
            raise FetchError("robots", url, f"{robots.disallowed_because}{where}")
        if robots.parser is not None and not robots.parser.allowed(
            target.url, product_token(self.policy.user_agent)
        ):
            raise FetchError("robots", url, f"disallowed by {target.robots_url}{where}")

    def _robots_for(self, target: _Target) -> _Robots:
        """The cached robots.txt verdict for target's origin, fetching it the first time."""
        with self._lock:
            cached = self._robots.get(target.origin)
            if cached is not None:
                return cached
            origin_lock = self._robots_locks.setdefault(target.origin, threading.Lock())
        # One fetch per origin even when threads ask at once; other origins are not held up.
        with origin_lock:
            with self._lock:
                cached = self._robots.get(target.origin)
            if cached is not None:
                return cached
            robots = self._fetch_robots(_check_url(target.robots_url))
            with self._lock:
                self._robots[target.origin] = robots
                if robots.crawl_delay > 0:
                    self._crawl_delay[target.host] = max(
                        self._crawl_delay.get(target.host, 0.0), robots.crawl_delay
                    )
            return robots

    def _fetch_robots(self, robots: _Target) -> _Robots:
        """Fetch and judge one robots.txt, following RFC 9309 section 2.3.1."""
        headers = {"User-Agent": self.policy.user_agent, "Accept-Encoding": "gzip"}
        chain = [robots.url]
        target = robots
        try:
            while True:
                reply = self._attempts(robots.url, target, headers, redirected=len(chain) > 1, robots=True)
                if reply.status not in REDIRECT_STATUSES:
                    break
                target = self._next_hop(robots.url, target, reply, chain)
                chain.append(target.url)
        except FetchError as error:
            if error.kind in ("network", "timeout"):
                return _Robots(unreachable=error)
            if (
                error.kind == "http"
                and error.status is not None
                and 400 <= error.status < 500
                and error.status != 429
            ):
                return _Robots()  # "unavailable": no rules apply
            if error.kind in ("redirects", "bad-url"):
                return _Robots()  # RFC 9309 treats a robots.txt lost in redirects as unavailable
            return _Robots(disallowed_because=f"{robots.url} could not be read ({error.reason})")
        if reply.status == 304:  # we sent no validators; a server that answers 304 anyway has no rules for us
            return _Robots()
        parser = parse_robots(reply.body.decode("utf-8", errors="replace").removeprefix("\ufeff"))
        return _Robots(parser=parser, crawl_delay=_crawl_delay(parser, self.policy.user_agent))


class _Decoder:
    """Streaming gzip/deflate decompression that never produces more than it is asked for."""

    def __init__(self, encoding: str) -> None:
        # deflate "should" be zlib-wrapped but some servers send it raw; feed() falls back.
        self._raw_fallback = encoding == "deflate"
        self._z = zlib.decompressobj(
            zlib.MAX_WBITS | 16 if encoding in ("gzip", "x-gzip") else zlib.MAX_WBITS
        )
        self._started = False
        self._corrupt = False

    def feed(self, data: bytes, room: int) -> bytes:
        """Decompress `data`, at most room + 1 bytes of it, so the caller can tell it went over."""
        # max_length=0 means "no limit", hence the + 1 (and the caller's check for > room).
        if self._corrupt:
            return b""
        try:
            out = self._z.decompress(data, max(room, 0) + 1)
        except zlib.error:
            if self._raw_fallback and not self._started:
                self._raw_fallback = False
                self._z = zlib.decompressobj(-zlib.MAX_WBITS)
                return self.feed(data, room)
            self._corrupt = True
            return b""
        self._started = True
        return out

    def finish(self) -> bytes | None:
        """The last bytes, or None when the stream was corrupt or ended early."""
        if self._corrupt:
            return None
        try:
            tail = self._z.flush()
        except zlib.error:
            return None
        return tail if self._z.eof else None


def _check_url(url: str) -> _Target:
    """Refuse anything but an absolute http(s) URL; percent-encode what http.client cannot send."""
    text = url.strip()
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in text):
        raise FetchError("bad-url", url, "the URL contains control characters")
    try:
        parts = urllib.parse.urlsplit(text)
        port = parts.port
    except ValueError as error:
        raise FetchError("bad-url", url, f"invalid URL ({error})") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError("bad-url", url, "only http and https URLs can be fetched")
    if not parts.hostname:
        raise FetchError("bad-url", url, "the URL has no host")
    if parts.username is not None or parts.password is not None:
        raise FetchError("bad-url", url, "URLs with credentials are not supported")
    # Feeds carry raw spaces and non-ASCII in links; http.client sends only ASCII, so encode them
    # and leave existing %-escapes and reserved characters alone.
    path = urllib.parse.quote(parts.path or "/", safe="/%:@!$&'()*+,;=~")
    query = urllib.parse.quote(parts.query, safe="/%:@!$&'()*+,;=~?[]")
    netloc = parts.netloc.lower()
    host = f"{parts.hostname}:{port or (443 if scheme == 'https' else 80)}"
    # The fragment never reaches the server; dropping it keeps "#a" and "#b" from looking like two URLs.
    return _Target(
        url=urllib.parse.urlunsplit((scheme, netloc, path, query, "")),
        host=host,
        origin=f"{scheme}://{host}",
        robots_url=f"{scheme}://{netloc}/robots.txt",
    )


def _transport_failure(url: str, where: str, cause: object, timeout: float) -> _AttemptError:
    """Classify a failure below HTTP: a timeout, or "network" (retryable unless TLS said no)."""
    if isinstance(cause, TimeoutError):
        return _AttemptError(FetchError("timeout", url, f"no answer within {timeout:g} s{where}"), retry=True)
    if isinstance(cause, ssl.SSLCertVerificationError):
        # A bad certificate will be just as bad in a second.
        reason = f"TLS certificate not accepted{where}: {cause.verify_message or cause}"
        return _AttemptError(FetchError("network", url, reason), retry=False)
    if isinstance(cause, OSError) and cause.strerror:
        detail = cause.strerror
    else:
        detail = str(cause) or type(cause).__name__
    return _AttemptError(FetchError("network", url, f"could not connect{where}: {detail}"), retry=True)


def _media_type(content_type: str | None) -> str | None:
    """'text/html' from 'Text/HTML; charset=utf-8'; None when absent or empty."""
    if not content_type:
        return None
    return content_type.split(";")[0].strip().lower() or None


def _status_text(reply: _Reply) -> str:
    """'HTTP 404 Not Found', with the standard phrase when the server sent none."""
    reason = reply.reason
    if not reason:
        try:
            reason = HTTPStatus(reply.status).phrase
        except ValueError:
            reason = ""
    return f"HTTP {reply.status} {reason}".rstrip()


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), if usable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _crawl_delay(parser: RobotsTxt, user_agent: str) -> float:
    """The Crawl-delay robots.txt asks of us, capped, or 0."""
    delay = parser.crawl_delay(product_token(user_agent))
    return min(max(delay or 0.0, 0.0), MAX_CRAWL_DELAY)
