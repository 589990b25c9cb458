"""The optional LLM summariser against a real HTTP server on 127.0.0.1 that speaks the OpenAI protocol."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from generator.config import LLMSettings, config_from_mapping, load_config
from generator.errors import ConfigError
from generator.model import Article, CleanDocument
from generator.pipeline import build
from generator.summarise.llm import ExtractiveSummariser, LLMSummariser, make_summariser

ARTICLE_TEXT = (
    "The city council voted on Tuesday to close the old bridge after engineers found cracks in two supports.",
    "Officials said repairs would take six months and cost four million dollars.",
    "Residents said they had complained about the vibration for years.",
)


@dataclass
class FakeServer:
    """What the fake endpoint was asked, and how it should answer."""

    mode: str = "ok"
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)


@pytest.fixture
def server() -> Iterator[tuple[FakeServer, str]]:
    state = FakeServer()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state.requests.append(body)
            state.headers.append(dict(self.headers))
            if self.path != "/v1/chat/completions" or state.mode == "error":
                self.send_response(500)
                self.end_headers()
                return
            system = body["messages"][0]["content"]
            text = "Bridge closes after cracks are found" if "headline" in system else (
                "The council closed the bridge. Repairs will take six months."
            )  # fmt: skip
            payload: dict[str, Any] = {"choices": [{"message": {"role": "assistant", "content": text}}]}
            if state.mode == "garbage":
                payload = {"unexpected": True}
            data = json.dumps(payload).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{httpd.server_address[1]}/v1/"
    httpd.shutdown()
    httpd.server_close()


def document() -> CleanDocument:
    return CleanDocument(key="x.txt", source_file="x.txt", content_hash="h", title="Bridge closed",
                         paragraphs=ARTICLE_TEXT)  # fmt: skip


def article(day: int, source: str) -> Article:
    return Article(path=f"2025/01/a{day}.md", slug=f"a{day}", title="Bridge closed after cracks found",
                   date=datetime(2025, 1, day, tzinfo=UTC), date_source="given", summary=ARTICLE_TEXT[0],
                   body="\n\n".join(ARTICLE_TEXT), source=source)  # fmt: skip


def test_summaries_and_titles_come_from_the_endpoint(server: tuple[FakeServer, str], tmp_path: Path) -> None:
    state, endpoint = server
    monkey_key = "BROADSHEET_TEST_KEY"
    settings = LLMSettings(endpoint=endpoint, model="tiny-model", api_key_env=monkey_key)
    summariser = LLMSummariser(settings, tmp_path / "cache.json")
    assert summariser.article_summary(document(), 2) == (
        "The council closed the bridge.",
        "Repairs will take six months.",
    )
    assert (
        summariser.event_title([article(1, "A"), article(2, "B")]) == "Bridge closes after cracks are found"
    )
    assert (
        summariser.event_summary([article(1, "A"), article(2, "B")], 100)[0]
        == "The council closed the bridge."
    )
    assert summariser.warnings == []
    assert [r["model"] for r in state.requests] == ["tiny-model"] * 3
    assert all(
        r["messages"][0]["role"] == "system" and r["messages"][1]["role"] == "user" for r in state.requests
    )
    assert "Source: A" in state.requests[2]["messages"][1]["content"]
    # Answers are cached: asking again sends nothing, also from a new summariser reading the cache file.
    summariser.save()
    again = LLMSummariser(settings, tmp_path / "cache.json")
    assert again.article_summary(document(), 2)[0] == "The council closed the bridge."
    assert len(state.requests) == 3


@pytest.mark.parametrize("mode", ["error", "garbage"])
def test_any_failure_falls_back_to_the_extractive_summary(server: tuple[FakeServer, str], mode: str) -> None:
    state, endpoint = server
    state.mode = mode
    summariser = LLMSummariser(LLMSettings(endpoint=endpoint, model="m"))
    assert summariser.article_summary(document(), 2) == ExtractiveSummariser().article_summary(document(), 2)
    assert summariser.event_title([article(1, "A"), article(2, "B")]) == "Bridge closed after cracks found"
    assert len(summariser.warnings) == 2
    assert all(w.startswith("llm: ") and "extractive" in w for w in summariser.warnings)


def test_unreachable_endpoint_falls_back() -> None:
    summariser = LLMSummariser(LLMSettings(endpoint="http://127.0.0.1:9/v1/", model="m", timeout=2))
    assert summariser.article_summary(document(), 1) == ExtractiveSummariser().article_summary(document(), 1)
    assert "no answer" in summariser.warnings[0]


def test_no_endpoint_means_the_extractive_summariser() -> None:
    assert isinstance(make_summariser(LLMSettings()), ExtractiveSummariser)


@pytest.mark.parametrize(
    ("table", "key"),
    [({"endpoint": "not a url", "model": "m"}, "llm.endpoint"), ({"endpoint": "http://127.0.0.1:1/v1/"}, "llm.model"),
     ({"timeout": 0}, "llm.timeout"), ({"colour": "red"}, "llm.colour")],
)  # fmt: skip
def test_bad_llm_settings_name_the_key(table: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config_from_mapping({"llm": table})
    assert str(caught.value).startswith(key)


def test_build_with_an_llm_uses_it_for_articles_and_events(
    server: tuple[FakeServer, str], project: Path
) -> None:
    state, endpoint = server
    config = replace(load_config(project), llm=LLMSettings(endpoint=endpoint, model="m"))
    report = build(project, config)
    assert report.articles == 5 and report.diagnostics.warnings == []
    summaries = [p.read_text() for p in (project / "content" / "articles").rglob("*.md")]
    assert all("The council closed the bridge." in text for text in summaries)
    assert "Bridge closes after cracks are found" in (project / "site" / "index.html").read_text()
    asked = len(state.requests)
    build(project, config)
    assert len(state.requests) == asked  # the rebuild asked nothing: the answers are cached
