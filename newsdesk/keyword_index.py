"""The keyword (BM25) index over the stored chunks, kept beside the store and rebuilt when ingestion changes it.

Keyword search carries news questions where the small embedding model is vague: names, sources, numbers.
Each chunk is indexed with its title and source, stemmed (Snowball), English stop words removed.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from pathlib import Path

from newsdesk.articles import Chunk
from newsdesk.filters import RetrievalFilter
from newsdesk.store import ArticleStore

log = logging.getLogger(__name__)
_META = "newsdesk.json"


def _bm25s():  # type: ignore[no-untyped-def]
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG via its own handler
    return bm25s


def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


def _tokenize(texts: list[str]) -> list[list[str]]:
    return _bm25s().tokenize(texts, stopwords="en", stemmer=_stemmer(), return_ids=False, show_progress=False)


def indexed_text(chunk: Chunk) -> str:
    return f"{chunk.title}\n{chunk.source}\n{chunk.text}"


class KeywordIndex:
    """BM25 over every chunk in one collection; ``search`` returns chunk ids with their scores."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._model = None
        self._ids: list[str] = []
        self._sources: list[str] = []
        self._published: list[int | None] = []
        self._chunk_count = -1

    def rebuild(self, store: ArticleStore) -> None:
        """Index every chunk in the store and save it atomically (a reader never sees a half-written index)."""
        started = time.perf_counter()
        chunks = store.all_chunks()
        model = _bm25s().BM25()
        if chunks:
            model.index(_tokenize([indexed_text(c) for c in chunks]), show_progress=False)
        staging = self.folder.with_name(self.folder.name + ".new")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        if chunks:
            model.save(str(staging), show_progress=False)
        meta = {
            "ids": [c.chunk_id for c in chunks],
            "sources": [c.source for c in chunks],
            "published_ts": [c.published_ts for c in chunks],
        }
        (staging / _META).write_text(json.dumps(meta), encoding="utf-8")
        old = self.folder.with_name(self.folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.folder.exists():
            self.folder.rename(old)
        staging.rename(self.folder)
        shutil.rmtree(old, ignore_errors=True)
        self._model = model if chunks else None
        self._ids, self._sources, self._published = meta["ids"], meta["sources"], meta["published_ts"]
        self._chunk_count = len(chunks)
        log.info("keyword index: %d chunks indexed in %.1fs", len(chunks), time.perf_counter() - started)

    def ensure_current(self, store: ArticleStore) -> None:
        """Load the saved index, rebuilding it if it is missing or holds a different number of chunks than the store
        (e.g. a store filled by an older version, or by another machine through a Chroma server)."""
        count = store.count()
        if self._chunk_count == count:
            return
        meta = self.folder / _META
        if meta.is_file():
            saved = json.loads(meta.read_text(encoding="utf-8"))
            ids = saved.get("ids", [])
            if len(ids) == count and len(saved.get("published_ts", [])) == count:  # else saved by an older version
                self._ids, self._sources, self._published = ids, saved["sources"], saved["published_ts"]
                self._model = _bm25s().BM25.load(str(self.folder), show_progress=False) if ids else None
                self._chunk_count = count
                return
        self.rebuild(store)

    def sources(self) -> set[str]:
        return set(self._sources)

    def search(self, query: str, k: int, keep: RetrievalFilter | None = None) -> list[tuple[str, float]]:
        """Chunk ids and BM25 scores, best first; with ``keep``, only the chunks it allows."""
        if self._model is None or not self._ids:
            return []
        tokens = _tokenize([query])
        if not tokens[0]:
            return []
        mask = None
        if keep is not None and not keep.is_empty:
            import numpy as np

            mask = np.array([keep.allows(s, t) for s, t in zip(self._sources, self._published)], dtype=np.float32)
            if not mask.any():
                return []
        documents, scores = self._model.retrieve(
            tokens, k=min(k, len(self._ids)), show_progress=False, weight_mask=mask
        )
        return [(self._ids[int(d)], float(s)) for d, s in zip(documents[0], scores[0]) if s > 0]
