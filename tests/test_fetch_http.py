"""The fetch HTTP client against a real local server: validators, retries, timeouts, redirects,
size limits, compression, robots.txt, rate limiting and the errors the caller sees."""

from __future__ import annotations

import itertools
import pickle
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import pytest

from generator import __version__
from generator.fetch.http import FetchError, FetchPolicy, HttpClient

from .fetch_server import (
    Cached,
    FailThenSucceed,
    FetchServer,
    Gzipped,
    HangUp,
    Redirect,
    Slow,
    Static,
    Status,
    Trickle,
    closed_port_url,
    fetch_server_fixture,  # noqa: F401 - provides the fetch_server fixture
    robots,
)

# Short waits, so failures cost milliseconds; tests that care set what they need. The timeout stays
# roomy so that a busy machine cannot turn a fast local answer into a timeout; the timeout tests
# set a short one against a server that is slower still.
QUICK = FetchPolicy(timeout=2.0, retries=2, backoff=0.01, per_host_interval=0.0, obey_robots=False)


class FakeTime:
    """A clock that only moves when slept on, and remembers every sleep."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def client(fake: FakeTime | None = None, **changes: Any) -> HttpClient:
    """A client with QUICK's settings and `changes`; on fake time when `fake` is given."""
    if fake is None:
        return HttpClient(replace(QUICK, **changes))
    return HttpClient(replace(QUICK, **changes), sleep=fake.sleep, clock=fake.clock)


def failure(http: HttpClient, url: str) -> FetchError:
    with pytest.raises(FetchError) as caught:
        http.get(url)
    return caught.value


# -- success, headers and validators ----------------------------------------------------------


def test_200_reports_media_type_charset_and_body(fetch_server: FetchServer) -> None:
    fetch_server.routes["/page"] = Static("<p>Café</p>".encode(), content_type="Text/HTML; Charset=UTF-8")
    response = client().get(fetch_server.url("/page"))
    assert response.status == 200
    assert response.url == fetch_server.url("/page")
    assert response.body == "<p>Café</p>".encode()
    assert response.content_type == "text/html"
    assert response.charset == "utf-8"
    assert response.etag is None and response.last_modified is None


def test_sends_our_user_agent_accept_encoding_and_accept(fetch_server: FetchServer) -> None:
    fetch_server.routes["/feed"] = Static("x")
    client().get(fetch_server.url("/feed"), accept="application/rss+xml")
    (request,) = fetch_server.requests("/feed")
    assert request.headers["user-agent"].startswith(f"Broadsheet/{__version__} (+https://")
    assert request.headers["accept-encoding"] == "gzip"
    assert request.headers["accept"] == "application/rss+xml"
    assert "if-none-match" not in request.headers


def test_etag_gives_304_then_a_changed_feed_gives_200(fetch_server: FetchServer) -> None:
    fetch_server.routes["/feed.xml"] = Cached("<rss>1</rss>", etag='"v1"', last_modified=None)
    http = client()
    first = http.get(fetch_server.url("/feed.xml"))
    assert (first.status, first.body, first.etag) == (200, b"<rss>1</rss>", '"v1"')
    second = http.get(fetch_server.url("/feed.xml"), etag=first.etag)
    assert (second.status, second.body, second.etag) == (304, b"", '"v1"')
    assert fetch_server.requests("/feed.xml")[1].headers["if-none-match"] == '"v1"'
    fetch_server.routes["/feed.xml"] = Cached("<rss>2</rss>", etag='"v2"', last_modified=None)
    third = http.get(fetch_server.url("/feed.xml"), etag=second.etag)
    assert (third.status, third.body, third.etag) == (200, b"<rss>2</rss>", '"v2"')
    assert http.stats.not_modified == 1 and http.stats.requests == 3


def test_last_modified_gives_304(fetch_server: FetchServer) -> None:
    stamp = "Tue, 02 Sep 2025 10:30:00 GMT"
    fetch_server.routes["/feed.xml"] = Cached("<rss/>", etag=None, last_modified=stamp)
    http = client()
    first = http.get(fetch_server.url("/feed.xml"))
    assert (first.status, first.last_modified) == (200, stamp)
    second = http.get(fetch_server.url("/feed.xml"), last_modified=first.last_modified)
    assert (second.status, second.body, second.last_modified) == (304, b"", stamp)
    assert fetch_server.requests("/feed.xml")[1].headers["if-modified-since"] == stamp


# -- HTTP errors and retries --------------------------------------------------------------------


def test_404_fails_at_once_with_status_and_a_one_line_message(fetch_server: FetchServer) -> None:
    url = fetch_server.url("/missing.xml")
    error = failure(client(), url)
    assert (error.kind, error.status, error.url) == ("http", 404, url)
    assert str(error) == f"{url}: HTTP 404 Not Found"
    assert fetch_server.count("/missing.xml") == 1


def test_500_is_retried_with_doubling_back_off_then_fails(fetch_server: FetchServer) -> None:
    fetch_server.routes["/feed"] = Status(500)
    fake = FakeTime()
    http = client(fake, retries=2, backoff=0.5)
    error = failure(http, fetch_server.url("/feed"))
    assert (error.kind, error.status) == ("http", 500)
    assert fetch_server.count("/feed") == 3
    assert fake.sleeps == [0.5, 1.0]
    assert http.stats.retries == 2 and http.stats.waited_s == pytest.approx(1.5)


def test_fail_twice_then_succeed(fetch_server: FetchServer) -> None:
    fetch_server.routes["/feed"] = FailThenSucceed(2, Static("fine"), status=502)
    http = client()
    assert http.get(fetch_server.url("/feed")).body == b"fine"
    assert fetch_server.count("/feed") == 3 and http.stats.retries == 2


def test_429_honours_retry_after_up_to_a_minute(fetch_server: FetchServer) -> None:
    fetch_server.routes["/soon"] = FailThenSucceed(1, status=429, retry_after="3")
    fetch_server.routes["/later"] = FailThenSucceed(1, status=429, retry_after="86400")
    fake = FakeTime()
    http = client(fake)
    assert http.get(fetch_server.url("/soon")).status == 200
    assert http.get(fetch_server.url("/later")).status == 200
    assert fake.sleeps == [3.0, 60.0]


def test_slow_server_times_out_after_retries(fetch_server: FetchServer) -> None:
    fetch_server.routes["/slow"] = Slow(3.0)
    started = time.monotonic()
    error = failure(client(timeout=0.3, retries=1), fetch_server.url("/slow"))
    assert error.kind == "timeout" and "0.3 s" in str(error)
    assert fetch_server.count("/slow") == 2
    assert time.monotonic() - started < 2.5  # gave up long before the server answered


def test_trickling_body_times_out(fetch_server: FetchServer) -> None:
    # Every byte arrives well within the socket timeout; only the whole body is late.
    fetch_server.routes["/drip"] = Trickle(b"x" * 60, interval=0.05)
    started = time.monotonic()
    error = failure(client(timeout=0.3, retries=0), fetch_server.url("/drip"))
    assert error.kind == "timeout"
    assert time.monotonic() - started < 2.5  # the whole body would take 3 s


def test_connection_closed_without_reply_is_a_network_error(fetch_server: FetchServer) -> None:
    fetch_server.routes["/gone"] = HangUp()
    error = failure(client(retries=1), fetch_server.url("/gone"))
    assert error.kind == "network"
    assert fetch_server.count("/gone") == 2


def test_a_body_cut_short_is_a_network_error_and_retried(fetch_server: FetchServer) -> None:
    cut = Static("<rss>", headers={"Content-Length": "500"})
    fetch_server.routes["/cut"] = FailThenSucceed(1, Static("whole"), fail=cut)
    http = client()
    assert http.get(fetch_server.url("/cut")).body == b"whole"
    fetch_server.routes["/cut"] = cut
    error = failure(client(retries=0), fetch_server.url("/cut"))
    assert error.kind == "network" and "after 5 of 500 bytes" in str(error)


def test_connection_refused_is_a_network_error_after_retries() -> None:
    url = closed_port_url("/feed.xml")
    fake = FakeTime()
    http = client(fake, retries=2)
    error = failure(http, url)
    assert error.kind == "network" and error.status is None
    assert str(error).startswith(f"{url}: could not connect") and "\n" not in str(error)
    assert http.stats.requests == 3 and len(fake.sleeps) == 2


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/feed",
        "file:///etc/passwd",
        "feed.xml",
        "http:///nohost",
        "http://h:99999/",
        "http://a\nb/",
    ],
)
def test_only_http_urls_are_fetched(url: str) -> None:
    http = client()
    error = failure(http, url)
    assert error.kind == "bad-url" and error.url == url
    assert http.stats.requests == 0


def test_spaces_and_non_ascii_in_paths_are_percent_encoded(fetch_server: FetchServer) -> None:
    fetch_server.routes["/caf%C3%A9%20bar"] = Static("ok")
    response = client().get(fetch_server.url("/café bar#top"))
    assert response.body == b"ok"
    assert response.url == fetch_server.url("/caf%C3%A9%20bar")


# -- redirects ----------------------------------------------------------------------------------


def test_redirects_are_followed_with_relative_locations(fetch_server: FetchServer) -> None:
    fetch_server.routes["/old/feed"] = Redirect("/new/feed", 301)
    fetch_server.routes["/new/feed"] = Redirect("final", 308)
    fetch_server.routes["/new/final"] = Static("here")
    response = client().get(fetch_server.url("/old/feed"))
    assert (response.url, response.body) == (fetch_server.url("/new/final"), b"here")
    assert [r.path for r in fetch_server.requests()] == ["/old/feed", "/new/feed", "/new/final"]


def test_redirect_loop_is_an_error_naming_the_url(fetch_server: FetchServer) -> None:
    fetch_server.routes["/a"] = Redirect("/b")
    fetch_server.routes["/b"] = Redirect("/a")
    url = fetch_server.url("/a")
    error = failure(client(), url)
    assert error.kind == "redirects" and error.url == url
    assert str(error).startswith(f"{url}: redirect loop")
    assert fetch_server.count("/a") == 1 and fetch_server.count("/b") == 1


def test_a_chain_longer_than_max_redirects_is_an_error(fetch_server: FetchServer) -> None:
    for hop in range(6):
        fetch_server.routes[f"/r{hop}"] = Redirect(f"/r{hop + 1}")
    fetch_server.routes["/r6"] = Static("end")
    assert client(max_redirects=6).get(fetch_server.url("/r0")).body == b"end"
    error = failure(client(max_redirects=5), fetch_server.url("/r0"))
    assert error.kind == "redirects" and "more than 5 redirects" in str(error)


def test_each_redirect_hop_waits_its_turn(fetch_server: FetchServer) -> None:
    fetch_server.routes["/a"] = Redirect("/b")
    fetch_server.routes["/b"] = Static("b")
    fake = FakeTime()
    client(fake, per_host_interval=2.0).get(fetch_server.url("/a"))
    assert fake.sleeps == [2.0]


# -- size limits and compression ----------------------------------------------------------------


@pytest.mark.parametrize("send_length", [True, False], ids=["content-length", "until-close"])
def test_a_body_over_max_bytes_is_refused(fetch_server: FetchServer, send_length: bool) -> None:
    fetch_server.routes["/big"] = Static(b"x" * 2_000_000, send_length=send_length)
    http = client(max_bytes=1_000_000)
    error = failure(http, fetch_server.url("/big"))
    assert error.kind == "too-large"
    assert fetch_server.count("/big") == 1
    assert http.stats.bytes_read <= 1_000_000 + 64 * 1024  # stopped reading early


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_compressed_bodies_are_decoded(fetch_server: FetchServer, encoding: str) -> None:
    body = "<p>Der Bürgermeister sagte am Dienstag, die Brücke bleibe gesperrt.</p>".encode() * 50
    fetch_server.routes["/page"] = Gzipped(body, encoding=encoding)
    http = client()
    response = http.get(fetch_server.url("/page"))
    assert response.body == body
    assert http.stats.bytes_read < len(body) / 5  # counted on the wire


def test_gzip_bomb_is_refused(fetch_server: FetchServer) -> None:
    bomb = Gzipped(b"\0" * 8_000_000)
    assert len(bomb.compressed) < 100_000
    fetch_server.routes["/bomb"] = bomb
    error = failure(client(max_bytes=1_000_000), fetch_server.url("/bomb"))
    assert error.kind == "too-large"


# -- robots.txt ---------------------------------------------------------------------------------


def test_robots_disallow_stops_the_request_before_it_is_made(fetch_server: FetchServer) -> None:
    fetch_server.routes["/robots.txt"] = robots("User-agent: *\nDisallow: /private/\n")
    fetch_server.routes["/private/page"] = Static("secret")
    fetch_server.routes["/public/page"] = Static("hello")
    http = client(obey_robots=True)
    error = failure(http, fetch_server.url("/private/page"))
    assert error.kind == "robots" and "robots.txt" in str(error)
    assert http.get(fetch_server.url("/public/page")).body == b"hello"
    assert not http.allowed(fetch_server.url("/private/other"))
    assert fetch_server.count("/private/page") == 0
    assert fetch_server.count("/robots.txt") == 1  # cached for the run


def test_robots_rules_for_our_agent_apply_and_others_do_not(fetch_server: FetchServer) -> None:
    fetch_server.routes["/robots.txt"] = robots(
        "User-agent: OtherBot\nDisallow: /\n\nUser-agent: Broadsheet\nDisallow: /drafts/\n"
    )
    http = client(obey_robots=True)
    assert http.allowed(fetch_server.url("/news/1"))
    assert not http.allowed(fetch_server.url("/drafts/1"))


def test_robots_404_allows_everything(fetch_server: FetchServer) -> None:
    fetch_server.routes["/page"] = Static("hello")
    http = client(obey_robots=True)
    assert http.get(fetch_server.url("/page")).body == b"hello"
    assert [r.path for r in fetch_server.requests()] == ["/robots.txt", "/page"]


def test_robots_500_disallows_the_host(fetch_server: FetchServer) -> None:
    fetch_server.routes["/robots.txt"] = Status(500)
    fetch_server.routes["/page"] = Static("hello")
    http = client(obey_robots=True, retries=1)
    error = failure(http, fetch_server.url("/page"))
    assert error.kind == "robots" and "could not be read" in str(error)
    assert not http.allowed(fetch_server.url("/other"))
    assert fetch_server.count("/page") == 0
    assert fetch_server.count("/robots.txt") == 2  # one try and one retry, then remembered


def test_unreachable_robots_host_is_a_network_error() -> None:
    url = closed_port_url("/feed.xml")
    http = client(obey_robots=True, retries=0)
    error = failure(http, url)
    assert error.kind == "network" and error.url == url
    with pytest.raises(FetchError) as caught:
        http.allowed(url)
    assert caught.value.kind == "network"
    assert http.stats.requests == 1  # the host's failure is remembered for the run


def test_a_redirect_into_a_disallowed_path_is_not_followed(fetch_server: FetchServer) -> None:
    fetch_server.routes["/robots.txt"] = robots("User-agent: *\nDisallow: /private/\n")
    fetch_server.routes["/go"] = Redirect("/private/page")
    fetch_server.routes["/private/page"] = Static("secret")
    error = failure(client(obey_robots=True), fetch_server.url("/go"))
    assert error.kind == "robots" and "/private/page" in str(error)
    assert fetch_server.count("/private/page") == 0


def test_robots_fetch_waits_its_turn_like_any_request(fetch_server: FetchServer) -> None:
    fetch_server.routes["/a"] = Static("a")
    fake = FakeTime()
    client(fake, obey_robots=True, per_host_interval=1.0).get(fetch_server.url("/a"))
    assert fake.sleeps == [1.0]  # robots.txt at 0, the page one interval later
    assert fetch_server.requests()[0].headers["user-agent"].startswith("Broadsheet/")


def test_robots_crawl_delay_slows_us_down(fetch_server: FetchServer) -> None:
    fetch_server.routes["/robots.txt"] = robots("User-agent: *\nCrawl-delay: 5\n")
    fetch_server.routes["/a"] = Static("a")
    fake = FakeTime()
    http = client(fake, obey_robots=True, per_host_interval=1.0)
    http.get(fetch_server.url("/a"))
    http.get(fetch_server.url("/a"))
    assert fake.sleeps == [5.0, 5.0]


# -- rate limiting ------------------------------------------------------------------------------


def test_requests_to_one_host_are_spaced_in_real_time(fetch_server: FetchServer) -> None:
    fetch_server.routes["/a"] = Static("a")
    http = client(per_host_interval=0.2)
    for _ in range(3):
        http.get(fetch_server.url("/a"))
    times = [r.time for r in fetch_server.requests("/a")]
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert all(gap >= 0.1 for gap in gaps), gaps  # generous: arrival adds scheduling jitter
    assert http.stats.waited_s > 0.2


def test_different_hosts_do_not_wait_for_each_other(fetch_server: FetchServer) -> None:
    with FetchServer() as other:
        fetch_server.routes["/a"] = other.routes["/b"] = Static("x")
        fake = FakeTime()
        http = client(fake, per_host_interval=1.0)
        for _ in range(2):
            http.get(fetch_server.url("/a"))
            http.get(other.url("/b"))
    # Only the second request to each host waited, and the second host's wait overlapped the first's.
    assert fake.sleeps == [1.0]


def test_one_client_shared_by_threads_still_spaces_requests_and_reads_robots_once(
    fetch_server: FetchServer,
) -> None:
    fetch_server.routes["/robots.txt"] = robots("User-agent: *\nDisallow: /private/\n")
    for n in range(4):
        fetch_server.routes[f"/a{n}"] = Static("a")
    http = client(obey_robots=True, per_host_interval=0.15)
    with ThreadPoolExecutor(4) as pool:
        bodies = list(pool.map(lambda n: http.get(fetch_server.url(f"/a{n}")).body, range(4)))
    assert bodies == [b"a"] * 4
    assert fetch_server.count("/robots.txt") == 1
    # Slots are 0.15 s apart at the client; arrival at the server adds each thread's scheduling jitter.
    times = sorted(r.time for r in fetch_server.requests())
    assert all(later - earlier >= 0.075 for earlier, later in itertools.pairwise(times)), times
    assert times[-1] - times[0] >= 0.5, times


def test_fetch_errors_survive_pickling_for_worker_processes() -> None:
    error = FetchError("http", "http://example.com/feed", "HTTP 500 Internal Server Error", 500)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.kind, copy.url, copy.status, str(copy)) == ("http", error.url, 500, str(error))
