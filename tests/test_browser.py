"""The built sample site in a real browser (Debian's Chromium driven by Playwright), under a sub-path.

Skipped only where Chromium is not installed and CI is not set; in CI a missing browser fails.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from generator.config import load_config
from generator.pipeline import build
from generator.serve import serve

from .conftest import make_project
from .hostile import Hostile
from .tools import AXE_JS, require

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip
BASE_PATH = "/broadsheet/"

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is missing; install Debian's chromium package")
    pytest.skip("Chromium is not installed (apt-get install -y chromium)", allow_module_level=True)

from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, Request, expect, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    project = make_project(tmp_path_factory.mktemp("browser") / "project")
    with serve(project / "site", BASE_PATH) as port:
        base_url = f"http://127.0.0.1:{port}{BASE_PATH}"
        report = build(project, replace(load_config(project), base_url=base_url))
        assert report.articles == 5
        yield base_url
    shutil.rmtree(project, ignore_errors=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


def expect_ok(url: str) -> bool:
    """Every request should succeed, except the page a test asks for on purpose to get a 404."""
    return "/no/such/page/" not in url


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page that records console errors and refuses any request that leaves 127.0.0.1."""
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    foreign: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and "404 (Not Found)" not in message.text:
            errors.append(message.text)

    def on_request(request: Request) -> None:
        host = urlsplit(request.url).hostname
        if request.url.startswith(("http:", "https:")) and host != "127.0.0.1":
            foreign.append(request.url)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", on_request)
    page.on(
        "response",
        lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 and expect_ok(r.url) else None,
    )
    yield page
    assert errors == [], f"console errors: {errors}"
    assert foreign == [], f"requests left 127.0.0.1: {foreign}"
    context.close()


def test_reader_goes_home_event_article_source_archive_and_back(page: Page, site_url: str) -> None:
    page.goto(site_url)
    assert page.title()
    page.locator(f"main a[href^='{BASE_PATH}events/']").first.click()
    page.wait_for_url(f"**{BASE_PATH}events/**")
    event_url = page.url
    assert page.locator("h1").first.inner_text().strip()
    # An article whose source is known, so that its page links to the source's page.
    page.locator(f".timeline li:has(a[href^='{BASE_PATH}sources/']) h3 a").first.click()
    page.wait_for_url(f"**{BASE_PATH}articles/**")
    article_title = page.locator("h1").first.inner_text().strip()
    article_url = page.url
    assert article_title
    assert page.locator("main p").count() >= 3
    page.locator(f"main article header a[href^='{BASE_PATH}sources/']").first.click()
    page.wait_for_url(f"**{BASE_PATH}sources/**")
    assert page.get_by_text(article_title).count() >= 1
    page.go_back()
    page.wait_for_url(article_url)
    page.locator(f"main a[href^='{BASE_PATH}archive/']").first.click()
    page.wait_for_url(f"**{BASE_PATH}archive/**")
    assert page.get_by_text(article_title).count() >= 1
    page.go_back()
    page.wait_for_url(article_url)
    page.go_back()
    assert page.url == event_url


def test_article_links_to_its_source_page(page: Page, site_url: str) -> None:
    page.goto(site_url + "sources/")
    page.locator(f"main a[href^='{BASE_PATH}sources/']").first.click()
    page.wait_for_url(f"**{BASE_PATH}sources/*/")
    page.locator(f"main a[href^='{BASE_PATH}articles/']").first.click()
    page.wait_for_url(f"**{BASE_PATH}articles/**")


def test_search_finds_a_person_and_highlights_the_match(page: Page, site_url: str) -> None:
    page.goto(site_url + "search/?q=Ushakov")
    first = page.locator(f"main a[href^='{BASE_PATH}articles/']").first
    first.wait_for(timeout=15_000)
    assert page.locator("main mark").count() >= 1
    assert "ushakov" in page.locator("main mark").first.inner_text().lower()


def test_search_completes_the_word_being_typed(page: Page, site_url: str) -> None:
    page.goto(site_url + "search/")
    page.locator("#search-q").press_sequentially("ushak")
    page.locator(f"main #search-results a[href^='{BASE_PATH}articles/']").first.wait_for(timeout=15_000)
    assert page.locator("main mark").first.inner_text().lower().startswith("ushakov")
    # Once the word is finished (a space typed), it must match whole.
    page.locator("#search-q").press_sequentially(" ")
    expect(page.locator("#search-status")).to_have_text("No articles match.")


def test_search_results_filter_by_source_and_month(page: Page, site_url: str) -> None:
    page.goto(site_url + "search/?q=Kremlin")
    results = page.locator(f"main #search-results a[href^='{BASE_PATH}articles/']")
    results.first.wait_for(timeout=15_000)
    assert results.count() >= 3
    page.select_option("#filter-source", "The Sun News")
    expect(page.locator("#search-results li")).to_have_count(1)
    assert "Russia sees progress" in results.first.inner_text()
    page.select_option("#filter-source", "")
    page.select_option("#filter-month", "2025-12")
    expect(page.locator("#search-results li")).to_have_count(2)
    assert all("/2025/12/" in (results.nth(i).get_attribute("href") or "") for i in range(2))
    page.select_option("#filter-month", "")
    page.select_option(
        "#filter-event", "Putin adviser says ceasefire gives nothing to Russia, would only help Ukraine"
    )
    expect(page.locator("#search-results li")).to_have_count(1)
    assert "/2025/03/" in (results.first.get_attribute("href") or "")


def test_search_box_in_header_reaches_results_by_keyboard(page: Page, site_url: str) -> None:
    page.goto(site_url)
    box = page.get_by_role("searchbox").first
    box.focus()
    box.type("Medvedev")
    box.press("Enter")
    page.wait_for_url(f"**{BASE_PATH}search/**")
    page.locator(f"main a[href^='{BASE_PATH}articles/']").first.wait_for(timeout=15_000)


def test_missing_deep_url_gets_the_404_page(page: Page, site_url: str) -> None:
    response = page.goto(site_url + "no/such/page/")
    assert response is not None and response.status == 404
    page.locator(f"a[href='{BASE_PATH}']").first.click()
    page.wait_for_url(site_url)


PAGE_TYPES = {
    "home": "",
    "event": "events/russia-sees-progress-in-ukraine-peace-talks-but-us-relations/",
    "article": "articles/2025/12/russia-resists-u-s-push-on-ukraine-peace-proposal/",
    "month": "archive/2025/04/",
    "day": "archive/2025/04/18/",
    "digest": "digest/",
    "digest-day": "digest/2025/04/18/",
    "digest-week": "digest/2025/w16/",
    "archive": "archive/",
    "sources": "sources/",
    "person": "people/dmitry-peskov/",
    "search": "search/?q=Kremlin",
    "404": "no/such/page/",
}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("page_type", sorted(PAGE_TYPES))
def test_axe_finds_no_wcag_violations(browser: Browser, site_url: str, page_type: str, scheme: str) -> None:
    axe = require(AXE_JS, "axe-core (npm package)")
    # axe is injected as a script, which the pages' CSP would rightly refuse: only this context bypasses it.
    context = browser.new_context(bypass_csp=True, color_scheme=scheme)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(site_url + PAGE_TYPES[page_type])
    if page_type == "search":
        page.locator("#search-results li").first.wait_for(timeout=15_000)
    page.add_script_tag(path=str(axe))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    context.close()
    violations = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert violations == [], violations


def test_phrase_search_puts_the_right_article_first(page: Page, site_url: str) -> None:
    page.goto(site_url + "search/?q=" + "28-point plan")
    first = page.locator("#search-results li a").first
    first.wait_for(timeout=15_000)
    assert "/2025/12/" in (first.get_attribute("href") or "")


def test_keyboard_alone_reaches_search_and_a_result(page: Page, site_url: str) -> None:
    page.goto(site_url)
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.type") == "search":
            break
    else:
        raise AssertionError("Tab never reached the search box")
    page.keyboard.type("Ushakov")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{BASE_PATH}search/**")
    page.locator("#search-results li a").first.wait_for(timeout=15_000)
    for _ in range(20):
        page.keyboard.press("Tab")
        href = page.evaluate("() => document.activeElement && document.activeElement.getAttribute('href')")
        if href and href.startswith(BASE_PATH + "articles/"):
            break
    else:
        raise AssertionError("Tab never reached a search result")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{BASE_PATH}articles/**")


@pytest.mark.parametrize("page_type", ["home", "event", "article", "search", "digest-day"])
def test_pages_fit_a_320_pixel_wide_phone(browser: Browser, site_url: str, page_type: str) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640}, bypass_csp=True)
    page = context.new_page()
    page.goto(site_url + PAGE_TYPES[page_type])
    width = page.evaluate("() => document.documentElement.scrollWidth")
    context.close()
    assert width <= 320


BULK_PAGE = re.compile(r"<title>Item (\d+)\b")
SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
EVENT_ATTRIBUTE = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
UNSAFE_LINK = re.compile(r"(?:href|src|action)\s*=\s*[\"']?\s*(?:javascript|vbscript|data):", re.IGNORECASE)


def hostile_pages_to_visit(site: Path) -> list[str]:
    """Every page of the hostile site, checked as text; the ones a browser should load.

    The 50,000-entry feed yields thousands of pages made from one pattern; loading them all twice
    would take most of an hour, so the browser visits a handful of them and every other page.
    """
    visit = []
    for page in sorted(site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        path = page.relative_to(site).as_posix()
        tags = SCRIPT_TAG.findall(html)
        assert all('src="' + BASE_PATH + 'static/js/search.js"' in tag for tag in tags), (path, tags)
        assert not EVENT_ATTRIBUTE.search(html), (path, EVENT_ATTRIBUTE.search(html))
        assert not UNSAFE_LINK.search(html), (path, UNSAFE_LINK.search(html))
        bulk = BULK_PAGE.search(html)
        if bulk is None or int(bulk.group(1)) < 5:
            visit.append(path)
    return visit


def test_no_script_from_hostile_content_ever_runs(browser: Browser, hostile: Hostile) -> None:
    """Every hostile page renders the same DOM with JavaScript on as with it off."""
    project = hostile[0]
    site = project / "site"
    pages = hostile_pages_to_visit(site)
    assert len(pages) > 20
    dialogs: list[str] = []
    errors: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and "404" not in message.text:
            errors.append(message.text)

    with serve(site, BASE_PATH) as port:
        scripted = browser.new_context()
        inert = browser.new_context(java_script_enabled=False)
        page, reference = scripted.new_page(), inert.new_page()
        page.on("dialog", on_dialog)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", on_console)
        for path in pages:
            url = f"http://127.0.0.1:{port}{BASE_PATH}{path.removesuffix('index.html')}"
            page.goto(url)
            scripts = page.locator("script").evaluate_all("nodes => nodes.map(n => n.getAttribute('src'))")
            assert scripts in ([], [f"{BASE_PATH}static/js/search.js"]), (path, scripts)
            if path.startswith("search/"):
                continue  # the search script legitimately builds its own widgets
            reference.goto(url)
            assert page.content() == reference.content(), f"{path}: a script changed the page"
        scripted.close()
        inert.close()
    assert dialogs == [] and errors == []
