"""What a reader can restrict retrieval to: some sources, a publication date range."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RetrievalFilter:
    sources: frozenset[str] | None = None  # None: every source
    since_ts: int | None = None  # published at or after (epoch seconds)
    until_ts: int | None = None  # published before

    @property
    def is_empty(self) -> bool:
        return self.sources is None and self.since_ts is None and self.until_ts is None

    def narrowed_to(self, sources: set[str]) -> "RetrievalFilter":
        """The same date range, over ``sources`` (and only those of them this filter allows)."""
        allowed = frozenset(sources) if self.sources is None else self.sources & frozenset(sources)
        return RetrievalFilter(allowed, self.since_ts, self.until_ts)

    def within(self, since_ts: int | None, until_ts: int | None) -> "RetrievalFilter":
        """The same sources, over the part of this filter's date range inside [since_ts, until_ts) (None: open)."""
        since = max((t for t in (self.since_ts, since_ts) if t is not None), default=None)
        until = min((t for t in (self.until_ts, until_ts) if t is not None), default=None)
        return RetrievalFilter(self.sources, since, until)

    def chroma_where(self) -> dict[str, Any] | None:
        """The same filter as a Chroma ``where`` clause (its $gte/$lt work on numbers: published_ts)."""
        clauses: list[dict[str, Any]] = []
        if self.sources is not None:
            clauses.append({"source": {"$in": sorted(self.sources)}})
        if self.since_ts is not None:
            clauses.append({"published_ts": {"$gte": self.since_ts}})
        if self.until_ts is not None:
            clauses.append({"published_ts": {"$lt": self.until_ts}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}
