"""Pluggable summarisers: the extractive default, and an optional LLM behind any OpenAI-compatible server.

`make_summariser(settings, cache_file)` gives the extractive summariser when no endpoint is set,
else an `LLMSummariser` that asks the server (a local llama.cpp or Ollama server, say) for article
summaries, event summaries and event titles, and falls back to the extractive one on any error:
no answer, a timeout, an HTTP error, malformed JSON, or an empty reply. Answers are cached by a
hash of the model and prompt, so a rebuild asks nothing again and gives the same site.
"""

from __future__ import annotations

import hashlib
import json
import os
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from generator.config import LLMSettings
from generator.model import Article, CleanDocument
from generator.summarise import event_title as central_title
from generator.summarise import summarise_event
from generator.summarise.extractive import summarise_text
from generator.summarise.sentences import split_sentences

# Enough of an article for a summary without overflowing a small local model's context.
PROMPT_MAX_WORDS = 1500


class LLMError(Exception):
    """The endpoint could not give a usable answer."""


class Summariser(Protocol):
    """What the pipeline asks of a summariser."""

    warnings: list[str]

    def article_summary(self, doc: CleanDocument, sentences: int) -> tuple[str, ...]:
        """A few sentences that say what one article reports."""
        ...

    def event_summary(self, articles: Sequence[Article], words: int) -> tuple[str, ...]:
        """About `words` words on what happened, from all of an event's articles."""
        ...

    def event_title(self, articles: Sequence[Article]) -> str:
        """A headline for an event."""
        ...


@dataclass
class ExtractiveSummariser:
    """The default: whole sentences chosen from the text (see `extractive.py`)."""

    warnings: list[str] = field(default_factory=list)

    def article_summary(self, doc: CleanDocument, sentences: int) -> tuple[str, ...]:
        """The best `sentences` sentences of the article, in order."""
        return summarise_text(doc.title, doc.paragraphs, sentences)

    def event_summary(self, articles: Sequence[Article], words: int) -> tuple[str, ...]:
        """Sentences from all the event's articles, without repeats."""
        if len(articles) == 1:
            return (articles[0].summary,) if articles[0].summary else ()
        return summarise_event(articles, words)

    def event_title(self, articles: Sequence[Article]) -> str:
        """The most central headline."""
        return articles[0].title if len(articles) == 1 else central_title(articles)


def chat_completion(settings: LLMSettings, system: str, user: str, max_tokens: int) -> str:
    """One request to an OpenAI-compatible `/chat/completions` endpoint; the reply's text."""
    url = settings.endpoint.rstrip("/") + "/chat/completions"
    body = {
        "model": settings.model,
        "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
        "temperature": 0,
        "max_tokens": max_tokens,
        "stream": False,
    }
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    key = os.environ.get(settings.api_key_env) if settings.api_key_env else None
    if key:
        headers["Authorization"] = f"Bearer {key}"
    request = urllib.request.Request(
        url, data=json.dumps(body).encode("utf-8"), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.timeout) as response:
            payload: Any = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        raise LLMError(f"HTTP {error.code} from {url}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise LLMError(f"no answer from {url} ({getattr(error, 'reason', error)})") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise LLMError(f"{url} did not answer with JSON") from None
    try:
        text = payload["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        raise LLMError(f"{url} answered without choices[0].message.content") from None
    if not isinstance(text, str) or not text.strip():
        raise LLMError(f"{url} gave an empty answer")
    return " ".join(text.split())


def _excerpt(text: str, max_words: int = PROMPT_MAX_WORDS) -> str:
    words = text.split()
    return " ".join(words[:max_words])


@dataclass
class LLMSummariser:
    """Summaries and titles from a language model, the extractive summariser as the fallback."""

    settings: LLMSettings
    cache_file: Path | None = None
    fallback: ExtractiveSummariser = field(default_factory=ExtractiveSummariser)
    warnings: list[str] = field(default_factory=list)
    cache: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.cache_file is not None and self.cache_file.is_file():
            try:
                loaded = json.loads(self.cache_file.read_text(encoding="utf-8"))
                self.cache = {str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}
            except (json.JSONDecodeError, UnicodeDecodeError, OSError):
                self.cache = {}

    def save(self) -> None:
        """Write the answers cache (sorted, so the file itself is stable)."""
        if self.cache_file is None:
            return
        self.cache_file.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.cache_file.with_suffix(".tmp")
        temporary.write_text(
            json.dumps(self.cache, sort_keys=True, ensure_ascii=False, indent=0), encoding="utf-8"
        )
        temporary.replace(self.cache_file)

    def _ask(self, system: str, user: str, max_tokens: int) -> str:
        key = hashlib.sha256(json.dumps([self.settings.model, system, user]).encode("utf-8")).hexdigest()
        if key not in self.cache:
            self.cache[key] = chat_completion(self.settings, system, user, max_tokens)
        return self.cache[key]

    def _failed(self, what: str, error: LLMError) -> None:
        self.warnings.append(f"llm: {what}: {error}; used the extractive summary instead")

    def article_summary(self, doc: CleanDocument, sentences: int) -> tuple[str, ...]:
        """The model's summary of the article in `sentences` sentences."""
        system = (
            f"You summarise news articles in at most {sentences} plain sentences, in the article's language. "
            "State only facts the article reports. No preamble, no lists."
        )
        user = f"Title: {doc.title}\n\n{_excerpt(' '.join(doc.paragraphs))}"
        try:
            answer = split_sentences(self._ask(system, user, 60 * sentences))[:sentences]
        except LLMError as error:
            self._failed(doc.key, error)
            return self.fallback.article_summary(doc, sentences)
        return tuple(answer) or self.fallback.article_summary(doc, sentences)

    def event_summary(self, articles: Sequence[Article], words: int) -> tuple[str, ...]:
        """The model's account of what happened, from every source, noting where they disagree."""
        system = (
            f"You write a neutral news summary of about {words} words from several reports of one event. "
            "Say what happened, draw on every source, do not repeat yourself, and say where sources "
            "disagree and who claims what. Plain prose, no lists, no preamble."
        )
        reports = "\n\n".join(
            f"Source: {a.source or 'unknown'} ({a.date.date().isoformat()})\nTitle: {a.title}\n"
            f"{_excerpt(a.body, PROMPT_MAX_WORDS // max(1, len(articles)))}"
            for a in articles
        )
        try:
            answer = split_sentences(self._ask(system, reports, 2 * words))
        except LLMError as error:
            self._failed(f"event {articles[0].event or articles[0].title}", error)
            return self.fallback.event_summary(articles, words)
        return tuple(answer) or self.fallback.event_summary(articles, words)

    def event_title(self, articles: Sequence[Article]) -> str:
        """A short headline from the model."""
        system = (
            "Write one short, factual news headline (at most 12 words) for these reports. Only the headline."
        )
        user = "\n".join(f"- {a.title}: {a.summary}" for a in articles)
        try:
            title = self._ask(system, user, 40).strip().strip('"“”')
        except LLMError as error:
            self._failed(f"title of {articles[0].title}", error)
            return self.fallback.event_title(articles)
        return title if 0 < len(title.split()) <= 20 else self.fallback.event_title(articles)


def make_summariser(
    settings: LLMSettings, cache_file: Path | None = None
) -> ExtractiveSummariser | LLMSummariser:
    """The summariser the settings ask for."""
    return LLMSummariser(settings, cache_file) if settings.enabled else ExtractiveSummariser()
