"""Readers that turn files and folders into Articles, reporting each bad input as a Problem instead of failing.

Formats: .txt/.md (first non-empty line is the title; optional "Key: value" front matter between --- lines),
.html/.htm (trafilatura extracts body, title, author, date, site name), .jsonl (one article a line) and .json
(one article or a list of them).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from ingest.clean import clean_text
from ingest.dates import normalise_date
from newsdesk.articles import Article

TEXT_SUFFIXES = {".txt", ".md"}
HTML_SUFFIXES = {".html", ".htm"}
JSON_SUFFIXES = {".jsonl", ".json"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES
TEXT_FIELDS = ("text", "body", "content")


@dataclass(frozen=True)
class Problem:
    """One input that could not be ingested: where, and what the operator should do about it."""

    path: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.reason}"


def read_sources(paths: list[str], source: str = "") -> Iterator[Article | Problem]:
    """Every article found under the given files and folders, in a stable order, with problems in between."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from _read_folder(path, source)
        elif path.is_file():
            yield from read_file(path, source)
        elif not path.exists():
            yield Problem(raw, "no such file or directory; check the path")
        else:
            yield Problem(raw, "not a regular file or folder; give a file or a folder of articles")


def _read_folder(folder: Path, source: str) -> Iterator[Article | Problem]:
    def on_error(exc: OSError) -> None:
        problems.append(Problem(str(exc.filename or folder), f"cannot read folder ({exc.strerror}); check permissions"))

    problems: list[Problem] = []
    files: list[Path] = []
    for root, dirs, names in os.walk(folder, onerror=on_error, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        files.extend(Path(root) / n for n in sorted(names) if Path(n).suffix.lower() in SUPPORTED_SUFFIXES)
    yield from problems
    for file in files:
        yield from read_file(file, source)


def read_file(path: Path, source: str = "") -> Iterator[Article | Problem]:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        yield Problem(str(path), f"unsupported file type {suffix or '(none)'}; use {', '.join(sorted(SUPPORTED_SUFFIXES))}")
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Problem(str(path), f"cannot read file ({exc.strerror}); check permissions")
        return
    if not data.strip():
        yield Problem(str(path), "file is empty; nothing to ingest")
        return
    if b"\x00" in data[:8192]:
        yield Problem(str(path), "binary content, not text; give a UTF-8 .txt, .md, .html or .jsonl file")
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield Problem(str(path), f"not valid UTF-8 (byte {exc.start}); re-save the file as UTF-8")
        return
    if suffix in TEXT_SUFFIXES:
        yield _article_or_problem(str(path), None, lambda: _from_plain_text(text, source, str(path)))
    elif suffix in HTML_SUFFIXES:
        yield _article_or_problem(str(path), None, lambda: _from_html(text, source, str(path)))
    elif suffix == ".jsonl":
        yield from _from_jsonl(text, source, str(path))
    else:
        yield from _from_json(text, source, str(path))


def _article_or_problem(path: str, line: int | None, build: Any) -> Article | Problem:
    try:
        return build()
    except ValueError as exc:
        return Problem(path, str(exc), line)


def _from_plain_text(text: str, source: str, origin: str) -> Article:
    front: dict[str, str] = {}
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[0].strip() == "---" and "---" in (l.strip() for l in lines[1:]):
        end = next(i for i, l in enumerate(lines[1:], start=1) if l.strip() == "---")
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


def _from_html(html: str, source: str, origin: str, url: str = "") -> Article:
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url or None, with_metadata=True, include_comments=False)
    text = clean_text(getattr(doc, "text", "") or "") if doc is not None else ""
    if not text:
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


def article_from_record(record: Any, source: str, origin: str) -> Article:
    """A JSON object with id/title/source/published_at/url/author and text (or body/content) as an Article."""
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object with title and text, got {type(record).__name__}")
    text = next((record[f] for f in TEXT_FIELDS if isinstance(record.get(f), str) and record[f].strip()), None)
    if text is None:
        raise ValueError("missing text: the object needs a non-empty 'text' (or 'body'/'content') field")
    text = clean_text(text)
    title = str(record.get("title") or "").strip() or text.split("\n", 1)[0][:120]
    return Article(
        title=title,
        text=text,
        source=str(record.get("source") or source or "").strip(),
        published_at=normalise_date(str(record.get("published_at") or record.get("date") or "")),
        url=str(record.get("url") or "").strip(),
        author=str(record.get("author") or "").strip(),
        given_id=str(record.get("id") or "").strip(),
        origin=origin,
    )


def _from_jsonl(text: str, source: str, origin: str) -> Iterator[Article | Problem]:
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Problem(origin, f"malformed JSON ({exc.msg} at column {exc.colno}); fix or remove the line", number)
            continue
        yield _article_or_problem(origin, number, lambda: article_from_record(record, source, f"{origin}:{number}"))


def _from_json(text: str, source: str, origin: str) -> Iterator[Article | Problem]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield Problem(origin, f"malformed JSON ({exc.msg})", exc.lineno)
        return
    records = data if isinstance(data, list) else [data]
    for number, record in enumerate(records, start=1):
        yield _article_or_problem(origin, None, lambda: article_from_record(record, source, f"{origin}[{number}]"))
