"""Big stores for benchmarks without embedding: a stored corpus read once (chunks, chunk vectors, sentence vectors)
and written again under other article ids, as many times as a size needs, through ``ArticleStore.write_articles``
(the ingest's own write). Embedding 100k chunks would take hours here; what a store of that size costs to write,
search and hold does not depend on where its vectors came from."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from newsdesk.articles import Chunk
from newsdesk.store import ArticleStore, ArticleToStore


@dataclass
class ArticleVectors:
    chunks: list[Chunk]
    vectors: np.ndarray  # one row a chunk
    sentences: list[np.ndarray]  # each chunk's sentence vectors, one row a sentence


def read_corpus(store: ArticleStore) -> list[ArticleVectors]:
    """Every stored article with its vectors, chunks in order."""
    by_article: dict[str, list[tuple[Chunk, list[float]]]] = defaultdict(list)
    for chunk, vector in store.all_vectors():
        by_article[chunk.article_id].append((chunk, vector))
    sentences: dict[str, list[np.ndarray]] = defaultdict(list)
    for ids, page in store.sentence_pages():
        for chunk_id, vector in zip(ids, page):
            sentences[chunk_id].append(vector)
    articles = []
    for pairs in by_article.values():
        pairs.sort(key=lambda p: p[0].index)
        dims = len(pairs[0][1])
        articles.append(ArticleVectors(
            [c for c, _ in pairs], np.asarray([v for _, v in pairs], dtype=np.float32),
            [np.asarray(sentences.get(c.chunk_id, []), dtype=np.float32).reshape(-1, dims) for c, _ in pairs]))
    return articles


def _nudged(vectors: np.ndarray, noise: float, rng: np.random.Generator) -> np.ndarray:
    """Unit vectors moved by Gaussian noise of ``noise`` per dimension, back on the unit sphere: copies that are
    near their original (cosine ~0.999 at 0.002) but not equal to it, as an index of real articles holds."""
    if not noise or not len(vectors):
        return vectors
    moved = vectors + rng.normal(0.0, noise, vectors.shape).astype(np.float32)
    return moved / np.linalg.norm(moved, axis=1, keepdims=True)


def copies_of(corpus: list[ArticleVectors], copy: int, noise: float = 0.0, seed: int = 0) -> Iterator[ArticleVectors]:
    """Copy number ``copy`` of every article: copy 0 under the original ids and vectors, the others under
    ``ID-copyN`` with their vectors nudged by ``noise`` (the same copy always gets the same vectors)."""
    rng = np.random.default_rng([seed, copy])
    for article in corpus:
        new_id = article.chunks[0].article_id if copy == 0 else f"{article.chunks[0].article_id}-copy{copy}"
        chunks = [dataclasses.replace(c, article_id=new_id) for c in article.chunks]
        nudge = noise if copy else 0.0
        yield ArticleVectors(chunks, _nudged(article.vectors, nudge, rng),
                            [_nudged(s, nudge, rng) for s in article.sentences])


def write(target: ArticleStore, articles: Iterator[ArticleVectors], label: str, batch_chunks: int = 64) -> int:
    """Store the articles as an ingest does, a batch of at least ``batch_chunks`` chunks at a time (the ingest's
    default embedding batch); returns how many chunks were written. A copy is a new article, or the same one chunk
    for chunk after an interrupted build, so none can leave older chunks behind: as the ingest of a new article,
    no leftovers are looked for."""
    written = 0
    batch: list[ArticleToStore] = []
    for article in articles:
        batch.append(ArticleToStore(article.chunks, article.vectors, label, article.chunks[0].published_ts,
                                    article.sentences, may_be_stored=False))
        written += len(article.chunks)
        if sum(len(a.chunks) for a in batch) >= batch_chunks:
            target.write_articles(batch)
            batch = []
    target.write_articles(batch)
    return written
