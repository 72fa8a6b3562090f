"""The news-domain records that flow from ingestion through the store to answers: Article and Chunk."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone


def stable_hash(*parts: str) -> str:
    """A short content hash: the same text always gives the same identity across runs and machines."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:16]


@dataclass(frozen=True)
class Article:
    """One news article as the operator gave it, after cleaning."""

    title: str
    text: str
    source: str = ""
    published_at: str = ""  # ISO 8601, or "" when unknown
    url: str = ""
    author: str = ""
    given_id: str = ""
    origin: str = ""  # the file (and line) it came from, for error messages and logs

    @property
    def article_id(self) -> str:
        """The given id, else the URL, else a hash of title and text: re-ingesting finds the same article."""
        if self.given_id:
            return self.given_id
        if self.url:
            return "url-" + stable_hash(self.url.strip().rstrip("/"))
        return "doc-" + stable_hash(self.title, self.text)

    @property
    def content_hash(self) -> str:
        """Changes whenever anything stored for the article would change."""
        return stable_hash(self.title, self.text, self.source, self.published_at, self.url, self.author)

    @property
    def published_ts(self) -> int | None:
        if not self.published_at:
            return None
        try:
            moment = datetime.fromisoformat(self.published_at)
        except ValueError:
            return None
        return int((moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp())  # naive: UTC


@dataclass(frozen=True)
class Chunk:
    """A passage of an article small enough for the embedding model, with its article's metadata."""

    article_id: str
    index: int
    text: str
    title: str
    source: str
    published_at: str
    url: str
    author: str = ""

    published_ts: int | None = None
    story_id: str = ""  # the first stored article of the story this one repeats (``ingest.near_duplicates``); "": none known

    @property
    def chunk_id(self) -> str:
        return f"{self.article_id}#{self.index}"

    @property
    def story(self) -> str:
        """The story the chunk's article tells: the story id, or its own article for one with none stored."""
        return self.story_id or self.article_id


def article_of(chunk_id: str) -> str:
    """The article a chunk id (``Chunk.chunk_id``) belongs to."""
    return chunk_id.rsplit("#", 1)[0]
