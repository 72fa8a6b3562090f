"""Following feeds: a loopback server serves feeds that change between polls (new entries, an edited entry, a 304,
a 500, a malformed feed); every change is stored exactly once, errors are reported and backed off, and questions
are answered while a poll runs."""

from __future__ import annotations

import hashlib
import json
import threading
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest

from newsdesk.embedding import MiniLMEmbedding
from newsdesk.ingest.pipeline import Ingestor
from newsdesk.dates import parse_duration
from newsdesk.ingest.watch import FeedStates, Watcher
from newsdesk.qa.engine import Newsdesk
from newsdesk.settings import load_settings
from newsdesk.store import open_store
from tests.conftest import run_cli


def rss(title: str, items: list[tuple[str, str, str, str]]) -> str:
    """An RSS 2.0 feed of (guid, title, date, text) items."""
    entries = "".join(f"<item><title>{t}</title><guid>{g}</guid><pubDate>{d}</pubDate><description>{x}</description>"
                      f"</item>" for g, t, d, x in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>{entries}</channel></rss>'


HARBOUR = ("harbour", "Harbour reopens", "Mon, 06 Nov 2023 08:00:00 GMT",
           "The harbour at Port Ellen reopened on Monday after a storm closed it for three days.")
BRIDGE = ("bridge", "Bridge opens", "Tue, 07 Nov 2023 09:30:00 GMT",
          "The new river bridge in Dunmore opened to traffic on Tuesday, cutting the commute by twenty minutes.")
SCHOOL = ("school", "School wins award", "Wed, 08 Nov 2023 10:00:00 GMT",
          "Dunmore Primary School won the regional science award for its river-cleaning project.")
ATOM = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Isle Post</title>
<id>urn:isle-post</id><updated>2023-11-09T09:00:00Z</updated><entry><title>Ferry returns</title><id>urn:ferry</id>
<updated>2023-11-09T09:00:00Z</updated><summary>The Kilbrannan ferry returned to service on Thursday after repairs.</summary>
</entry></feed>"""


class FeedSite:
    """What each path serves now (status, body), changed by the test between polls; answers a request carrying
    the current ETag with 304, and counts what it served."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, str]] = {}
        self.served: list[tuple[str, int]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                status, body = site.routes.get(self.path, (404, "not found"))
                data = body.encode("utf-8")
                etag = '"' + hashlib.sha1(data).hexdigest()[:16] + '"'
                if status == 200 and self.headers.get("If-None-Match") == etag:
                    site.served.append((self.path, 304))
                    self.send_response(304)
                    self.end_headers()
                    return
                site.served.append((self.path, status))
                self.send_response(status)
                self.send_header("Content-Type", "application/rss+xml" if status == 200 else "text/plain")
                self.send_header("Content-Length", str(len(data)))
                if status == 200:
                    self.send_header("ETag", etag)
                    self.send_header("Last-Modified", formatdate(usegmt=True))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def polled(self, path: str) -> list[int]:
        return [status for p, status in self.served if p == path]


@pytest.fixture
def site() -> Iterator[FeedSite]:
    feeds = FeedSite()
    yield feeds
    feeds.server.shutdown()


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def test_each_change_is_stored_once_and_failing_feeds_back_off(site: FeedSite, tmp_path: Path) -> None:
    site.routes = {
        "/news.xml": (200, rss("Valley Gazette", [HARBOUR, BRIDGE])),
        "/atom.xml": (200, ATOM),
        "/down.xml": (500, "server error"),
        "/broken.xml": (200, "<html><body>This is not a feed</body></html>"),
    }
    feeds = [f"{site.url}{p}" for p in ("/news.xml", "/atom.xml", "/down.xml", "/broken.xml")]
    news, atom, down, broken = feeds
    settings = load_settings({"data_dir": tmp_path / "data"}, environ={})
    store = open_store(settings)
    embed = MiniLMEmbedding()
    clock = Clock()
    watcher = Watcher(feeds, 60, Ingestor.for_settings(settings, store, embed), settings.feed_state_path, now=clock)

    first = {r.url: r for r in watcher.poll_due()}
    assert first[news].report.articles_added == 2 and first[atom].report.articles_added == 1
    assert first[down].result == "failed" and "HTTP 500" in first[down].error
    assert first[broken].result == "failed" and "not an RSS or Atom feed" in first[broken].error
    assert sorted(a.article_id for a in store.articles()) == ["bridge", "harbour", "urn:ferry"]
    assert watcher.poll_due() == []  # nothing due yet

    clock.now += 61
    second = {r.url: r for r in watcher.poll_due()}
    assert second[news].result == second[atom].result == "not modified"
    assert site.polled("/news.xml") == [200, 304]
    assert second[down].result == "failed" and second[down].retry_in == 120  # backing off: 60 s, then 120 s
    clock.now += 61
    assert {r.url for r in watcher.poll_due()} == {news, atom}  # the failing two are not due yet
    assert len(site.polled("/down.xml")) == 2

    # an entry edited and one new; the server's ETag changes with them
    edited = (*BRIDGE[:3], "The new river bridge in Dunmore opened on Tuesday; the Kilbrannan road stays shut.")
    site.routes["/news.xml"] = (200, rss("Valley Gazette", [HARBOUR, edited, SCHOOL]))
    site.routes["/down.xml"] = (200, rss("Coast Times", [("storm", "Storm warning", "Thu, 09 Nov 2023 06:00:00 GMT",
                                                          "A storm warning was issued for the Port Ellen coast.")]))
    clock.now += 200
    desk = Newsdesk(settings, store, embed, lambda: pytest.fail("retrieval needs no answer model"))
    answered: list[int] = []
    poll = threading.Thread(target=lambda: answered.append(len(watcher.poll_due())))
    poll.start()
    while poll.is_alive():  # questions during the poll are answered from the index as it stands
        assert desk.retrieve("Which harbour reopened after the storm?")[0].chunk.article_id == "harbour"
    poll.join()
    assert answered == [4]
    state = FeedStates(settings.feed_state_path).feeds  # as saved for the next run
    assert (state[news].articles_added, state[news].articles_updated) == (3, 1)
    assert state[down].failures == 0 and state[down].last_error == "" and state[down].articles_added == 1
    assert state[broken].failures == 3 and "not an RSS or Atom feed" in state[broken].last_error
    assert state[news].etag and state[news].last_result == "stored"
    ids = [a.article_id for a in store.articles()]
    assert sorted(ids) == ["bridge", "harbour", "school", "storm", "urn:ferry"]  # each once
    assert "Kilbrannan road" in store.chunks_of("bridge")[0].text
    assert desk.retrieve("Which school won the science award?")[0].chunk.article_id == "school"
    assert desk.retrieve("Kilbrannan road shut")[0].chunk.article_id == "bridge"


def test_watch_once_from_the_cli(site: FeedSite, tmp_path: Path) -> None:
    site.routes = {"/news.xml": (200, rss("Valley Gazette", [HARBOUR])), "/down.xml": (500, "server error")}
    data = tmp_path / "data"
    good = run_cli("watch", f"{site.url}/news.xml", "--once", "--json", data_dir=data)
    assert good.code == 0, good.stderr
    result = json.loads(good.stdout)
    assert result["result"] == "stored" and result["ingest"]["articles_added"] == 1
    again = run_cli("watch", f"{site.url}/news.xml", f"{site.url}/down.xml", "--once", data_dir=data)
    assert again.code == 1
    assert f"{site.url}/news.xml: not modified" in again.stdout  # the saved ETag was asked with
    assert f"{site.url}/down.xml: error: HTTP 500" in again.stdout and "Traceback" not in again.stderr
    for args, words in [
        ((), "no feeds to watch"), (("feeds.xml",), "not an http(s) feed URL: feeds.xml"),
        ((f"{site.url}/news.xml", "--every", "soon"), "--every: 'soon' is not a duration"),
    ]:
        bad = run_cli("watch", *args, "--once", data_dir=data)
        assert bad.code == 2 and words in bad.stderr and "Traceback" not in bad.stderr
    configured = run_cli("watch", "--once", data_dir=data, NEWSDESK_FEEDS=f"{site.url}/news.xml")
    assert configured.code == 0 and "not modified" in configured.stdout


def test_durations() -> None:
    assert [parse_duration(t) for t in ("30s", "15m", "2h", "1d", "10", "1.5h")] == [30, 900, 7200, 86400, 600, 5400]
    for bad in ("", "soon", "0m", "-5m", "15 minutes"):
        with pytest.raises(ValueError, match="not a duration"):
            parse_duration(bad)


def test_feeds_followed_paused_and_dropped_while_the_watcher_runs(site: FeedSite, tmp_path: Path) -> None:
    """As the web chat's Library does: a feed followed while the watcher sleeps is polled at once."""
    import time

    site.routes = {"/news.xml": (200, rss("Valley Gazette", [HARBOUR])), "/more.xml": (200, rss("Isle Post", [SCHOOL]))}
    settings = load_settings({"data_dir": tmp_path / "data"}, environ={})
    store = open_store(settings)
    watcher = Watcher([], 3600, Ingestor.for_settings(settings, store), settings.feed_state_path)
    thread = threading.Thread(target=watcher.run)
    thread.start()
    try:
        watcher.follow(f"{site.url}/news.xml")
        deadline = time.monotonic() + 120
        while [a.article_id for a in store.articles()] != ["harbour"] and time.monotonic() < deadline:
            time.sleep(0.2)
        assert [a.article_id for a in store.articles()] == ["harbour"]
        with pytest.raises(ValueError, match="not an http\\(s\\) feed URL"):
            watcher.follow("feeds.xml")
        watcher.follow(f"{site.url}/more.xml")
        watcher.pause(f"{site.url}/news.xml", True)
        while len(store.articles()) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        [news, more] = watcher.followed()
        assert news.paused and more.last_result == "stored" and more.articles_added == 1
        watcher.drop(f"{site.url}/news.xml")
        assert [s.url for s in watcher.followed()] == [f"{site.url}/more.xml"]
        with pytest.raises(ValueError, match="not a followed feed"):
            watcher.pause(f"{site.url}/news.xml", False)
        assert [s["url"] for s in json.loads(settings.feed_state_path.read_text())] == [f"{site.url}/more.xml"]
        assert sorted(a.article_id for a in store.articles()) == ["harbour", "school"]  # dropping keeps what it stored
    finally:
        watcher.stop()
        thread.join(timeout=60)
    assert not thread.is_alive()
