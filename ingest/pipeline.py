"""Ingestion: read sources, skip unchanged articles, chunk, embed in large batches (each chunk, and each of its
sentences on its own, for the retriever's sentence search), and write to the store.

A bad input is reported and skipped; it never stops the batch. An article is written with all its chunks in
one upsert, and counts as stored only when every chunk carries its content hash, so a run killed half-way is
repaired by running it again.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Callable, Iterable, Protocol

from newsdesk.ingest.chunking import ArticleChunker, embedding_text
from newsdesk.ingest.near_duplicates import Stories, decode, encode, signature
from newsdesk.ingest.sources import Problem
from newsdesk import failpoints
from newsdesk.articles import Article, Chunk, stable_hash
from newsdesk.embedding import MiniLMEmbedding
from newsdesk.keyword_index import KeywordIndex
from newsdesk.sentences import split_sentences
from newsdesk.settings import Settings
from newsdesk.store import ArticleStore, ArticleToStore

log = logging.getLogger(__name__)
# A long ingest updates the keyword index every this many chunks: what it stored is searchable as it goes, and the
# update tokenises a bounded batch (one update of 10^6 chunks would hold every chunk's words in memory at once).
INDEX_EVERY = 20_000
STORED = "chunks+sentences"  # what an article's stored version covers besides its content and chunking


@dataclass
class IngestReport:
    articles_added: int = 0
    articles_updated: int = 0
    articles_unchanged: int = 0
    articles_failed: int = 0
    articles_repeating_a_story: int = 0  # stored as another copy of a story already stored (near-duplicates)
    chunks_written: int = 0
    seconds: float = 0.0
    errors: list[Problem] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["seconds"] = round(self.seconds, 2)
        data["errors"] = [{"path": p.path, "line": p.line, "reason": p.reason} for p in self.errors]
        return data


class Embedder(Protocol):
    """What an ingest embeds with: MiniLM here, or a pool of Ray actors running it (``ingest.distributed``)."""

    embed_batch_size: int

    def count_tokens(self, text: str) -> list[str]: ...

    def embed(self, texts: list[str]) -> list[list[float]]: ...


@dataclass
class _Pending:
    article: Article
    chunks: list[Chunk]
    existed: bool


class Ingestor:
    """Writes articles into the store; keeps the embedding model loaded across calls."""

    def __init__(
        self,
        store: ArticleStore,
        embedder: Embedder,
        chunk_size: int,
        chunk_overlap: int,
        keyword_index: KeywordIndex | None = None,
    ) -> None:
        self.store = store
        self.keyword_index = keyword_index
        self.embedder = embedder
        self.chunker = ArticleChunker(embedder.count_tokens, chunk_size, chunk_overlap)
        self._chunking = f"{chunk_size}/{chunk_overlap}"
        self._stories: Stories | None = None  # read from the store when the first article is written

    def _version(self, article: Article) -> str:
        """What is stored with each chunk and compared on the next run: the article's content, how it was
        chunked and what is stored of it, so a store re-ingested after a chunk-size change is re-chunked, and one
        written before its sentences were embedded gains them, rather than being reported unchanged."""
        return stable_hash(article.content_hash, self._chunking, STORED)

    @classmethod
    def for_settings(cls, settings: Settings, store: ArticleStore, embedder: Embedder | None = None) -> "Ingestor":
        """The ingestor a command uses: chunking from the settings, the BM25 index kept beside the store."""
        return cls(
            store, embedder or MiniLMEmbedding(settings.embed_batch_size), settings.chunk_size, settings.chunk_overlap,
            KeywordIndex(settings.keyword_index_path),
        )

    def ingest(
        self, items: Iterable[Article | Problem], on_progress: Callable[[IngestReport], None] | None = None
    ) -> IngestReport:
        """Store the articles and index them, a batch at a time; readers meanwhile keep the index they hold
        (``KeywordIndex.ingesting``) until the next update of it is saved."""
        if self.keyword_index is None:
            return self._ingest(items, on_progress)
        with self.keyword_index.ingesting():
            return self._ingest(items, on_progress)

    def _ingest(
        self, items: Iterable[Article | Problem], on_progress: Callable[[IngestReport], None] | None
    ) -> IngestReport:
        report = IngestReport()
        started = time.perf_counter()
        seen: dict[str, str] = {}
        pending: list[_Pending] = []
        written: dict[str, int] = {}  # stored, not yet in the keyword index: article id -> chunks

        def flush() -> None:
            self._write(pending, report)
            written.update((p.article.article_id, len(p.chunks)) for p in pending)
            pending.clear()
            if self.keyword_index is not None and sum(written.values()) >= INDEX_EVERY:
                self.keyword_index.update(self.store, list(written))
                written.clear()
            report.seconds = time.perf_counter() - started
            if on_progress:
                on_progress(report)

        for item in items:
            if isinstance(item, Problem):
                self._fail(report, item)
                continue
            article_id = item.article_id
            if article_id in seen:
                self._fail(report, Problem(item.origin, f"duplicate article id {article_id!r} (first at {seen[article_id]}); skipped"))
                continue
            seen[article_id] = item.origin
            stored = self.store.article_versions([article_id])  # as it arrives: sources may be slow (URLs, feeds)
            if stored.get(article_id) == self._version(item):
                report.articles_unchanged += 1
                continue
            pending.append(_Pending(item, self.chunker.chunks(item), existed=article_id in stored))
            if sum(len(p.chunks) for p in pending) >= self.embedder.embed_batch_size:
                flush()
        flush()
        if self.keyword_index is not None and written:
            self.keyword_index.update(self.store, list(written))
        return report

    def _fail(self, report: IngestReport, problem: Problem) -> None:
        report.articles_failed += 1
        report.errors.append(problem)
        log.warning("%s", problem)

    def _story(self, article: Article, report: IngestReport) -> tuple[str, str]:
        """The article's story (its own id, or that of the stored article it repeats) and its signature."""
        if self._stories is None:
            stored = {a: (story, decode(text)) for a, (story, text) in self.store.article_signatures().items()}
            self._stories = Stories({a: (story or a, v) for a, (story, v) in stored.items() if v is not None})
        values = signature(article.text)
        story = self._stories.story_of(article.article_id, values)
        self._stories.add(article.article_id, story, values)
        if story != article.article_id:
            report.articles_repeating_a_story += 1
            log.info("%s repeats the story of %s", article.article_id, story)
        return story, encode(values)

    def _write(self, pending: list[_Pending], report: IngestReport) -> None:
        if not pending:
            return
        texts = [embedding_text(c) for p in pending for c in p.chunks]
        vectors = self.embedder.embed(texts)
        sentences = [split_sentences(c.text) for p in pending for c in p.chunks]
        flat = self.embedder.embed([s for each in sentences for s in each])
        sentence_vectors, start = [], 0
        for each in sentences:
            sentence_vectors.append(flat[start : start + len(each)])
            start += len(each)
        batch, offset = [], 0
        for item in pending:
            count = len(item.chunks)
            story, values = self._story(item.article, report)
            batch.append(ArticleToStore(
                [replace(c, story_id=story) for c in item.chunks], vectors[offset : offset + count],
                self._version(item.article), item.article.published_ts, sentence_vectors[offset : offset + count],
                values, may_be_stored=item.existed,
            ))
            offset += count
        self.store.write_articles(batch)
        failpoints.reach("ingest-between-batches")
        for item in pending:
            report.chunks_written += len(item.chunks)
            if item.existed:
                report.articles_updated += 1
            else:
                report.articles_added += 1
            log.info("stored %s (%d chunks) from %s", item.article.article_id, len(item.chunks), item.article.origin)
