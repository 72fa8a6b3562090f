"""Fetching articles from the web: pages by URL, and RSS/Atom feeds (from a URL or a file) parsed with feedparser."""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Iterator

from newsdesk.ingest.clean import clean_text
from newsdesk.articles import Article

USER_AGENT = "Newsdesk/0.1 (+news ingestion)"
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024


class FetchError(ValueError):
    """A URL that could not be fetched; the message says why and what to check."""


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    body: bytes
    content_type: str
    status: int = 200  # 304: unchanged since the ETag or date asked with (the body is empty)
    etag: str = ""  # the validators to ask with next time
    last_modified: str = ""


def fetch(url: str, timeout: float, etag: str = "", last_modified: str = "") -> Fetched:
    """The document at ``url``; given the validators of a previous fetch, a 304 when it has not changed since."""
    headers = {"User-Agent": USER_AGENT, "Accept": "*/*"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(MAX_DOWNLOAD_BYTES + 1)
            if len(body) > MAX_DOWNLOAD_BYTES:
                raise FetchError(f"larger than {MAX_DOWNLOAD_BYTES // (1024 * 1024)} MB; not an article page")
            return Fetched(response.geturl(), body, response.headers.get("Content-Type", ""), 200,
                           response.headers.get("ETag", ""), response.headers.get("Last-Modified", ""))
    except urllib.error.HTTPError as exc:
        if exc.code == 304 and (etag or last_modified):
            return Fetched(url, b"", "", 304, etag, last_modified)
        raise FetchError(f"HTTP {exc.code} {exc.reason}; check the URL") from None
    except (socket.timeout, TimeoutError):
        raise FetchError(f"timed out after {timeout:g} s; the server did not answer (retry, or raise --timeout)") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, (socket.timeout, TimeoutError)):
            raise FetchError(f"timed out after {timeout:g} s; the server did not answer (retry, or raise --timeout)") from None
        raise FetchError(f"cannot connect ({exc.reason}); check the URL and the network") from None
    except (ValueError, OSError) as exc:
        raise FetchError(f"cannot fetch ({exc})") from None


def looks_like_feed(body: bytes, content_type: str = "") -> bool:
    if any(kind in content_type for kind in ("rss", "atom", "/xml")):
        return True
    head = body[:2048].lstrip().lower()
    return head.startswith(b"<?xml") and (b"<rss" in head or b"<feed" in head or b"<rdf" in head) or head.startswith(
        (b"<rss", b"<feed")
    )


def _html_to_text(fragment: str) -> str:
    import lxml.html

    if "<" not in fragment:
        return fragment
    try:
        return lxml.html.fromstring(f"<div>{fragment}</div>").text_content()
    except (ValueError, lxml.etree.ParserError):
        return fragment


def _entry_date(entry: Any) -> str:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return ""
    return datetime(*parsed[:6], tzinfo=timezone.utc).isoformat()


@dataclass(frozen=True)
class FeedEntryProblem:
    number: int
    reason: str


def feed_articles(
    body: bytes, origin: str, source: str, follow: Callable[[str], Article] | None = None
) -> Iterator[Article | FeedEntryProblem]:
    """One Article per feed entry (title, link, date, author, content or summary); with ``follow``, the linked
    page's extracted text replaces the summary. Raises ValueError for a document that is not a feed at all."""
    import feedparser

    feed = feedparser.parse(body)
    if not feed.get("version"):
        why = f" ({feed.bozo_exception})" if feed.get("bozo") else ""
        raise ValueError(f"not an RSS or Atom feed{why}")
    if not feed.entries:
        raise ValueError("the feed has no entries")
    site = source or str(feed.feed.get("title", "")).strip()
    for number, entry in enumerate(feed.entries, start=1):
        link = str(entry.get("link", "")).strip()
        title = _html_to_text(str(entry.get("title", ""))).strip()
        if follow is not None and link:
            try:
                page = follow(link)
            except ValueError as exc:
                yield FeedEntryProblem(number, f"linked page {link}: {exc}")
                continue
            yield Article(
                title=title or page.title, text=page.text, source=site or page.source,
                published_at=_entry_date(entry) or page.published_at, url=link,
                author=str(entry.get("author", "")) or page.author, given_id=str(entry.get("id", "")).strip(),
                origin=f"{origin} entry {number}",
            )
            continue
        content = entry.get("content") or []
        raw = (content[0].get("value") if content else "") or entry.get("summary", "")
        text = clean_text(_html_to_text(str(raw)))
        if not text:
            yield FeedEntryProblem(number, "entry has no text (no content or summary); try --follow-links")
            continue
        yield Article(
            title=title or text.split("\n", 1)[0][:120], text=text, source=site, published_at=_entry_date(entry),
            url=link, author=str(entry.get("author", "")).strip(), given_id=str(entry.get("id", "")).strip(),
            origin=f"{origin} entry {number}",
        )
