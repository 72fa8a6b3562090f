"""The keyword (BM25) index over the stored chunks, kept beside the store and updated by each ingest with what it
changed (``newsdesk.index_segments``: the segments on disk).

Keyword search carries news questions where the small embedding model is vague: names, sources, numbers.
Each chunk is indexed with its title and source, stemmed (Snowball), English stop words removed, and scored as
bm25s scores it (Lucene's BM25, k1 1.5, b 0.75): the weights are computed when the segments are read, over the
live chunks, so an index updated article by article scores and ranks exactly as one rebuilt from the store.

Beside it, a copy of every chunk's sentence vectors (``ArticleStore.write_articles``) as float16, read by rows
from disk (``RowFile``): the reorder reads the sentences of ~50 candidates a question, which Chroma hands out at
~55 µs a vector (~28 ms a question by id) and this copy in about a millisecond.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import math
import re
import shutil
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import AbstractSet as Set, Any, Iterable, Iterator, Sequence

import numpy as np
from scipy import sparse

from newsdesk.articles import Chunk, article_of
from newsdesk.filters import RetrievalFilter
from newsdesk.index_segments import (
    Segment, drop_unlisted, live_rows, merged, next_name, ragged_take, read_manifest, read_segment, starts_of,
    write_manifest, write_segment,
)
from newsdesk.sentences import split_sentences
from newsdesk.store import ArticleStore, sentence_id

log = logging.getLogger(__name__)
K1, B = 1.5, 0.75  # bm25s's defaults
# An update adds a segment; past MAX_SEGMENTS of them, or once a quarter of the rows are dead (articles replaced
# or removed since), the segments are merged into one, so a question never gathers postings from many files.
MAX_SEGMENTS = 8
MAX_DEAD_SHARE = 0.25
WEIGHT_BLOCK = 1 << 22  # chunk-word pairs weighed at a time: ~100 MB of float64 temporaries


@cache
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")  # one for the process: it remembers the words it has stemmed


@cache
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN)


_WORD = re.compile(r"(?u)\b\w\w+\b")  # bm25s's token pattern (scikit-learn's)


def tokenize(texts: list[str]) -> list[list[str]]:
    """The words BM25 matches on: lower-cased, stemmed, without English stop words. The same words as
    ``bm25s.tokenize`` with those options (a test holds them equal), without its set-up on every call (a stop-word
    set per text, a new stemmer), and stemming each distinct word once."""
    stop = _stopwords()
    words = [[w for w in _WORD.findall(text.lower()) if w not in stop] for text in texts]
    unique = list(dict.fromkeys(w for each in words for w in each))
    stems = dict(zip(unique, _stemmer().stemWords(unique)))
    return [[stems[w] for w in each] for each in words]


@dataclass(frozen=True)
class IndexedChunks:
    """What the index knows of each chunk besides its words, as arrays so a filter is one vector comparison."""

    ids: list[str]
    source_names: list[str]  # sorted; source_codes index into it
    source_codes: np.ndarray
    published: np.ndarray  # epoch seconds, NaN where undated
    rows: dict[str, int]  # chunk id -> its place in the columns above
    article_rows: dict[str, np.ndarray]  # article id -> the places of its chunks
    source_rows: dict[str, np.ndarray]  # source name -> the places of its chunks, ascending
    stories: dict[str, dict[str, str]]  # story id -> its articles' ids -> their sources (``Chunk.story_id``)

    @classmethod
    def from_meta(cls, meta: dict[str, list]) -> "IndexedChunks":
        names = sorted(set(meta["sources"]))
        code = {name: i for i, name in enumerate(names)}
        articles: dict[str, list[int]] = {}
        stories: dict[str, dict[str, str]] = {}
        for row, (chunk_id, story, source) in enumerate(zip(meta["ids"], meta["story_ids"], meta["sources"])):
            article = article_of(chunk_id)
            articles.setdefault(article, []).append(row)
            if story:
                stories.setdefault(story, {})[article] = source
        codes = np.array([code[s] for s in meta["sources"]], dtype=np.int32)
        by_source = np.argsort(codes, kind="stable")  # rows grouped by source, ascending within each
        bounds = np.searchsorted(codes[by_source], np.arange(len(names) + 1))
        return cls(
            ids=meta["ids"],
            source_names=names,
            source_codes=codes,
            published=np.array([np.nan if t is None else t for t in meta["published_ts"]], dtype=np.float64),
            rows={chunk_id: row for row, chunk_id in enumerate(meta["ids"])},
            article_rows={article: np.array(rows) for article, rows in articles.items()},
            source_rows={name: by_source[bounds[i] : bounds[i + 1]] for i, name in enumerate(names)},
            stories=stories,
        )

    def rows_of_sources(self, sources: Set[str]) -> np.ndarray:
        """The places of these sources' chunks, ascending."""
        found = [self.source_rows[name] for name in sources if name in self.source_rows]
        return np.sort(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)

    def allowed(self, keep: RetrievalFilter, rows: np.ndarray) -> np.ndarray:
        """Which of ``rows`` the filter lets through."""
        allowed = np.ones(len(rows), dtype=bool)
        if keep.sources is not None:
            kept = np.array([name in keep.sources for name in self.source_names], dtype=bool)
            allowed &= kept[self.source_codes[rows]]
        if keep.since_ts is None and keep.until_ts is None:
            return allowed
        published = self.published[rows]
        with np.errstate(invalid="ignore"):  # NaN (undated) compares False: a date filter leaves it out
            if keep.since_ts is not None:
                allowed &= published >= keep.since_ts
            if keep.until_ts is not None:
                allowed &= published < keep.until_ts
        return allowed


@dataclass(frozen=True)
class QueryScores:
    """One question's BM25 score for every chunk, computed once and then ranked under as many filters as the
    retriever needs (the whole store, each named source, each named period): at 100k chunks, scoring is the
    cost, ranking a subset is not."""

    chunks: IndexedChunks
    scores: np.ndarray

    @cached_property
    def matched(self) -> np.ndarray:
        """The rows of the chunks holding a word of the query (a question is ranked under ~15 filters)."""
        return np.flatnonzero(self.scores > 0)

    def top(self, k: int, keep: RetrievalFilter | None = None) -> list[tuple[str, float]]:
        """Chunk ids and BM25 scores, best first, only chunks with a matching word; with ``keep``, only the chunks
        it allows."""
        if keep is not None and keep.sources is not None:  # a source's chunks: far fewer than the matched ones
            rows = self.chunks.rows_of_sources(keep.sources)
            rows = rows[self.scores[rows] > 0]
        else:
            rows = self.matched
        if keep is not None and not keep.is_empty:
            rows = rows[self.chunks.allowed(keep, rows)]
        if len(rows) > k:
            rows = rows[np.argpartition(-self.scores[rows], k - 1)[:k]]
        rows = rows[np.argsort(-self.scores[rows], kind="stable")]
        return [(self.chunks.ids[int(r)], float(self.scores[r])) for r in rows]

    def best_of_article(self, article_id: str, leave_out: Set[str]) -> str | None:
        """The article's best-scoring chunk that is not in ``leave_out``; None when no other chunk of it matches."""
        rows = [r for r in self.chunks.article_rows.get(article_id, ()) if self.chunks.ids[r] not in leave_out]
        if not rows:
            return None
        best = max(rows, key=lambda r: self.scores[r])
        return self.chunks.ids[best] if self.scores[best] > 0 else None

    def relative(self, chunk_ids: Sequence[str]) -> np.ndarray:
        """The scores of these chunks, as a share of the best score in the store (0 for an id not indexed)."""
        best = float(self.scores.max())
        rows = [self.chunks.rows.get(i, -1) for i in chunk_ids]
        return np.array([self.scores[r] / best if r >= 0 and best > 0 else 0.0 for r in rows])


@dataclass(frozen=True)
class _View:
    """Every live chunk of the saved segments, rows in chunk-id order (the same rows however the segments were cut),
    with their BM25 weights: replaced as one object, so a query running while an ingest updates the index never
    mixes two versions."""

    segments: list[Segment]
    chunks: IndexedChunks
    vocabulary: dict[str, int]  # word -> column
    document_frequency: np.ndarray  # live chunks holding each column's word
    weights: Any  # scipy CSC matrix, chunk rows x word columns: each word's BM25 weight in each chunk holding it
    segment_of_row: np.ndarray
    local_row: np.ndarray  # the row's place in its segment

    @classmethod
    def of(cls, segments: list[Segment], live: list[np.ndarray] | None = None) -> "_View":
        """``live``: each segment's live rows (``live_rows``), when the caller has them already."""
        live = live_rows(segments) if live is None else live
        owner = np.concatenate([np.full(len(r), i, dtype=np.int32) for i, r in enumerate(live)] or [np.zeros(0, np.int32)])
        local = np.concatenate(live or [np.zeros(0, np.int64)]).astype(np.int64)
        ids = [segments[s].ids[r] for s, r in zip(owner.tolist(), local.tolist())]
        order = sorted(range(len(ids)), key=ids.__getitem__)
        owner, local = owner[order], local[order]
        meta: dict[str, list] = {key: [] for key in ("ids", "sources", "published_ts", "story_ids")}
        for s, r in zip(owner.tolist(), local.tolist()):
            for key, values in meta.items():
                values.append(getattr(segments[s], key)[r])
        vocabulary = {w: column for column, w in enumerate(w for s in segments for w in s.words)}
        document_frequency, weights = _bm25_weights(segments, owner, local, len(vocabulary))
        return cls(segments, IndexedChunks.from_meta(meta), vocabulary, document_frequency, weights, owner, local)

    def place(self, chunk_id: str) -> tuple[int, int] | None:
        """Which segment holds a live chunk (its place in ``segments``), and its row there."""
        row = self.chunks.rows.get(chunk_id)
        if row is None:
            return None
        return int(self.segment_of_row[row]), int(self.local_row[row])

    def scores(self, columns: list[int]) -> np.ndarray:
        """Each chunk's BM25 score for a query of these word columns (a repeated word counts again, as in bm25s)."""
        scores = np.zeros(len(self.chunks.ids), dtype=np.float32)
        indptr, rows, data = self.weights.indptr, self.weights.indices, self.weights.data
        for column in columns:
            start, end = indptr[column], indptr[column + 1]
            scores[rows[start:end]] += data[start:end]  # a chunk appears once in a column
        return scores


def _bm25_weights(segments: list[Segment], owner: np.ndarray, local: np.ndarray, width: int) -> tuple[np.ndarray, Any]:
    """Document frequencies and the BM25 weight matrix of these rows (segment ``owner``, row ``local`` there).

    Built a segment at a time into arrays allocated once, the weights a block of pairs at a time: at 10^6 chunks
    (~90M chunk-word pairs) whole-array arithmetic held ~4 GB of temporaries while a reader loaded the index, twice
    what the matrix and the segments hold once loaded."""
    rows = len(owner)
    kept = []  # each segment's pairs of live rows, as a mask (None: all live) and those rows' places in the view
    for i, segment in enumerate(segments):
        view_row = np.full(len(segment.ids), -1, dtype=np.int32)
        mine = np.flatnonzero(owner == i)
        view_row[local[mine]] = mine
        pair_rows = np.repeat(view_row, np.diff(segment.term_starts))
        live = pair_rows >= 0
        kept.append((None, pair_rows) if live.all() else (live, pair_rows[live]))
    pairs = sum(len(pair_rows) for _, pair_rows in kept)
    row, column, counts = np.empty(pairs, np.int32), np.empty(pairs, np.int32), np.empty(pairs, np.float32)
    at = 0
    for segment, (live, pair_rows) in zip(segments, kept):
        end = at + len(pair_rows)
        row[at:end] = pair_rows
        column[at:end] = segment.terms if live is None else segment.terms[live]
        counts[at:end] = segment.term_counts if live is None else segment.term_counts[live]
        at = end
    del kept
    blocks = [slice(start, start + WEIGHT_BLOCK) for start in range(0, pairs, WEIGHT_BLOCK)]
    length = np.zeros(rows)  # the chunk's words, repeats counted (whole counts: exact in any order of addition)
    frequency = np.zeros(width, dtype=np.int64)
    for block in blocks:
        length += np.bincount(row[block], weights=counts[block], minlength=rows)
        frequency += np.bincount(column[block], minlength=width)
    average = float(length.mean()) if rows else 1.0
    idf = np.log(1 + (rows - frequency + 0.5) / (frequency + 0.5)).astype(np.float32)
    data = counts  # each pair's count, replaced by its weight block by block
    for block in blocks:
        count = counts[block].astype(np.float64)
        saturation = count / (K1 * ((1 - B) + B * length[row[block]] / average) + count)
        data[block] = idf[column[block]] * saturation
    matrix = sparse.csc_matrix((data, (row, column)), shape=(rows, width))
    return frequency, matrix


_EMPTY = _View([], IndexedChunks.from_meta({"ids": [], "sources": [], "published_ts": [], "story_ids": []}), {},
               np.zeros(0, dtype=np.int64), sparse.csc_matrix((0, 0), dtype=np.float32),
               np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int64))


def _tokenized(chunks: list[Chunk]) -> tuple[list[list[str]], list[list[list[str]]]]:
    """Each chunk's words as BM25 indexes them (its title, source and text), and the words of each of its sentences:
    one pass serves both, as a chunk's words are its title's and source's followed by its sentences'."""
    sentences = [split_sentences(c.text) for c in chunks]
    words = tokenize([f"{c.title}\n{c.source}" for c in chunks] + [s for each in sentences for s in each])
    by_sentence, rest = [], iter(words[len(chunks) :])
    for each in sentences:
        by_sentence.append([next(rest) for _ in each])
    return [head + [w for s in each for w in s] for head, each in zip(words, by_sentence)], by_sentence


def _distinct_columns(groups: list[list[str]], vocabulary: dict[str, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each group's distinct words as vocabulary columns (ascending) with how often each occurs, and where each
    group's columns begin (one entry more than the groups)."""
    lengths = np.fromiter(map(len, groups), dtype=np.int64, count=len(groups))
    columns = np.fromiter((vocabulary[w] for g in groups for w in g), dtype=np.int64, count=int(lengths.sum()))
    size = max(len(vocabulary), 1)
    keys, counts = np.unique(np.repeat(np.arange(len(groups)), lengths) * size + columns, return_counts=True)
    return (keys % size).astype(np.int32), counts.astype(np.int32), np.searchsorted(keys // size, np.arange(len(groups) + 1))


def _text_hashes(chunks: list[Chunk]) -> np.ndarray:
    return np.array(
        [int.from_bytes(hashlib.blake2b(c.text.encode(), digest_size=8).digest(), "little") for c in chunks],
        dtype=np.uint64,
    )


def _segment_of(chunks: list[Chunk], vocabulary: dict[str, int], name: str, replaces: list[str],
                store: ArticleStore, previous: _View) -> tuple[Segment, int]:
    """A segment of these chunks, new words added to ``vocabulary``; with how many sentence vectors were read from
    the store (the others are the previous index's copy of an unchanged chunk)."""
    words, by_sentence = _tokenized(chunks)
    added = []
    for each in words:
        for word in each:
            if word not in vocabulary:
                vocabulary[word] = len(vocabulary)
                added.append(word)
    terms, term_counts, term_starts = _distinct_columns(words, vocabulary)
    sentences = [s for each in by_sentence for s in each]
    sentence_words, _, sentence_word_starts = _distinct_columns(sentences, vocabulary)
    counts = np.array([len(each) for each in by_sentence], dtype=np.int64)
    hashes = _text_hashes(chunks)
    ids = [c.chunk_id for c in chunks]
    vectors, vector_starts, read = _sentence_vectors(store, ids, counts, hashes, previous)
    arrays = {
        "hashes": hashes, "terms": terms, "term_counts": term_counts, "term_starts": term_starts,
        "sentences": vectors, "sentence_starts": vector_starts, "sentence_words": sentence_words,
        "sentence_word_starts": sentence_word_starts,
        "sentence_word_chunk_starts": starts_of(counts),
    }
    segment = Segment(name, ids, [c.source for c in chunks], [c.published_ts for c in chunks],
                      [c.story_id for c in chunks], replaces, added, arrays)
    return segment, read


def _sentence_vectors(store: ArticleStore, ids: list[str], counts: np.ndarray, hashes: np.ndarray,
                      previous: _View) -> tuple[np.ndarray, np.ndarray, int]:
    """These chunks' sentence vectors (``counts`` sentences each, as their texts split), chunk after chunk, with
    where each chunk's begin: an unchanged chunk's (same id, same text, as many sentences) are copied from the
    previous index, the rest read from the store (re-reading all 937,785 at 100k chunks took ~4 minutes). A store
    may lack some; the starts count the rows there are. Also returns how many were read from the store."""
    starts = starts_of(counts)
    filled = np.zeros(int(starts[-1]), dtype=bool)
    matrix: np.ndarray | None = None
    reused: dict[int, tuple[list[int], list[int]]] = {}  # previous segment -> (our rows, its rows)
    for row, chunk_id in enumerate(ids):
        place = previous.place(chunk_id)
        if place is None:
            continue
        number, local = place
        segment = previous.segments[number]
        same_sentences = segment.sentence_starts[local + 1] - segment.sentence_starts[local] == counts[row]
        if segment.hashes[local] == hashes[row] and same_sentences:
            mine, theirs = reused.setdefault(number, ([], []))
            mine.append(row)
            theirs.append(local)
    for number, (mine, theirs) in reused.items():
        segment = previous.segments[number]
        source, _ = ragged_take(segment.sentence_starts[theirs], segment.sentence_starts[np.array(theirs) + 1])
        target, _ = ragged_take(starts[mine], starts[np.array(mine) + 1])
        if matrix is None:
            matrix = np.zeros((len(filled), segment.sentences.shape[1]), dtype=np.float16)
        matrix[target] = segment.sentences[source]
        filled[target] = True
    wanted = {
        sentence_id(ids[row], n): int(starts[row]) + n
        for row in range(len(ids)) for n in range(int(counts[row])) if not filled[starts[row] + n]
    }  # sentence id -> its row
    read = 0
    for got, vectors in store.sentences_by_id(list(wanted)):
        if matrix is None:
            matrix = np.zeros((len(filled), vectors.shape[1]), dtype=np.float16)
        place = [wanted[i] for i in got]
        matrix[place] = vectors
        filled[place] = True
        read += len(got)
    held = np.bincount(np.repeat(np.arange(len(ids)), counts)[filled], minlength=len(ids))
    if matrix is None:
        vectors = np.zeros((0, 0), dtype=np.float16)
    else:  # every row filled, as usual: no copy (7.2 GB of float16 at 10^6 chunks)
        vectors = matrix if filled.all() else matrix[filled]
    return vectors, starts_of(held), read


class KeywordIndex:
    """BM25 over every chunk in one collection; ``search`` returns chunk ids with their scores."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._held = _EMPTY
        self._unviewed: tuple[list[Segment], list[np.ndarray] | None] | None = None  # segments whose view is not built
        self._swapping = threading.Lock()
        self._loaded_from: tuple[int, int, int] | None = None  # the manifest it was read from or written as
        self._checked: tuple[Any, ...] | None = None  # the store's and the manifest's marks when last found current

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One writer at a time (two ingests at once must not both append to the same manifest)."""
        with open(self._lock_file("lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def _lock_file(self, kind: str) -> Path:
        """A lock file beside the index folder (never inside it: a rebuild swaps the folder whole)."""
        self.folder.parent.mkdir(parents=True, exist_ok=True)
        return self.folder.with_name(f".{self.folder.name}.{kind}")

    @contextmanager
    def ingesting(self) -> Iterator[None]:
        """Held by each running ingest (shared: ingests may run side by side). Until it ends, the store holds chunks
        it has written and will index itself, so a reader that finds the store ahead of the saved index keeps
        reading the saved one rather than rebuilding it (47 s at 100k chunks, again after every write batch)."""
        with open(self._lock_file("ingesting"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_SH)
            yield

    def _ingest_running(self) -> bool:
        path = self._lock_file("ingesting")
        if not path.exists():
            return False
        with open(path, "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            return False

    def rebuild(self, store: ArticleStore) -> None:
        """Index every chunk in the store as one segment and swap it in whole (a reader never sees a half-written
        index); sentence vectors of unchanged chunks come from the saved index."""
        with self._writing():
            self._rebuild_locked(store)

    def _rebuild_locked(self, store: ArticleStore) -> None:
        started = time.perf_counter()
        previous = self._read_saved() or _EMPTY
        chunks = store.all_chunks()
        name = next_name([])
        segment, read = _segment_of(chunks, {}, name, [], store, previous)
        staging = self.folder.with_name(self.folder.name + ".new")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        write_segment(staging, segment)
        write_manifest(staging, [name])
        old = self.folder.with_name(self.folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.folder.exists():
            self.folder.rename(old)
        staging.rename(self.folder)
        shutil.rmtree(old, ignore_errors=True)
        self._use([read_segment(self.folder, name)])
        log.info("keyword index: %d chunks indexed, %d sentence vectors copied (%d read from the store), in %.1fs",
                 len(chunks), len(segment.sentences), read, time.perf_counter() - started)

    def update(self, store: ArticleStore, article_ids: Iterable[str]) -> None:
        """Re-index these articles as they now are in the store (changed, added or removed): a new segment of their
        chunks that supersedes their old rows, in time proportional to them, not to the store. Segments are merged
        when there are many, or many dead rows. With no index saved yet, or one of an older layout, rebuilds."""
        articles = sorted(set(article_ids))
        with self._writing():
            segments = self._segments_held()
            if segments is None:
                names = read_manifest(self.folder)
                segments = self._read(names) if names is not None else None
            if segments is not None:
                names = [s.name for s in segments]
                started = time.perf_counter()
                vocabulary = {w: column for column, w in enumerate(w for s in segments for w in s.words)}
                chunks = store.chunks_of_articles(articles)
                name = next_name(names)
                segment, read = _segment_of(chunks, vocabulary, name, articles, store, _EMPTY)
                write_segment(self.folder, segment)
                segments.append(read_segment(self.folder, name))
                write_manifest(self.folder, [s.name for s in segments])
                live: list[np.ndarray] | None = live_rows(segments)
                if _needs_merge(segments, live):
                    segments, live = [self._merge(segments)], None
                self._use(segments, live)
                log.info("keyword index: %d articles updated (%d chunks, %d sentence vectors read), %d segments, "
                         "in %.2fs", len(articles), len(chunks), read, len(segments), time.perf_counter() - started)
                return
            self._rebuild_locked(store)

    def _segments_held(self) -> list[Segment] | None:
        """The segments this process holds, while the saved manifest is the one it last read or wrote: segments never
        change once written, so an update reuses them instead of reading every one again beside them (at 10^6
        chunks, two copies of the index in a long ingest's memory at each update). None when another process has
        saved the index since (a rebuild starts the segment names again)."""
        if self._loaded_from is None or self._loaded_from != self._saved_mark():
            return None
        pending = self._unviewed
        held = pending[0] if pending is not None else self._held.segments
        return list(held) if held else None

    def _merge(self, segments: list[Segment]) -> Segment:
        started = time.perf_counter()
        name = next_name([s.name for s in segments])
        write_segment(self.folder, merged(segments, name))
        write_manifest(self.folder, [name])
        drop_unlisted(self.folder, [name])
        log.info("keyword index: %d segments merged in %.1fs", len(segments), time.perf_counter() - started)
        return read_segment(self.folder, name)

    def _read(self, names: list[str]) -> list[Segment] | None:
        try:
            return [read_segment(self.folder, n) for n in names]
        except (OSError, ValueError, KeyError):
            return None

    def _read_saved(self) -> _View | None:
        """The saved index; None when there is none in this layout. A writer may merge segments between the
        manifest being read and its segments: then the manifest is read again."""
        for _ in range(3):
            names = read_manifest(self.folder)
            if names is None:
                return None
            segments = self._read(names)
            if segments is not None:
                return _View.of(segments)
        return None

    @property
    def _view(self) -> _View:
        """Built when first read: a process that only writes the index (an ingest) never computes the BM25 weights
        of every live chunk after its updates (2.2 s an update at 100k chunks, growing with the store)."""
        pending = self._unviewed
        if pending is None:
            return self._held
        view = _View.of(*pending)
        with self._swapping:  # reading threads may build it at once; a newer update's segments are kept
            if self._unviewed is pending:
                self._held, self._unviewed = view, None
        return view

    @_view.setter
    def _view(self, view: _View) -> None:
        with self._swapping:
            self._held, self._unviewed = view, None

    def _use(self, segments: list[Segment], live: list[np.ndarray] | None = None) -> None:
        with self._swapping:
            self._unviewed = (segments, live)
        self._loaded_from = self._saved_mark()

    def ensure_current(self, store: ArticleStore) -> None:
        """Load the saved index, rebuilding it if it is missing or holds a different number of chunks than the store
        (e.g. a store filled by an older version, or by another machine through a Chroma server) and no ingest is
        running here (``ingesting``), and reloading it when another process saved a new one (a re-ingested article
        whose text changed but not its number of chunks). The store is counted only when its files or the saved
        index changed since the last check (``write_mark``): a count is a sixth of a question's retrieval time at
        100k chunks."""
        mark = (store.write_mark(), self._saved_mark())
        if self._view is not _EMPTY and mark[0] is not None and mark == self._checked:
            return
        # behind a running ingest, it is checked again at the next question: the ingest may die before indexing
        self._checked = (mark[0], self._saved_mark()) if self._load_current(store) else None

    def _saved_mark(self) -> tuple[int, int, int] | None:
        """The saved index's identity: every change writes a new manifest (renamed in)."""
        try:
            st = (self.folder / "index.json").stat()
        except OSError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def _load_current(self, store: ArticleStore) -> bool:
        """The saved index when it holds as many chunks as the store, or a different number while an ingest runs (it
        indexes what it writes); else a rebuild. False where it is behind a running ingest."""
        count = store.count()
        saved_mark = self._saved_mark()
        held = self._view is not _EMPTY and saved_mark is not None and saved_mark == self._loaded_from
        if held and len(self._view.chunks.ids) == count:
            return True
        if held and self._ingest_running():
            return False
        if saved_mark is not None and not held:
            view = self._read_saved()
            if view is not None and (len(view.chunks.ids) == count or self._ingest_running()):
                self._view, self._loaded_from = view, saved_mark
                return len(view.chunks.ids) == count
        with self._writing():  # another process may have rebuilt it while this one waited for the lock
            if not self._load_saved(count, self._saved_mark()):
                self._rebuild_locked(store)
        return True

    def _load_saved(self, count: int, mark: tuple[int, int, int] | None) -> bool:
        """Use the saved index if it holds ``count`` chunks."""
        view = self._read_saved() if mark is not None else None
        if view is None or len(view.chunks.ids) != count:
            return False
        self._view, self._loaded_from = view, mark
        return True

    def sources(self) -> set[str]:
        return set(self._view.chunks.source_names)

    def stories(self, story_ids: Iterable[str]) -> dict[str, dict[str, str]]:
        """The indexed articles of each of these stories, article id -> source: the other outlets that ran a copy
        of a passage's story. Held in memory, where asking embedded Chroma for them by story id scanned its
        metadata (~65 ms a question at 100k chunks)."""
        known = self._view.chunks.stories
        return {story: dict(known[story]) for story in story_ids if story in known}

    def _columns(self, view: _View, words: Iterable[str]) -> list[int]:
        """The columns of the words some live chunk holds."""
        columns = [view.vocabulary.get(w, -1) for w in words]
        return [c for c in columns if c >= 0 and view.document_frequency[c] > 0]

    def score_all(self, query: str) -> QueryScores | None:
        """Every chunk's BM25 score for ``query``; None when the index is empty or the query has no indexed word."""
        view = self._view
        columns = self._columns(view, tokenize([query])[0])
        if not view.chunks.ids or not columns:
            return None
        return QueryScores(view.chunks, view.scores(columns))

    def search(self, query: str, k: int, keep: RetrievalFilter | None = None) -> list[tuple[str, float]]:
        """Chunk ids and BM25 scores, best first; with ``keep``, only the chunks it allows."""
        scores = self.score_all(query)
        return scores.top(k, keep) if scores is not None else []

    def sentence_vectors(self, chunk_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The vectors of each of these chunks' sentences (a row a sentence); chunks without any (none stored, or
        not in the index) are left out."""
        view = self._view
        found = {}
        for chunk_id in chunk_ids:
            place = view.place(chunk_id)
            if place is None:
                continue
            segment, row = view.segments[place[0]], place[1]
            start, end = segment.sentence_starts[row], segment.sentence_starts[row + 1]
            if end > start:
                found[chunk_id] = np.asarray(segment.sentences[start:end], dtype=np.float32)
        return found

    def best_sentence_shares(self, queries: Sequence[dict[str, float]], chunk_ids: Sequence[str]) -> np.ndarray:
        """For each query (tokenized word -> weight) and chunk, the largest share of the query's total word weight
        that one of the chunk's sentences holds: one row per query; 0 for a chunk the index does not hold. Read
        from the words saved with each segment: tokenizing ~50 candidates' sentences at question time took ~17 ms."""
        view = self._view
        known = np.array(sorted({view.vocabulary[w] for query in queries for w in query if w in view.vocabulary}),
                         dtype=np.int64)
        weights = np.zeros((len(known), len(queries)))  # query word (in ``known``'s order) x query
        for j, query in enumerate(queries):
            for word, weight in query.items():
                if word in view.vocabulary:
                    weights[np.searchsorted(known, view.vocabulary[word]), j] = weight
        shares = np.zeros((len(queries), len(chunk_ids)))
        found, counts, words, firsts = [], [], [], []  # chunks with sentences; their sentences' words; where each begins
        gathered = 0
        for i, chunk_id in enumerate(chunk_ids):
            place = view.place(chunk_id)
            if place is None:
                continue
            segment, row = view.segments[place[0]], place[1]
            first, last = segment.sentence_word_chunk_starts[row : row + 2]
            if last > first:
                starts = segment.sentence_word_starts[first : last + 1]
                found.append(i)
                firsts.append(gathered)
                counts.append(np.diff(starts))
                words.append(segment.sentence_words[starts[0] : starts[-1]])
                gathered += last - first
        if found and len(known):
            flat = np.concatenate(words)
            sentence = np.repeat(np.arange(gathered), np.concatenate(counts))
            place_of = np.minimum(np.searchsorted(known, flat), len(known) - 1)
            hit = known[place_of] == flat
            held = np.zeros((gathered, len(queries)))  # sentence x query: the weight of the query's words it holds
            np.add.at(held, sentence[hit], weights[place_of[hit]])
            shares[:, found] = np.maximum.reduceat(held, firsts, axis=0).T
        totals = np.array([sum(query.values()) for query in queries]).reshape(-1, 1)
        return np.divide(shares, totals, out=np.zeros_like(shares), where=totals > 0)

    def mentions(self, text: str) -> bool:
        """Some stored chunk has each of the text's words (not necessarily together): a name the collection never
        mentions is not; an empty index mentions nothing."""
        view = self._view
        tokens = tokenize([text])[0]
        return bool(tokens) and len(self._columns(view, tokens)) == len(tokens)

    def rarity(self, words: Iterable[str]) -> dict[str, float]:
        """Inverse document frequency of each (tokenized) word over the indexed chunks; a word the index has never
        seen is as rare as a word in one chunk."""
        view = self._view
        total = max(len(view.chunks.ids), 1)
        weights = {}
        for word in words:
            column = view.vocabulary.get(word, -1)
            frequency = int(view.document_frequency[column]) if column >= 0 else 1
            weights[word] = math.log((total + 1) / (max(frequency, 1) + 0.5))
        return weights


def _needs_merge(segments: list[Segment], live: list[np.ndarray]) -> bool:
    rows = sum(len(s.ids) for s in segments)
    dead = rows - sum(len(r) for r in live)
    return len(segments) > MAX_SEGMENTS or (rows > 0 and dead / rows > MAX_DEAD_SHARE)
