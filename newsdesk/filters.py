"""What a reader can restrict retrieval to (some sources, a publication date range), and when they ask."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any, Iterable

from newsdesk.dates import epoch_seconds

DAY = 86_400  # seconds


@dataclass(frozen=True)
class RetrievalFilter:
    sources: frozenset[str] | None = None  # None: every source
    since_ts: int | None = None  # published at or after (epoch seconds)
    until_ts: int | None = None  # published before
    as_of_ts: int | None = None  # when the question is asked, for "this week", "yesterday"; None: now (filters nothing)

    def anchor(self) -> int:
        """The moment a question's relative dates are counted from: ``as_of_ts``, else now. A date given without a
        time (midnight UTC) stands for the whole day: asked as it ends."""
        if self.as_of_ts is None:
            return int(time.time())
        return self.as_of_ts + DAY - 1 if self.as_of_ts % DAY == 0 else self.as_of_ts

    @property
    def is_empty(self) -> bool:
        return self.sources is None and self.since_ts is None and self.until_ts is None

    def narrowed_to(self, sources: set[str]) -> "RetrievalFilter":
        """The same date range, over ``sources`` (and only those of them this filter allows)."""
        allowed = frozenset(sources) if self.sources is None else self.sources & frozenset(sources)
        return replace(self, sources=allowed)

    def within(self, since_ts: int | None, until_ts: int | None) -> "RetrievalFilter":
        """The same sources, over the part of this filter's date range inside [since_ts, until_ts) (None: open)."""
        since = max((t for t in (self.since_ts, since_ts) if t is not None), default=None)
        until = min((t for t in (self.until_ts, until_ts) if t is not None), default=None)
        return replace(self, since_ts=since, until_ts=until)

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


def reader_filter(sources: Iterable[str] | None, since: str | None, until: str | None, as_of: str | None,
                  names: tuple[str, str, str] = ("since", "until", "as_of")) -> RetrievalFilter:
    """A reader's filter from what they typed (dates in any common form); ValueError naming the date that cannot be
    read, by ``names`` (the CLI's flags, the API's fields)."""

    def moment(name: str, raw: str | None) -> int | None:
        if not raw or not str(raw).strip():
            return None
        try:
            return epoch_seconds(str(raw))
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}") from None

    chosen = frozenset(s for s in sources or () if s)
    return RetrievalFilter(chosen or None, moment(names[0], since), moment(names[1], until), moment(names[2], as_of))
