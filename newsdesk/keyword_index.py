"""The keyword (BM25) index over the stored chunks, kept beside the store and rebuilt when ingestion changes it.

Keyword search carries news questions where the small embedding model is vague: names, sources, numbers.
Each chunk is indexed with its title and source, stemmed (Snowball), English stop words removed.

Beside it, a copy of every chunk's sentence vectors (``ArticleStore.write_article``) in chunk order, as float16
read through a memory map: the reorder reads the sentences of ~50 candidates a question, which Chroma hands out at
~55 µs a vector (~28 ms a question by id) and this copy in well under a millisecond.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
import shutil
import time
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import AbstractSet as Set, Any, Iterable, Sequence

import numpy as np

from newsdesk.articles import Chunk, article_of
from newsdesk.filters import RetrievalFilter
from newsdesk.sentences import split_sentences
from newsdesk.store import ArticleStore, sentence_id

log = logging.getLogger(__name__)
_META = "newsdesk.json"
_SENTENCES = "sentences.npy"  # every chunk's sentence vectors, chunk by chunk in the index's chunk order
_SENTENCE_STARTS = "sentence-starts.npy"  # chunk row i's sentences are rows starts[i]:starts[i + 1]
# the words of each chunk's sentences (``split_sentences`` of its text), as BM25 vocabulary columns: chunk row i's
# sentences are sentences starts[i]:starts[i + 1], sentence j's distinct words words[word_starts[j]:word_starts[j + 1]]
_WORDS = "sentence-words.npy"
_WORD_STARTS = "sentence-word-starts.npy"
_WORD_SENTENCE_STARTS = "sentence-word-chunk-starts.npy"
_TEXT_HASHES = "chunk-text-hashes.npy"  # each chunk's text hash: the next rebuild keeps an unchanged chunk's vectors
_ARRAYS = (_SENTENCE_STARTS, _WORDS, _WORD_STARTS, _WORD_SENTENCE_STARTS)  # an index folder without one is older


def _bm25s():  # type: ignore[no-untyped-def]
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG via its own handler
    return bm25s


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
    newest: int | None  # the newest publication time, None when nothing is dated
    rows: dict[str, int]  # chunk id -> its place in the columns above
    article_rows: dict[str, np.ndarray]  # article id -> the places of its chunks
    source_rows: dict[str, np.ndarray]  # source name -> the places of its chunks, ascending

    @classmethod
    def from_meta(cls, meta: dict[str, list]) -> "IndexedChunks":
        names = sorted(set(meta["sources"]))
        code = {name: i for i, name in enumerate(names)}
        dated = [t for t in meta["published_ts"] if t is not None]
        articles: dict[str, list[int]] = {}
        for row, chunk_id in enumerate(meta["ids"]):
            articles.setdefault(article_of(chunk_id), []).append(row)
        codes = np.array([code[s] for s in meta["sources"]], dtype=np.int32)
        by_source = np.argsort(codes, kind="stable")  # rows grouped by source, ascending within each
        bounds = np.searchsorted(codes[by_source], np.arange(len(names) + 1))
        return cls(
            ids=meta["ids"],
            source_names=names,
            source_codes=codes,
            published=np.array([np.nan if t is None else t for t in meta["published_ts"]], dtype=np.float64),
            newest=int(max(dated)) if dated else None,
            rows={chunk_id: row for row, chunk_id in enumerate(meta["ids"])},
            article_rows={article: np.array(rows) for article, rows in articles.items()},
            source_rows={name: by_source[bounds[i] : bounds[i + 1]] for i, name in enumerate(names)},
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
class _Loaded:
    """The model with its chunk columns and word frequencies: replaced as one object, so a query running while
    ingestion rebuilds the index never mixes two versions."""

    model: Any
    chunks: IndexedChunks
    document_frequency: np.ndarray
    sentences: np.ndarray  # float16, a row a sentence (memory-mapped)
    sentence_starts: np.ndarray
    words: np.ndarray  # the sentences' words (``_WORDS`` and the two after it; memory-mapped)
    word_starts: np.ndarray
    word_sentence_starts: np.ndarray

    @classmethod
    def of(cls, model: Any, meta: dict[str, list], folder: Path) -> "_Loaded":
        # bm25s keeps one column of scores per vocabulary word: its length is the word's document frequency
        frequency = np.diff(model.scores["indptr"]) if model is not None else np.zeros(0, dtype=np.int64)
        sentences = np.load(folder / _SENTENCES, mmap_mode="r")
        words = [np.load(folder / name, mmap_mode="r") for name in (_WORDS, _WORD_STARTS, _WORD_SENTENCE_STARTS)]
        return cls(
            model, IndexedChunks.from_meta(meta), frequency, sentences, np.load(folder / _SENTENCE_STARTS), *words
        )


_NOT_LOADED = _Loaded(
    None, IndexedChunks.from_meta({"ids": [], "sources": [], "published_ts": []}), np.zeros(0),
    np.zeros((0, 0), dtype=np.float16), np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int32),
    np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int64),
)


def _tokenized(chunks: list[Chunk]) -> tuple[list[list[str]], list[list[list[str]]]]:
    """Each chunk's words as BM25 indexes them (its title, source and text), and the words of each of its sentences:
    one pass serves both, as a chunk's words are its title's and source's followed by its sentences'."""
    sentences = [split_sentences(c.text) for c in chunks]
    words = tokenize([f"{c.title}\n{c.source}" for c in chunks] + [s for each in sentences for s in each])
    by_sentence, rest = [], iter(words[len(chunks) :])
    for each in sentences:
        by_sentence.append([next(rest) for _ in each])
    return [head + [w for s in each for w in s] for head, each in zip(words, by_sentence)], by_sentence


def _save_sentence_words(by_sentence: list[list[list[str]]], vocabulary: dict[str, int], folder: Path) -> None:
    """Each sentence's distinct words as vocabulary columns, chunk by chunk (``_WORDS`` and the two after it)."""
    flat = [s for each in by_sentence for s in each]
    lengths = np.fromiter(map(len, flat), dtype=np.int64, count=len(flat))
    columns = np.fromiter((vocabulary[w] for s in flat for w in s), dtype=np.int64, count=int(lengths.sum()))
    size = max(len(vocabulary), 1)
    keys = np.unique(np.repeat(np.arange(len(flat)), lengths) * size + columns)  # sorted: sentence, then word
    np.save(folder / _WORDS, (keys % size).astype(np.int32))
    np.save(folder / _WORD_STARTS, np.searchsorted(keys // size, np.arange(len(flat) + 1)))
    np.save(folder / _WORD_SENTENCE_STARTS, np.cumsum([0] + [len(each) for each in by_sentence], dtype=np.int64))


def _text_hashes(chunks: list[Chunk]) -> np.ndarray:
    return np.array(
        [int.from_bytes(hashlib.blake2b(c.text.encode(), digest_size=8).digest(), "little") for c in chunks],
        dtype=np.uint64,
    )


def _previous_rows(folder: Path, ids: list[str], hashes: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, Any]:
    """For each chunk, where its sentences begin in the saved index's copy when that copy holds them (same id, same
    text, as many sentences as its text splits into), else -1; with the copy (memory-mapped) or None."""
    reusable = np.full(len(ids), -1, dtype=np.int64)
    try:
        saved_ids = json.loads((folder / _META).read_text(encoding="utf-8"))["ids"]
        saved_hashes = np.load(folder / _TEXT_HASHES)
        saved_starts = np.load(folder / _SENTENCE_STARTS)
        vectors = np.load(folder / _SENTENCES, mmap_mode="r")
    except (OSError, ValueError, KeyError):
        return reusable, None  # none saved, or by a version that kept no text hashes: every vector is read
    if not len(saved_ids) == len(saved_hashes) == len(saved_starts) - 1:
        return reusable, None  # files of two saves (another process renamed a new index in meanwhile)
    saved_row = {chunk_id: row for row, chunk_id in enumerate(saved_ids)}
    for row, chunk_id in enumerate(ids):
        old = saved_row.get(chunk_id)
        if old is None or saved_hashes[old] != hashes[row]:
            continue
        if saved_starts[old + 1] - saved_starts[old] == counts[row]:
            reusable[row] = saved_starts[old]
    return reusable, vectors


def _save_sentences(store: ArticleStore, ids: list[str], counts: np.ndarray, hashes: np.ndarray, folder: Path,
                    previous: Path) -> tuple[int, int]:
    """The sentence vectors of these chunks (``counts`` sentences each, as their texts split), in their order
    (``_SENTENCES``, ``_SENTENCE_STARTS``): rows the previous index copied for an unchanged chunk are taken from its
    copy, the rest are read from the store (re-reading all 937,785 at 100k chunks took ~4 minutes, the bulk of a
    rebuild after every ingest). Returns how many were saved and how many of them were read from the store."""
    starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    reusable, copy = _previous_rows(previous, ids, hashes, counts)
    kept = reusable >= 0
    matrix: np.ndarray | None = None
    filled = np.zeros(int(starts[-1]), dtype=bool)
    if copy is not None and kept.any() and copy.shape[0]:
        source = np.concatenate([np.arange(r, r + n) for r, n in zip(reusable[kept], counts[kept])])
        target = np.concatenate([np.arange(s, s + n) for s, n in zip(starts[:-1][kept], counts[kept])])
        matrix = np.zeros((len(filled), copy.shape[1]), dtype=np.float16)
        matrix[target] = copy[source]
        filled[target] = True
    wanted = {
        sentence_id(ids[row], n): int(starts[row]) + n for row in np.flatnonzero(~kept) for n in range(counts[row])
    }  # sentence id -> its row in the copy
    read = 0
    for got, vectors in store.sentences_by_id(list(wanted)):
        if matrix is None:
            matrix = np.zeros((len(filled), vectors.shape[1]), dtype=np.float16)
        place = [wanted[i] for i in got]
        matrix[place] = vectors
        filled[place] = True
        read += len(got)
    held = np.bincount(np.repeat(np.arange(len(ids)), counts)[filled], minlength=len(ids))  # a store may lack some
    np.save(folder / _SENTENCES, matrix[filled] if matrix is not None else np.zeros((0, 0), dtype=np.float16))
    np.save(folder / _SENTENCE_STARTS, np.concatenate([[0], np.cumsum(held)]).astype(np.int64))
    np.save(folder / _TEXT_HASHES, hashes)
    return int(filled.sum()), read


class KeywordIndex:
    """BM25 over every chunk in one collection; ``search`` returns chunk ids with their scores."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._loaded = _NOT_LOADED
        self._loaded_from: tuple[int, int, int] | None = None  # the saved index file it was read from or written as
        self._checked: tuple[Any, ...] | None = None  # the store's and the saved index's marks when last found current

    def rebuild(self, store: ArticleStore) -> None:
        """Index every chunk in the store and save it atomically (a reader never sees a half-written index)."""
        started = time.perf_counter()
        chunks = store.all_chunks()
        model = _bm25s().BM25()
        words, by_sentence = _tokenized(chunks)
        if chunks:
            model.index(words, show_progress=False)
        staging = self.folder.with_name(self.folder.name + ".new")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        if chunks:
            model.save(str(staging), show_progress=False)
        _save_sentence_words(by_sentence, model.vocab_dict if chunks else {}, staging)
        meta = {
            "ids": [c.chunk_id for c in chunks],
            "sources": [c.source for c in chunks],
            "published_ts": [c.published_ts for c in chunks],
        }
        counts = np.array([len(each) for each in by_sentence], dtype=np.int64)
        sentences, read = _save_sentences(store, meta["ids"], counts, _text_hashes(chunks), staging, self.folder)
        (staging / _META).write_text(json.dumps(meta), encoding="utf-8")
        old = self.folder.with_name(self.folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.folder.exists():
            self.folder.rename(old)
        staging.rename(self.folder)
        shutil.rmtree(old, ignore_errors=True)
        self._loaded = _Loaded.of(model if chunks else None, meta, self.folder)
        self._loaded_from = self._saved_mark()
        log.info("keyword index: %d chunks indexed, %d sentence vectors copied (%d read from the store), in %.1fs",
                 len(chunks), sentences, read, time.perf_counter() - started)

    def ensure_current(self, store: ArticleStore) -> None:
        """Load the saved index, rebuilding it if it is missing or holds a different number of chunks than the store
        (e.g. a store filled by an older version, or by another machine through a Chroma server), and reloading it
        when another process saved a new one (a re-ingested article whose text changed but not its number of
        chunks). The store is counted only when its files or the saved index changed since the last check
        (``write_mark``): a count is a sixth of a question's retrieval time at 100k chunks."""
        mark = (store.write_mark(), self._saved_mark())
        if self._loaded is not _NOT_LOADED and mark[0] is not None and mark == self._checked:
            return
        self._load_current(store)
        self._checked = (mark[0], self._saved_mark())

    def _saved_mark(self) -> tuple[int, int, int] | None:
        """The saved index's identity: a rebuild writes a new file (``rebuild`` renames a fresh folder in)."""
        try:
            st = (self.folder / _META).stat()
        except OSError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def _load_current(self, store: ArticleStore) -> None:
        count = store.count()
        loaded = self._loaded
        saved_mark = self._saved_mark()
        if loaded is not _NOT_LOADED and len(loaded.chunks.ids) == count and saved_mark == self._loaded_from:
            return
        if saved_mark is not None:
            saved = json.loads((self.folder / _META).read_text(encoding="utf-8"))
            ids = saved.get("ids", [])
            current = len(ids) == count and len(saved.get("published_ts", [])) == count
            if current and all((self.folder / name).exists() for name in _ARRAYS):  # else saved by an older version
                model = _bm25s().BM25.load(str(self.folder), show_progress=False) if ids else None
                self._loaded = _Loaded.of(model, saved, self.folder)
                self._loaded_from = saved_mark
                return
        self.rebuild(store)

    def sources(self) -> set[str]:
        return set(self._loaded.chunks.source_names)

    def newest(self) -> int | None:
        """Publication time of the newest dated chunk (epoch seconds)."""
        return self._loaded.chunks.newest

    def score_all(self, query: str) -> QueryScores | None:
        """Every chunk's BM25 score for ``query``; None when the index is empty or the query has no indexed word."""
        loaded = self._loaded
        if loaded.model is None or not loaded.chunks.ids:
            return None
        tokens = [t for t in tokenize([query])[0] if t in loaded.model.vocab_dict]
        if not tokens:
            return None
        return QueryScores(loaded.chunks, loaded.model.get_scores(tokens))

    def search(self, query: str, k: int, keep: RetrievalFilter | None = None) -> list[tuple[str, float]]:
        """Chunk ids and BM25 scores, best first; with ``keep``, only the chunks it allows."""
        scores = self.score_all(query)
        return scores.top(k, keep) if scores is not None else []

    def sentence_vectors(self, chunk_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The vectors of each of these chunks' sentences (a row a sentence); chunks without any (none stored, or
        not in the index) are left out."""
        loaded = self._loaded
        found = {}
        for chunk_id in chunk_ids:
            row = loaded.chunks.rows.get(chunk_id)
            if row is not None and loaded.sentence_starts[row + 1] > loaded.sentence_starts[row]:
                start, end = loaded.sentence_starts[row], loaded.sentence_starts[row + 1]
                found[chunk_id] = np.asarray(loaded.sentences[start:end], dtype=np.float32)
        return found

    def best_sentence_shares(self, queries: Sequence[dict[str, float]], chunk_ids: Sequence[str]) -> np.ndarray:
        """For each query (tokenized word -> weight) and chunk, the largest share of the query's total word weight
        that one of the chunk's sentences holds: one row per query; 0 for a chunk the index does not hold. Read
        from the words saved at the rebuild: tokenizing ~50 candidates' sentences at question time took ~17 ms."""
        loaded = self._loaded
        vocabulary = loaded.model.vocab_dict if loaded.model is not None else {}
        known = np.array(sorted({vocabulary[w] for query in queries for w in query if w in vocabulary}), dtype=np.int64)
        weights = np.zeros((len(known), len(queries)))  # query word (in ``known``'s order) x query
        for j, query in enumerate(queries):
            for word, weight in query.items():
                if word in vocabulary:
                    weights[np.searchsorted(known, vocabulary[word]), j] = weight
        shares = np.zeros((len(queries), len(chunk_ids)))
        found, ranges, firsts = [], [], []  # chunks with sentences; their sentences' word starts; where each begins
        gathered = 0
        for i, chunk_id in enumerate(chunk_ids):
            row = loaded.chunks.rows.get(chunk_id)
            first, last = (loaded.word_sentence_starts[row : row + 2] if row is not None else (0, 0))
            if last > first:
                found.append(i)
                firsts.append(gathered)
                ranges.append(loaded.word_starts[first : last + 1])
                gathered += last - first
        if found and len(known):
            counts = np.concatenate([np.diff(r) for r in ranges])  # words of each gathered sentence
            words = np.concatenate([loaded.words[r[0] : r[-1]] for r in ranges])
            sentence = np.repeat(np.arange(gathered), counts)
            place = np.minimum(np.searchsorted(known, words), len(known) - 1)
            hit = known[place] == words
            held = np.zeros((gathered, len(queries)))  # sentence x query: the weight of the query's words it holds
            np.add.at(held, sentence[hit], weights[place[hit]])
            shares[:, found] = np.maximum.reduceat(held, firsts, axis=0).T
        totals = np.array([sum(query.values()) for query in queries]).reshape(-1, 1)
        return np.divide(shares, totals, out=np.zeros_like(shares), where=totals > 0)

    def mentions(self, text: str) -> bool:
        """Some stored chunk has each of the text's words (not necessarily together): a name the collection never
        mentions is not; an empty index mentions nothing."""
        loaded = self._loaded
        tokens = tokenize([text])[0]
        return loaded.model is not None and bool(tokens) and all(t in loaded.model.vocab_dict for t in tokens)

    def rarity(self, words: Iterable[str]) -> dict[str, float]:
        """Inverse document frequency of each (tokenized) word over the indexed chunks; a word the index has never
        seen is as rare as a word in one chunk."""
        loaded = self._loaded
        total = max(len(loaded.chunks.ids), 1)
        weights = {}
        for word in words:
            column = loaded.model.vocab_dict.get(word, -1) if loaded.model is not None else -1
            known = 0 <= column < len(loaded.document_frequency)
            frequency = int(loaded.document_frequency[column]) if known else 1
            weights[word] = math.log((total + 1) / (max(frequency, 1) + 0.5))
        return weights
