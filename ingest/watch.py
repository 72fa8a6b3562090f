"""Following feeds: each poll asks only for what changed since the last one (ETag / Last-Modified), stores new and
edited entries through the same ingest as files (an unchanged entry is recognised by its content and skipped), and
a failing feed is retried later and later and reported, never stopping the others.

What each feed's last poll found is kept in ``feeds.json`` under the data dir, so a restarted watcher asks with the
same validators and the web chat can show it.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Callable, Sequence

from newsdesk.ingest.pipeline import Ingestor, IngestReport
from newsdesk.ingest.sources import SourceOptions, feed_items
from newsdesk.ingest.web import FetchError, fetch

log = logging.getLogger(__name__)
STATE_FILE = "feeds.json"
MAX_BACKOFF = 6 * 3600.0  # a feed failing for long is still tried four times a day
@dataclass
class FeedState:
    """A followed feed: its validators, when it was polled and what that found, and when it is next due."""

    url: str
    etag: str = ""
    last_modified: str = ""
    last_poll: float | None = None  # epoch seconds
    last_result: str = ""  # "stored", "not modified" or "failed"
    last_error: str = ""
    failures: int = 0  # in a row; sets the back-off
    next_poll: float = 0.0
    paused: bool = False
    articles_added: int = 0  # since it was first followed
    articles_updated: int = 0


@dataclass(frozen=True)
class PollResult:
    url: str
    result: str  # "stored", "not modified" or "failed"
    report: IngestReport | None = None
    error: str = ""
    retry_in: float = 0.0  # seconds until the next poll

    def describe(self) -> str:
        if self.result == "failed":
            return f"{self.url}: error: {self.error} (retrying in {_human(self.retry_in)})"
        if self.result == "not modified":
            return f"{self.url}: not modified"
        r = self.report or IngestReport()
        failed = f", {r.articles_failed} failed" if r.articles_failed else ""
        return f"{self.url}: {r.articles_added} added, {r.articles_updated} updated, {r.articles_unchanged} unchanged{failed}"

    def to_json(self) -> dict[str, object]:
        return {"url": self.url, "result": self.result, "error": self.error, "retry_in_s": round(self.retry_in),
                "ingest": self.report.to_json() if self.report else None}


def _human(seconds: float) -> str:
    for unit, size in (("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds / size:g}{unit}"
    return f"{seconds:.0f}s"


class FeedStates:
    """The feeds' states, saved as JSON after every poll (written whole and renamed in)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.feeds: dict[str, FeedState] = {}
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            saved = []
        known = {f.name for f in fields(FeedState)}
        for entry in saved if isinstance(saved, list) else []:
            if isinstance(entry, dict) and entry.get("url"):
                self.feeds[entry["url"]] = FeedState(**{k: v for k, v in entry.items() if k in known})

    def follow(self, url: str) -> FeedState:
        return self.feeds.setdefault(url, FeedState(url))

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        staging = self.path.with_name(self.path.name + ".new")
        staging.write_text(json.dumps([asdict(s) for s in self.feeds.values()], indent=1), encoding="utf-8")
        os.replace(staging, self.path)


def poll_feed(state: FeedState, ingestor: Ingestor, every: float, options: SourceOptions,
              now: Callable[[], float] = time.time) -> PollResult:
    """Fetch one feed if it changed and store its new and edited entries; a failure is recorded in ``state``, not
    raised. Entries that cannot be articles are reported in the ingest report, as for files."""
    state.last_poll = now()
    try:
        fetched = fetch(state.url, options.timeout, state.etag, state.last_modified)
        if fetched.status == 304:
            result = PollResult(state.url, "not modified", retry_in=every)
        else:
            items: list = list(feed_items(fetched.body, state.url, options))  # ValueError: not a feed
            report = ingestor.ingest(items)
            state.etag, state.last_modified = fetched.etag, fetched.last_modified
            state.articles_added += report.articles_added
            state.articles_updated += report.articles_updated
            result = PollResult(state.url, "stored", report, retry_in=every)
        state.failures, state.last_error = 0, ""
    except (FetchError, ValueError) as exc:
        state.failures += 1
        backoff = min(every * 2 ** (state.failures - 1), max(MAX_BACKOFF, every))
        state.last_error = str(exc)
        result = PollResult(state.url, "failed", error=str(exc), retry_in=backoff)
    state.last_result = result.result
    state.next_poll = state.last_poll + result.retry_in
    return result


def feed_url(url: str) -> str:
    """The URL of a feed to follow; ValueError for what is not an http(s) URL."""
    url = url.strip()
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"not an http(s) feed URL: {url}")
    return url


class Watcher:
    """Polls the feeds that are due, one after another, until stopped; questions are answered meanwhile (the
    index a question reads is swapped in whole when an ingest has updated it). Feeds can be followed, paused and
    dropped while it runs (the web chat's Library)."""

    def __init__(self, feeds: Sequence[str], every: float, ingestor: Ingestor, state_path: Path,
                 options: SourceOptions | None = None, now: Callable[[], float] = time.time,
                 include_saved: bool = False) -> None:
        """ValueError for a feed that is not an http(s) URL."""
        self.every = every
        self.ingestor = ingestor
        self.options = options or SourceOptions()
        self.states = FeedStates(state_path)
        saved = list(self.states.feeds) if include_saved else []
        self.urls = list(dict.fromkeys([*map(feed_url, feeds), *saved]))
        for url in self.urls:
            self.states.follow(url)
        self._now = now
        self._polling = threading.Lock()  # one poll at a time: two would ingest the same entries twice
        self._feeds = threading.Lock()  # the list of feeds and their states, changed from other threads
        self._wake = threading.Event()  # set when a feed is followed or resumed: poll it now
        self._stopped = threading.Event()

    def poll_due(self, force: bool = False) -> list[PollResult]:
        """Poll every followed, unpaused feed that is due (all of them with ``force``)."""
        results = []
        with self._polling:
            with self._feeds:
                urls = list(self.urls)
            for url in urls:
                with self._feeds:
                    state = self.states.feeds.get(url) if url in self.urls else None
                if state is None or state.paused or (not force and state.next_poll > self._now()):
                    continue
                result = poll_feed(state, self.ingestor, self.every, self.options, self._now)
                (log.warning if result.result == "failed" else log.info)("%s", result.describe())
                results.append(result)
                with self._feeds:
                    self.states.save()
        return results

    def follow(self, url: str) -> None:
        """Follow one more feed, polled at once. ValueError for what is not an http(s) URL."""
        url = feed_url(url)
        with self._feeds:
            if url not in self.urls:
                self.urls.append(url)
            state = self.states.follow(url)
            state.paused, state.next_poll = False, 0.0
            self.states.save()
        self._wake.set()

    def pause(self, url: str, paused: bool) -> None:
        with self._feeds:
            state = self._state(url)
            state.paused = paused
            state.next_poll = 0.0 if not paused else state.next_poll
            self.states.save()
        self._wake.set()

    def drop(self, url: str) -> None:
        """Stop following a feed; what it stored stays."""
        with self._feeds:
            self._state(url)
            self.urls.remove(url)
            del self.states.feeds[url]
            self.states.save()

    def _state(self, url: str) -> FeedState:
        if url not in self.urls:
            raise ValueError(f"not a followed feed: {url!r}")
        return self.states.feeds[url]

    def followed(self) -> list[FeedState]:
        with self._feeds:
            return [FeedState(**asdict(self.states.feeds[u])) for u in self.urls]

    def seconds_to_next(self) -> float:
        with self._feeds:
            due = [self.states.feeds[u].next_poll for u in self.urls if not self.states.feeds[u].paused]
        return max(0.0, min(due) - self._now()) if due else self.every

    def run(self, on_poll: Callable[[PollResult], None] | None = None) -> None:
        """Poll until ``stop``, sleeping until the next feed is due or one is followed."""
        while not self._stopped.is_set():
            for result in self.poll_due():
                if on_poll:
                    on_poll(result)
            self._wake.wait(self.seconds_to_next())
            self._wake.clear()

    def stop(self) -> None:
        """End ``run`` (after the poll under way, if any)."""
        self._stopped.set()
        self._wake.set()
