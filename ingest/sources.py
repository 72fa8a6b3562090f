"""Turning what the operator names (files, folders, URLs, feeds, stdin) into Articles, each bad input a Problem.

Formats: .txt/.md (first non-empty line is the title; optional "key: value" front matter between --- lines),
.html/.htm (trafilatura extracts body, title, author, date, site name), .jsonl (one article a line), .json (one
article or a list), .xml/.rss/.atom feeds (feedparser); http(s) URLs of pages or feeds; "-" reads stdin and
guesses the format from its first bytes.
"""

from __future__ import annotations

import fnmatch
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterator, Mapping

from newsdesk.ingest.clean import clean_text
from newsdesk.dates import normalise_date
from newsdesk.ingest.web import FeedEntryProblem, feed_articles, fetch, looks_like_feed
from newsdesk.articles import Article

TEXT_SUFFIXES = {".txt", ".md"}
HTML_SUFFIXES = {".html", ".htm"}
FEED_SUFFIXES = {".xml", ".rss", ".atom"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | FEED_SUFFIXES | {".jsonl", ".json"}
RECORD_FIELDS = ("id", "title", "source", "published_at", "url", "author", "text")
TEXT_FIELDS = ("text", "body", "content")
MAX_ARTICLE_BYTES = 5 * 1024 * 1024  # one article; JSONL files and feeds may be larger, each article may not
MIN_PAGE_WORDS = 12  # less text than this in a web page is navigation or a stub, not an article


@dataclass(frozen=True)
class Problem:
    """One input that could not be ingested: where, and what the operator should do about it."""

    path: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class SourceOptions:
    source: str = ""  # source name for articles that carry none
    glob: str | None = None  # only files whose name matches, inside folders
    fields: Mapping[str, str] = field(default_factory=dict)  # our field name -> the record's key
    follow_links: bool = False  # feeds: fetch each entry's page instead of using its summary
    timeout: float = 20.0  # seconds per URL
    stdin: BinaryIO | None = None


def parse_field_map(specs: list[str]) -> dict[str, str]:
    """``["text=body", "published_at=date"]`` as a mapping; raises ValueError naming the bad spec."""
    mapping: dict[str, str] = {}
    for spec in specs:
        ours, sep, theirs = spec.partition("=")
        if not sep or ours.strip() not in RECORD_FIELDS or not theirs.strip():
            raise ValueError(f"--field {spec!r}: use NAME=KEY with NAME one of {', '.join(RECORD_FIELDS)}")
        mapping[ours.strip()] = theirs.strip()
    return mapping


def read_sources(paths: list[str], options: SourceOptions | None = None) -> Iterator[Article | Problem]:
    """Every article found in the given inputs, in a stable order, with problems in between."""
    options = options or SourceOptions()
    for raw in paths:
        path = Path(raw)
        if raw == "-":
            stream = options.stdin or sys.stdin.buffer
            yield from _read_bytes(stream.read(), "<stdin>", None, options)
        elif raw.startswith(("http://", "https://")):
            yield from _read_url(raw, options)
        elif path.is_symlink() and not path.exists():
            yield Problem(raw, "broken or looping symbolic link; fix or remove the link")
        elif path.is_dir():
            yield from _read_folder(path, options)
        elif path.is_file():
            yield from _read_file(path, options)
        elif not path.exists():
            yield Problem(raw, "no such file or directory; check the path")
        else:
            yield Problem(raw, "not a regular file or folder; give a file, a folder or a URL")


def _read_folder(folder: Path, options: SourceOptions) -> Iterator[Article | Problem]:
    problems: list[Problem] = []

    def on_error(exc: OSError) -> None:
        problems.append(Problem(str(exc.filename or folder), f"cannot read folder ({exc.strerror}); check permissions"))

    files: list[Path] = []
    for root, dirs, names in os.walk(folder, onerror=on_error, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            wanted = fnmatch.fnmatch(name, options.glob) if options.glob else Path(name).suffix.lower() in SUPPORTED_SUFFIXES
            if wanted:
                files.append(Path(root) / name)
    yield from problems
    for file in files:
        if file.is_symlink() and not file.exists():
            yield Problem(str(file), "broken or looping symbolic link; fix or remove the link")
        else:
            yield from _read_file(file, options)


def _read_file(path: Path, options: SourceOptions) -> Iterator[Article | Problem]:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        yield Problem(str(path), f"unsupported file type {suffix or '(none)'}; use {', '.join(sorted(SUPPORTED_SUFFIXES))}")
        return
    try:
        size = path.stat().st_size
        if suffix not in {".jsonl", ".json"} | FEED_SUFFIXES and size > MAX_ARTICLE_BYTES:
            yield Problem(str(path), f"{size / 1024 / 1024:.0f} MB is too large for one article (limit "
                          f"{MAX_ARTICLE_BYTES // 1024 // 1024} MB); split it, or give a .jsonl file of articles")
            return
        data = path.read_bytes()
    except OSError as exc:
        yield Problem(str(path), f"cannot read file ({exc.strerror}); check permissions")
        return
    yield from _read_bytes(data, str(path), suffix, options)


def _sniff(data: bytes) -> str:
    head = data.lstrip()[:512].lower()
    if head.startswith((b"{", b"[")):
        return ".jsonl" if head.startswith(b"{") else ".json"
    if looks_like_feed(data):
        return ".xml"
    if head.startswith(b"<"):
        return ".html"
    return ".txt"


def _read_bytes(data: bytes, origin: str, suffix: str | None, options: SourceOptions) -> Iterator[Article | Problem]:
    if not data.strip():
        yield Problem(origin, "file is empty; nothing to ingest")
        return
    if b"\x00" in data[:8192]:
        yield Problem(origin, "binary content, not text; give UTF-8 .txt, .md, .html, .jsonl, .json or a feed")
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield Problem(origin, f"not valid UTF-8 (byte {exc.start}); re-save the file as UTF-8")
        return
    suffix = suffix or _sniff(data)
    if suffix in TEXT_SUFFIXES:
        yield _article_or_problem(origin, None, lambda: _from_plain_text(text, options.source, origin))
    elif suffix in HTML_SUFFIXES:
        yield _article_or_problem(origin, None, lambda: article_from_html(text, options.source, origin))
    elif suffix in FEED_SUFFIXES:
        yield from _from_feed(data, origin, options)
    elif suffix == ".jsonl":
        yield from _from_jsonl(text, origin, options)
    else:
        yield from _from_json(text, origin, options)


def _read_url(url: str, options: SourceOptions) -> Iterator[Article | Problem]:
    try:
        page = fetch(url, options.timeout)
    except ValueError as exc:
        yield Problem(url, str(exc))
        return
    if looks_like_feed(page.body, page.content_type):
        yield from _from_feed(page.body, url, options)
        return
    html = page.body.decode("utf-8", errors="replace")
    yield _article_or_problem(url, None, lambda: article_from_html(html, options.source, url, url=page.url))


def _follow(options: SourceOptions) -> Callable[[str], Article]:
    def follow(link: str) -> Article:
        page = fetch(link, options.timeout)
        return article_from_html(page.body.decode("utf-8", errors="replace"), options.source, link, url=page.url)

    return follow


def _from_feed(data: bytes, origin: str, options: SourceOptions) -> Iterator[Article | Problem]:
    try:
        yield from feed_items(data, origin, options)
    except ValueError as exc:
        yield Problem(origin, str(exc))


def feed_items(data: bytes, origin: str, options: SourceOptions) -> Iterator[Article | Problem]:
    """A feed's entries as articles, an entry that cannot be one as a Problem; raises ValueError for a document
    that is not a feed."""
    follow = _follow(options) if options.follow_links else None
    for item in feed_articles(data, origin, options.source, follow):
        if isinstance(item, FeedEntryProblem):
            yield Problem(origin, f"entry {item.number}: {item.reason}")
        else:
            yield item


def _article_or_problem(path: str, line: int | None, build: Callable[[], Article]) -> Article | Problem:
    try:
        return build()
    except ValueError as exc:
        return Problem(path, str(exc), line)


def _from_plain_text(text: str, source: str, origin: str) -> Article:
    front: dict[str, str] = {}
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[0].strip() == "---" and "---" in (line.strip() for line in lines[1:]):
        end = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() == "---")
        for entry in lines[1:end]:
            key, sep, value = entry.partition(":")
            if sep:
                front[key.strip().lower()] = value.strip()
        lines = lines[end + 1 :]
    body = clean_text("\n".join(lines))
    title, _, rest = body.partition("\n")
    title = front.get("title") or title.strip().lstrip("#").strip()
    text = rest.strip() if not front.get("title") else body
    if not text:
        raise ValueError("no article text after the title line; put the title first, then the text")
    return Article(
        title=title,
        text=text,
        source=front.get("source", source),
        published_at=normalise_date(front.get("date", front.get("published_at", ""))),
        url=front.get("url", ""),
        author=front.get("author", ""),
        given_id=front.get("id", ""),
        origin=origin,
    )


def article_from_html(html: str, source: str, origin: str, url: str = "") -> Article:
    """The article in an HTML page (trafilatura), or ValueError when the page holds none."""
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url or None, with_metadata=True, include_comments=False)
    text = clean_text(getattr(doc, "text", "") or "") if doc is not None else ""
    if len(text.split()) < MIN_PAGE_WORDS:
        raise ValueError("no article text found in the HTML (truncated page, or not an article)")
    return Article(
        title=(doc.title or "").strip() or text.split("\n", 1)[0][:120],
        text=text,
        source=source or (doc.sitename or "").strip(),
        published_at=normalise_date(doc.date or ""),
        url=url or (doc.url or ""),
        author=(doc.author or "").strip(),
        origin=origin,
    )


def article_from_record(record: Any, options: SourceOptions, origin: str) -> Article:
    """A JSON object with id/title/source/published_at/url/author and text (or body/content) as an Article;
    ``options.fields`` renames keys for other layouts."""
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object with title and text, got {type(record).__name__}")

    def value(name: str) -> str:
        raw = record.get(options.fields.get(name, name))
        return "" if raw is None else str(raw).strip()

    text_keys = [options.fields["text"]] if "text" in options.fields else list(TEXT_FIELDS)
    text = next((record[k] for k in text_keys if isinstance(record.get(k), str) and record[k].strip()), None)
    if text is None:
        raise ValueError(f"missing text: the object needs a non-empty {' or '.join(repr(k) for k in text_keys)} field")
    if len(text.encode("utf-8")) > MAX_ARTICLE_BYTES:
        raise ValueError(f"text is larger than {MAX_ARTICLE_BYTES // 1024 // 1024} MB; split the article")
    text = clean_text(text)
    return Article(
        title=value("title") or text.split("\n", 1)[0][:120],
        text=text,
        source=value("source") or options.source,
        published_at=normalise_date(value("published_at") or ("" if "published_at" in options.fields else value("date"))),
        url=value("url"),
        author=value("author"),
        given_id=value("id"),
        origin=origin,
    )


def _from_jsonl(text: str, origin: str, options: SourceOptions) -> Iterator[Article | Problem]:
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Problem(origin, f"malformed JSON ({exc.msg} at column {exc.colno}); fix or remove the line", number)
            continue
        yield _article_or_problem(origin, number, lambda: article_from_record(record, options, f"{origin}:{number}"))


def _from_json(text: str, origin: str, options: SourceOptions) -> Iterator[Article | Problem]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield Problem(origin, f"malformed JSON ({exc.msg} at column {exc.colno}); fix the file", exc.lineno)
        return
    if not isinstance(data, (list, dict)):
        yield Problem(origin, f"expected an article object or a list of them, got {type(data).__name__}")
        return
    records = data if isinstance(data, list) else [data]
    for number, record in enumerate(records, start=1):
        item = _article_or_problem(origin, None, lambda: article_from_record(record, options, f"{origin}[{number}]"))
        yield Problem(origin, f"item {number}: {item.reason}") if isinstance(item, Problem) else item
