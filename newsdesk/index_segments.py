"""The keyword index on disk: immutable segments listed by a manifest, so an ingest adds what it changed instead of
re-indexing the store.

A segment holds some chunks' words (vocabulary columns with their counts, not scores: BM25 weights depend on the
whole collection and are computed when the segments are read), their text hashes, their sentences' vectors (float16)
and their sentences' words. A segment also names the articles it replaces: rows of those articles in earlier
segments are dead. The manifest (``index.json``, replaced atomically) lists the segments in order; the vocabulary
is the concatenation of the words each segment added, so a word keeps its column for as long as the index lives.
A merge writes the live rows of every segment as one and keeps the vocabulary, so nothing needs renumbering.
"""

from __future__ import annotations

import json
import os
import shutil
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from newsdesk.articles import article_of

MANIFEST = "index.json"
FORMAT = 3  # 3: each chunk's story id in the segment's chunks.json
SEGMENTS = "segments"
_META = "chunks.json"
# arrays of a segment; "starts" arrays have one entry more than the rows they delimit
_ARRAYS = (
    "hashes",  # each chunk's text hash: a rebuild keeps an unchanged chunk's sentence vectors
    "terms", "term_counts", "term_starts",  # chunk row i's distinct words (columns) and their counts
    "sentences", "sentence_starts",  # chunk row i's sentence vectors (float16)
    "sentence_words", "sentence_word_starts",  # sentence j's distinct words
    "sentence_word_chunk_starts",  # chunk row i's sentences, as rows of sentence_word_starts
)
_BY_ROWS = frozenset({"sentences", "sentence_words"})  # the large ones, read a few rows at a time (``RowFile``)
READ_GAP = 64  # rows between two rows asked for that are read (and dropped) rather than read apart
GATHER_ROWS = 65536  # rows copied at a time when a merge writes gathered rows (48 MB of sentence vectors)


@dataclass(frozen=True)
class Segment:
    """One immutable batch of indexed chunks (see the module docstring)."""

    name: str
    ids: list[str]
    sources: list[str]
    published_ts: list[int | None]
    story_ids: list[str]  # the story each chunk's article belongs to (``Chunk.story_id``; "": none recorded)
    replaces: list[str]  # article ids whose rows in earlier segments this segment supersedes
    words: list[str]  # the vocabulary words this segment added, in column order
    arrays: dict[str, Any]  # numpy arrays; a merge's sentence vectors are ``GatheredRows`` until written

    def __getattr__(self, name: str) -> np.ndarray:
        try:
            return self.__dict__["arrays"][name]
        except KeyError:
            raise AttributeError(name) from None


class RowFile:
    """A saved array (``.npy``) read a few rows at a time with ``os.pread``, not mapped into memory: a question
    reads the sentence rows of ~50 chunks scattered over the file, and a memory map holds ~640 kB of the file in
    the process for each row read (the page cache's large folios are mapped whole): 0.9 GB of RSS after 100
    questions at 100k chunks, for rows of a few MB. The file stays readable while this is open, even after a merge
    deletes it."""

    def __init__(self, path: Path) -> None:
        with open(path, "rb") as f:
            major, _ = np.lib.format.read_magic(f)
            read_header = np.lib.format.read_array_header_1_0 if major == 1 else np.lib.format.read_array_header_2_0
            shape, fortran_order, dtype = read_header(f)
            self._offset = f.tell()
        if fortran_order:
            raise ValueError(f"{path}: saved in Fortran order, which an index segment never is")
        self.shape: tuple[int, ...] = tuple(shape)
        self.dtype = np.dtype(dtype)
        self._row_bytes = self.dtype.itemsize * int(np.prod(self.shape[1:], dtype=np.int64))
        self._fd = os.open(path, os.O_RDONLY)
        weakref.finalize(self, os.close, self._fd)

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, index: slice | Sequence[int] | np.ndarray) -> np.ndarray:
        """Rows ``start:stop``, or the rows listed, in the order listed."""
        if isinstance(index, slice):
            start, stop, step = index.indices(self.shape[0])
            if step != 1:
                raise IndexError("RowFile reads consecutive rows only")
            return self._rows(start, stop)
        rows = np.asarray(index, dtype=np.int64)
        order = np.argsort(rows, kind="stable")
        ordered = rows[order]
        # one read per cluster of rows: a new one past a gap of READ_GAP rows, or at a multiple of GATHER_ROWS, so a
        # read never holds more than GATHER_ROWS rows (a rebuild asks for millions of rows at once)
        bounds = np.flatnonzero((np.diff(ordered) > READ_GAP) | (np.diff(ordered // GATHER_ROWS) != 0)) + 1
        bounds = np.concatenate([[0], bounds, [len(ordered)]]) if len(ordered) else np.zeros(1, dtype=np.int64)
        out = np.empty((len(rows), *self.shape[1:]), dtype=self.dtype)
        for begin, end in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
            first = int(ordered[begin])
            out[order[begin:end]] = self._rows(first, int(ordered[end - 1]) + 1)[ordered[begin:end] - first]
        return out

    def _rows(self, start: int, stop: int) -> np.ndarray:
        wanted = max(stop - start, 0) * self._row_bytes
        data = bytearray()
        while len(data) < wanted:  # one pread returns at most ~2 GB
            got = os.pread(self._fd, wanted - len(data), self._offset + start * self._row_bytes + len(data))
            if not got:
                raise OSError(f"index segment file ends before row {stop}")
            data += got
        return np.frombuffer(data, dtype=self.dtype).reshape(max(stop - start, 0), *self.shape[1:])


@dataclass(frozen=True)
class GatheredRows:
    """Rows of other arrays (saved files), gathered only as they are written: a merge at 10^6 chunks would
    otherwise hold every sentence vector, 7.2 GB of float16, twice in memory."""

    parts: list[tuple[RowFile | np.ndarray, np.ndarray]]  # (an array, which of its rows), in order
    width: int
    dtype: Any

    def save(self, path: Path) -> None:
        rows = sum(len(taken) for _, taken in self.parts)
        shape = (rows, self.width) if rows else (0, 0)
        header = {"descr": np.lib.format.dtype_to_descr(np.dtype(self.dtype)), "fortran_order": False, "shape": shape}
        with open(path, "wb") as out:
            np.lib.format.write_array_header_2_0(out, header)
            for array, taken in self.parts:
                for start in range(0, len(taken), GATHER_ROWS):
                    out.write(np.ascontiguousarray(array[taken[start : start + GATHER_ROWS]], dtype=self.dtype).data)


def starts_of(lengths: np.ndarray) -> np.ndarray:
    """Where each of consecutive ranges of these lengths begins, and one entry more: where the last ends."""
    return np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)


def ragged_take(begins: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The element positions of the ranges begins[i]:ends[i], one range after another, and where each begins in
    that list (one entry more than the ranges): gathering rows of a ragged array without a Python loop."""
    lengths = np.asarray(ends, dtype=np.int64) - np.asarray(begins, dtype=np.int64)
    starts = starts_of(lengths)
    positions = np.repeat(np.asarray(begins, dtype=np.int64) - starts[:-1], lengths) + np.arange(starts[-1])
    return positions, starts


def write_segment(folder: Path, segment: Segment) -> None:
    """Save a segment under ``folder``/segments, complete before its name appears (a staging folder renamed)."""
    target = folder / SEGMENTS / segment.name
    staging = target.with_name(segment.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for name in _ARRAYS:
        value = segment.arrays[name]
        value.save(staging / f"{name}.npy") if isinstance(value, GatheredRows) else np.save(staging / f"{name}.npy", value)
    meta = {"ids": segment.ids, "sources": segment.sources, "published_ts": segment.published_ts,
            "story_ids": segment.story_ids, "replaces": segment.replaces, "words": segment.words}
    (staging / _META).write_text(json.dumps(meta), encoding="utf-8")
    staging.rename(target)


def read_segment(folder: Path, name: str) -> Segment:
    path = folder / SEGMENTS / name
    meta = json.loads((path / _META).read_text(encoding="utf-8"))
    arrays = {n: RowFile(path / f"{n}.npy") if n in _BY_ROWS else np.load(path / f"{n}.npy") for n in _ARRAYS}
    return Segment(name, meta["ids"], meta["sources"], meta["published_ts"], meta["story_ids"], meta["replaces"],
                   meta["words"], arrays)


def read_manifest(folder: Path) -> list[str] | None:
    """The segment names, oldest first; None when there is no index here in this format (none yet, or an older
    layout that must be rebuilt)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return list(manifest["segments"]) if manifest.get("format") == FORMAT else None


def write_manifest(folder: Path, names: Sequence[str]) -> None:
    staging = folder / (MANIFEST + ".new")
    staging.write_text(json.dumps({"format": FORMAT, "segments": list(names)}), encoding="utf-8")
    os.replace(staging, folder / MANIFEST)


def next_name(names: Sequence[str]) -> str:
    return f"{max((int(n) for n in names), default=0) + 1:08d}"


def drop_unlisted(folder: Path, names: Sequence[str]) -> None:
    """Delete segment folders the manifest no longer lists (merged, or left by a run that stopped half-way). A
    reader that opened them keeps its open files; one that read the old manifest and finds a folder gone reads
    the manifest again (``KeywordIndex``)."""
    keep = set(names)
    for path in (folder / SEGMENTS).iterdir() if (folder / SEGMENTS).exists() else ():
        if path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)


def live_rows(segments: Sequence[Segment]) -> list[np.ndarray]:
    """Each segment's rows that no later segment replaces."""
    replaced: set[str] = set()
    live = []
    for segment in reversed(segments):
        alive = np.fromiter((article_of(i) not in replaced for i in segment.ids), dtype=bool, count=len(segment.ids))
        live.append(np.flatnonzero(alive))
        replaced.update(segment.replaces)
    return live[::-1]


def merged(segments: Sequence[Segment], name: str) -> Segment:
    """The live rows of all segments as one segment, in segment order, with the whole vocabulary kept (columns do
    not move, so nothing is renumbered)."""
    live = live_rows(segments)
    parts: dict[str, list[Any]] = {key: [] for key in ("ids", "sources", "published_ts", "story_ids")}
    arrays: dict[str, list[Any]] = {key: [] for key in _ARRAYS}
    for segment, rows in zip(segments, live):
        for key in parts:
            values = getattr(segment, key)
            parts[key].extend(values[r] for r in rows)
        for key, value in _taken_rows(segment, rows).items():
            arrays[key].append(value)
    joined = {key: _joined(key, values) for key, values in arrays.items()}
    return Segment(name, parts["ids"], parts["sources"], parts["published_ts"], parts["story_ids"], [],
                   [w for s in segments for w in s.words], joined)


def _taken_rows(segment: Segment, rows: np.ndarray) -> dict[str, Any]:
    """These chunk rows of a segment (ascending, as ``live_rows`` gives them), every array cut to them (starts
    arrays begin at 0); the sentence vectors as the array and its rows, copied when written (``GatheredRows``).
    The word arrays are cut with masks, not lists of positions: at 10^6 chunks (~90M chunk-word pairs) eight-byte
    positions and their temporaries made a merge hold ~6 GB."""
    s = segment
    alive = np.zeros(len(s.ids), dtype=bool)
    alive[rows] = True
    term_counts = np.diff(s.term_starts)
    pairs = np.repeat(alive, term_counts)
    sentence_counts = np.diff(s.sentence_word_chunk_starts)
    sentences = np.repeat(alive, sentence_counts)
    word_counts = np.diff(s.sentence_word_starts)
    vectors, sentence_starts = ragged_take(s.sentence_starts[rows], s.sentence_starts[rows + 1])
    return {
        "hashes": s.hashes[rows], "terms": s.terms[pairs], "term_counts": s.term_counts[pairs],
        "term_starts": starts_of(term_counts[rows]), "sentences": (s.sentences, vectors),
        "sentence_starts": sentence_starts,
        "sentence_words": _masked(s.sentence_words, np.repeat(sentences, word_counts)),
        "sentence_word_starts": starts_of(word_counts[sentences]),
        "sentence_word_chunk_starts": starts_of(sentence_counts[rows]),
    }


def _masked(rows: RowFile | np.ndarray, keep: np.ndarray) -> np.ndarray:
    """The rows ``keep`` marks, read ``GATHER_ROWS`` at a time."""
    out = np.empty((int(keep.sum()), *rows.shape[1:]), dtype=rows.dtype)
    at = 0
    for start in range(0, len(keep), GATHER_ROWS):
        kept = rows[start : start + GATHER_ROWS][keep[start : start + GATHER_ROWS]]
        out[at : at + len(kept)] = kept
        at += len(kept)
    return out


def _joined(key: str, values: list[Any]) -> Any:
    """Arrays of consecutive row batches as one; a starts array continues from where the previous one ended."""
    if key == "sentences":  # a batch that had no sentence vectors is saved as 0 x 0
        parts = [(array, rows) for array, rows in values if array.shape[1] and len(rows)]
        return GatheredRows(parts, parts[0][0].shape[1] if parts else 0, np.float16)
    if not key.endswith("starts"):
        return np.concatenate(values) if values else np.zeros(0)
    joined, offset = [np.zeros(1, dtype=np.int64)], 0
    for value in values:
        joined.append(value[1:] + offset)
        offset += int(value[-1])
    return np.concatenate(joined)
