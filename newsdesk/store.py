"""The Chroma store of article chunks: one factory decides embedded-on-disk or a Chroma server."""

from __future__ import annotations

import base64
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np

from newsdesk import failpoints
from newsdesk.articles import Chunk
from newsdesk.settings import Settings

log = logging.getLogger(__name__)

PAGE = 5000  # chunks per read when the whole collection is read
ARTICLES_A_READ = 300  # articles whose chunks one read selects: their chunks mostly fit one page
SENTENCES = "-sentences"  # the sentence collection's name: the chunk collection's, and this
SENTENCE_MARK = "@"  # a sentence's id: its chunk's id, this, and its number in the chunk
KEPT = "newsdesk:sentences"  # the chunk collection's record of where its sentence vectors are kept
BESIDE = "beside-chunks"  # ...in each chunk's metadata (``VECTORS``), with no collection of their own
VECTORS = "sentence_vectors"  # a chunk's sentence vectors there: float16 rows, little-endian, base64


def sentence_id(chunk_id: str, number: int) -> str:
    """The id of a chunk's sentence (``number`` from 0, as ``split_sentences`` gives them)."""
    return f"{chunk_id}{SENTENCE_MARK}{number}"


def chunk_of_sentence(sentence: str) -> str:
    """The chunk a stored sentence's id (``sentence_id``) belongs to."""
    return sentence.rsplit(SENTENCE_MARK, 1)[0]


def _packed(vectors: Sequence[Sequence[float]]) -> str:
    return base64.b64encode(np.asarray(vectors, dtype="<f2").tobytes()).decode("ascii")


def _stacked(blocks: list[np.ndarray]) -> np.ndarray:
    filled = [b for b in blocks if len(b)]
    return np.concatenate(filled) if filled else np.zeros((0, 0), dtype=np.float32)


def _unpacked(meta: dict[str, Any]) -> np.ndarray:
    """A chunk's sentence vectors from its metadata (none: zero rows)."""
    rows = int(meta.get("sentences", 0))
    if not rows:
        return np.zeros((0, 0), dtype=np.float32)
    return np.frombuffer(base64.b64decode(str(meta[VECTORS])), dtype="<f2").reshape(rows, -1).astype(np.float32)


class StoreError(RuntimeError):
    """The store cannot be opened or used; the message says which store and what to do."""


@dataclass(frozen=True)
class ScoredChunk:
    chunk: Chunk
    score: float  # cosine similarity, higher is closer


@dataclass(frozen=True)
class StoredArticle:
    article_id: str
    title: str
    source: str
    published_at: str
    url: str
    chunks: int


@dataclass(frozen=True)
class ArticleToStore:
    """One article as ``ArticleStore.write_articles`` stores it: its chunks with their vectors, and each chunk's
    sentence vectors."""

    chunks: Sequence[Chunk]
    embeddings: Sequence[Sequence[float]]  # one a chunk
    content_hash: str  # the version that marks the article as stored
    published_ts: int | None
    sentence_embeddings: Sequence[Sequence[Sequence[float]]]  # each chunk's, one a sentence
    signature: str = ""  # near-duplicate signature (``ingest.near_duplicates``)
    # False where the store holds no chunk of this article (the ingest read its versions first): no older chunk
    # can be left over, so none is looked for (a delete costs ~100 ms at 100k chunks whatever it matches).
    may_be_stored: bool = True


def _chunk_from(text: str, meta: dict[str, Any]) -> Chunk:
    return Chunk(
        article_id=str(meta.get("article_id", "")),
        index=int(meta.get("chunk_index", 0)),
        text=text,
        title=str(meta.get("title", "")),
        source=str(meta.get("source", "")),
        published_at=str(meta.get("published_at", "")),
        url=str(meta.get("url", "")),
        author=str(meta.get("author", "")),
        published_ts=int(meta["published_ts"]) if meta.get("published_ts") is not None else None,
        story_id=str(meta.get("story_id", "")),
    )


class ArticleStore:
    """Chunks with their article metadata; a chunk's article is current when every chunk carries its hash."""

    def __init__(self, collection: Any, sentences: Any | None, location: str, folder: Path | None,
                 max_batch: int) -> None:
        self._collection = collection
        self._sentences = sentences  # each chunk's sentences, embedded alone (see ``write_articles``); None: beside
        self.location = location
        self._folder = folder  # the embedded store's files; None for a server
        self._max_batch = max_batch  # the most records Chroma takes in one write (its client says)
        self._listed: tuple[object, list[StoredArticle]] | None = None  # ``articles``, and the store's mark then

    def write_mark(self) -> tuple[tuple[str, int, int], ...] | None:
        """A mark that changes whenever the embedded store is written (its files' names, sizes and times: a few
        microseconds, where ``count`` takes ~13 ms at 100k chunks); None for a server, whose writes only ``count``
        shows. Reads leave it as it is."""
        if self._folder is None:
            return None
        with os.scandir(self._folder) as entries:
            return tuple(sorted((e.name, (st := e.stat()).st_size, st.st_mtime_ns) for e in entries if e.is_file()))

    def _pages(self, include: list[str], where: dict[str, Any] | None = None) -> Iterator[dict[str, list[Any]]]:
        """The whole collection (or what ``where`` selects), a page at a time: one get() of everything fails past
        ~30k chunks in embedded Chroma ("too many SQL variables"). Sentence vectors kept beside their chunks are
        dropped from the metadata read: at 10^6 chunks they are ~9 GB of base64, and only ``sentence_pages`` and
        ``sentences_by_id`` use them."""
        offset = 0
        while True:
            got = self._collection.get(where=where, include=include, limit=PAGE, offset=offset)
            page = {key: list(got[key]) if got[key] is not None else [] for key in ("ids", *include)}
            for meta in page.get("metadatas", []):
                meta.pop(VECTORS, None)
            yield page
            if len(page["ids"]) < PAGE:
                return
            offset += PAGE

    def _get_all(self, include: list[str], where: dict[str, Any] | None = None) -> dict[str, list[Any]]:
        """``_pages`` joined: for reads whose result is needed whole."""
        pages: dict[str, list[Any]] = {"ids": [], **{key: [] for key in include}}
        for page in self._pages(include, where):
            for key in pages:
                pages[key].extend(page[key])
        return pages

    def _all_metadata(self) -> Iterator[dict[str, Any]]:
        """Every chunk's metadata (without sentence vectors), one at a time, never all held."""
        for page in self._pages(["metadatas"]):
            yield from page["metadatas"]

    def count(self) -> int:
        return int(self._collection.count())

    @property
    def searches_sentences(self) -> bool:
        """Whether sentences can be searched by vector (``nearest_sentences``): only where they have a collection."""
        return self._sentences is not None

    def sentence_count(self) -> int:
        if self._sentences is not None:
            return int(self._sentences.count())
        return sum(int(m.get("sentences", 0)) for m in self._all_metadata())

    def article_versions(self, article_ids: Sequence[str]) -> dict[str, str | None]:
        """The content hash of each of these articles that is stored, or None where its chunks are incomplete or
        mixed (a run was killed half-way); articles not stored are left out. Read by chunk id, so an ingest pays
        for the articles it is given, not for the store (every chunk's metadata takes 203 s to read at 10^6
        chunks): an article's chunks are numbered from 0 and each says how many there are, so its first chunk
        says which ids to read, and a chunk just past the end is one an older, longer version left behind."""
        firsts = self._metadata_by_id([f"{a}#0" for a in dict.fromkeys(article_ids)])
        counts = {str(m["article_id"]): int(m.get("chunk_count") or 0) for m in firsts.values()}
        chunks = self._metadata_by_id([f"{a}#{i}" for a, count in counts.items() for i in range(count + 1)])
        versions: dict[str, str | None] = {}
        for article_id, count in counts.items():
            metas = [chunks.get(f"{article_id}#{i}") for i in range(count + 1)]
            hashes = {m.get("content_hash") for m in metas[:count] if m is not None}
            complete = count > 0 and None not in metas[:count] and metas[count] is None and len(hashes) == 1
            versions[article_id] = str(hashes.pop()) if complete else None
        return versions

    def _metadata_by_id(self, chunk_ids: list[str]) -> dict[str, dict[str, Any]]:
        """These chunks' metadata (without sentence vectors), by chunk id; ids not stored are left out."""
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(chunk_ids), PAGE):
            got = self._collection.get(ids=chunk_ids[start : start + PAGE], include=["metadatas"])
            for chunk_id, meta in zip(got["ids"], got["metadatas"]):
                meta.pop(VECTORS, None)
                found[chunk_id] = meta
        return found

    def article_signatures(self) -> dict[str, tuple[str, str]]:
        """Each stored article's story id and near-duplicate signature, as ``write_articles`` stored them (articles
        stored without one are left out): read from first chunks only."""
        return {
            str(m["article_id"]): (str(m.get("story_id", "")), str(m["signature"]))
            for m in self._first_chunks_metadata() if m.get("signature")
        }

    def _first_chunks_metadata(self) -> list[dict[str, Any]]:
        """Each article's first chunk's metadata: what describes the article, one chunk an article read."""
        return self._get_all(["metadatas"], where={"chunk_index": 0})["metadatas"] or []

    def first_chunks(self, since_ts: int | None, until_ts: int | None) -> list[tuple[Chunk, np.ndarray]]:
        """The first chunk of every article published in [since_ts, until_ts) (None: open), with its vector: what
        a digest groups and summarises (a news article's first chunk carries its lead)."""
        clauses: list[dict[str, Any]] = [{"chunk_index": 0}]
        if since_ts is not None:
            clauses.append({"published_ts": {"$gte": since_ts}})
        if until_ts is not None:
            clauses.append({"published_ts": {"$lt": until_ts}})
        where = clauses[0] if len(clauses) == 1 else {"$and": clauses}
        got = self._get_all(["documents", "metadatas", "embeddings"], where=where)
        return [(_chunk_from(text, meta), np.asarray(vector, dtype=np.float32))
                for text, meta, vector in zip(got["documents"], got["metadatas"], got["embeddings"])]

    def write_articles(self, articles: Sequence[ArticleToStore]) -> None:
        """Store articles' chunks, replacing any older version of each (upsert, then drop leftover chunks of those
        that ``may_be_stored``), and the vectors of each chunk's sentences (``split_sentences`` of its text, in
        order): a news fact is one sentence, which a question's clause finds more surely than the 256-piece chunk
        around it. A batch of articles is a few Chroma calls, not a few per article: each call costs ~40 ms
        embedded whatever it holds (7 chunks a call: 10 ms a chunk; 200: 1.9 ms).

        The sentences are written first, or with their chunk where the store keeps them beside it (no collection
        of their own to hold in memory): the chunks' content hash is what marks an article as stored, so a run
        killed in between leaves it to be written again. The chunks carry their story (``Chunk.story_id``); the
        first one carries the article's near-duplicate ``signature`` too (``ingest.near_duplicates``)."""
        articles = [a for a in articles if a.chunks]
        if not articles:
            return
        if self._sentences is not None:
            self._write_sentences(articles)
        ids, texts, vectors, metadatas = [], [], [], []
        for article in articles:
            for chunk, embedding, sentences in zip(article.chunks, article.embeddings, article.sentence_embeddings,
                                                   strict=True):
                ids.append(chunk.chunk_id)
                texts.append(chunk.text)
                vectors.append(embedding)
                metadatas.append(self._chunk_meta(chunk, article, sentences))
        for part in self._slices(len(ids)):
            self._collection.upsert(ids=ids[part], documents=texts[part],
                                    embeddings=np.asarray(vectors[part], dtype=np.float32), metadatas=metadatas[part])
        failpoints.reach("store-between-upsert-and-delete")
        leftovers = [{"$and": [{"article_id": a.chunks[0].article_id}, {"chunk_index": {"$gte": len(a.chunks)}}]}
                     for a in articles if a.may_be_stored]
        if leftovers:
            self._collection.delete(where=leftovers[0] if len(leftovers) == 1 else {"$or": leftovers})

    def _chunk_meta(self, chunk: Chunk, article: ArticleToStore, sentences: Sequence[Sequence[float]]
                    ) -> dict[str, Any]:
        meta: dict[str, Any] = {
            "article_id": chunk.article_id,
            "chunk_index": chunk.index,
            "chunk_count": len(article.chunks),
            "content_hash": article.content_hash,
            "title": chunk.title,
            "source": chunk.source,
            "published_at": chunk.published_at,
            "url": chunk.url,
            "author": chunk.author,
        }
        if chunk.story_id:
            meta["story_id"] = chunk.story_id
        if article.signature and chunk.index == 0:
            meta["signature"] = article.signature
        if article.published_ts is not None:
            meta["published_ts"] = article.published_ts
        if self._sentences is None:
            meta["sentences"] = len(sentences)
            if len(sentences):
                meta[VECTORS] = _packed(sentences)
        return meta

    def _write_sentences(self, articles: Sequence[ArticleToStore]) -> None:
        article_ids = [a.chunks[0].article_id for a in articles if a.may_be_stored]
        if article_ids:
            self._sentences.delete(where={"article_id": {"$in": article_ids}})
        sentence_ids, sentence_vectors, sentence_metas = [], [], []
        for article in articles:
            for chunk, vectors in zip(article.chunks, article.sentence_embeddings, strict=True):
                for number, vector in enumerate(vectors):
                    sentence_ids.append(sentence_id(chunk.chunk_id, number))
                    sentence_vectors.append(vector)
                    meta: dict[str, Any] = {"article_id": chunk.article_id, "chunk_id": chunk.chunk_id,
                                            "source": chunk.source}
                    if article.published_ts is not None:
                        meta["published_ts"] = article.published_ts
                    sentence_metas.append(meta)
        for part in self._slices(len(sentence_ids)):
            self._sentences.add(ids=sentence_ids[part], embeddings=np.asarray(sentence_vectors[part], dtype=np.float32),
                                metadatas=sentence_metas[part])

    def _slices(self, records: int) -> list[slice]:
        """Writes of at most Chroma's batch size (5,461 embedded): a large embedding batch brings ~9 sentences a
        chunk. A run killed between two of them leaves its articles incomplete or mixed, which
        ``article_versions`` reports as not stored."""
        return [slice(start, start + self._max_batch) for start in range(0, records, self._max_batch)]

    def remove_article(self, article_id: str) -> int:
        got = self._collection.get(where={"article_id": article_id}, include=[])
        if got["ids"]:
            self._collection.delete(ids=got["ids"])
        if self._sentences is not None:
            self._sentences.delete(where={"article_id": article_id})
        return len(got["ids"])

    def query(self, embedding: Sequence[float], k: int, where: dict[str, Any] | None = None) -> list[ScoredChunk]:
        if self.count() == 0:
            return []
        found = self._collection.query(
            query_embeddings=[list(embedding)],
            n_results=k,
            where=where,
            include=["documents", "metadatas", "distances"],
        )
        return [
            ScoredChunk(_chunk_from(text, meta), 1.0 - float(distance))
            for text, meta, distance in zip(found["documents"][0], found["metadatas"][0], found["distances"][0])
        ]

    def all_chunks(self) -> list[Chunk]:
        got = self._get_all(["documents", "metadatas"])
        return [_chunk_from(t, m) for t, m in zip(got["documents"], got["metadatas"])]

    def all_vectors(self) -> list[tuple[Chunk, list[float]]]:
        """Every chunk with its stored vector: copying a store this way needs no embedding model."""
        got = self._get_all(["documents", "metadatas", "embeddings"])
        return [(_chunk_from(t, m), list(v)) for t, m, v in zip(got["documents"], got["metadatas"], got["embeddings"])]

    def similar_chunks(self, chunk_ids: Sequence[str], embedding: Sequence[float]) -> list[tuple[Chunk, float]]:
        """The chunks with these ids and their cosine similarity to ``embedding`` (a normalised vector);
        ids no longer stored are left out."""
        if not chunk_ids:
            return []
        got = self._collection.get(ids=list(chunk_ids), include=["documents", "metadatas", "embeddings"])
        if not got["ids"]:
            return []
        cosines = np.asarray(got["embeddings"], dtype=np.float32) @ np.asarray(embedding, dtype=np.float32)
        return [
            (_chunk_from(text, meta), float(cosine))
            for text, meta, cosine in zip(got["documents"], got["metadatas"], cosines)
        ]

    def nearest_sentences(
        self, embeddings: Sequence[Sequence[float]], k: int, where: dict[str, Any] | None = None
    ) -> list[list[str]]:
        """For each vector, the chunks of its ``k`` nearest sentences, nearest first (a chunk once); none where the
        sentences have no collection (``searches_sentences``). The chunk is read from the sentence's id: fetching
        metadata costs Chroma ~55 µs a result."""
        if not embeddings or self._sentences is None:
            return [[] for _ in embeddings]
        found = self._sentences.query(
            query_embeddings=[list(e) for e in embeddings], n_results=k, where=where, include=[]
        )
        return [list(dict.fromkeys(chunk_of_sentence(i) for i in ids)) for ids in found["ids"]]

    def sentence_pages(self) -> Iterator[tuple[list[str], np.ndarray]]:
        """Every stored sentence vector with its chunk's id, a page at a time (``PAGE`` rows, or chunks)."""
        collection = self._sentences if self._sentences is not None else self._collection
        include = ["metadatas", "embeddings"] if self._sentences is not None else ["metadatas"]
        offset = 0
        while True:
            got = collection.get(include=include, limit=PAGE, offset=offset)
            if got["ids"] and self._sentences is not None:
                yield [str(m["chunk_id"]) for m in got["metadatas"]], np.asarray(got["embeddings"], dtype=np.float32)
            elif got["ids"]:
                rows = [(chunk_id, _unpacked(m)) for chunk_id, m in zip(got["ids"], got["metadatas"])]
                yield [c for c, vectors in rows for _ in vectors], _stacked([v for _, v in rows])
            if len(got["ids"]) < PAGE:
                return
            offset += PAGE

    def sentences_by_id(self, sentence_ids: Sequence[str]) -> Iterator[tuple[list[str], np.ndarray]]:
        """These sentences' vectors (ids not stored are left out), a page at a time: read by id, ~45 µs a vector at
        100k chunks, where paging through the whole collection with its metadata took ~250 µs."""
        if self._sentences is None:
            yield from self._sentences_beside(sentence_ids)
            return
        for start in range(0, len(sentence_ids), PAGE):
            got = self._sentences.get(ids=list(sentence_ids[start : start + PAGE]), include=["embeddings"])
            if got["ids"]:
                yield list(got["ids"]), np.asarray(got["embeddings"], dtype=np.float32)

    def _sentences_beside(self, sentence_ids: Sequence[str]) -> Iterator[tuple[list[str], np.ndarray]]:
        """``sentences_by_id`` where the vectors are kept in their chunks' metadata: each chunk read once."""
        wanted: dict[str, list[str]] = {}
        for sentence in sentence_ids:
            wanted.setdefault(chunk_of_sentence(sentence), []).append(sentence)
        chunk_ids = list(wanted)
        for start in range(0, len(chunk_ids), PAGE):
            got = self._collection.get(ids=chunk_ids[start : start + PAGE], include=["metadatas"])
            ids, rows = [], []
            for chunk_id, meta in zip(got["ids"], got["metadatas"]):
                vectors = _unpacked(meta)
                for sentence in wanted[chunk_id]:
                    number = int(sentence.rsplit(SENTENCE_MARK, 1)[1])
                    if number < len(vectors):
                        ids.append(sentence)
                        rows.append(vectors[number])
            if ids:
                yield ids, np.asarray(rows, dtype=np.float32)

    def chunks_of(self, article_id: str) -> list[Chunk]:
        return self.chunks_of_articles([article_id])

    def chunks_of_articles(self, article_ids: Sequence[str]) -> list[Chunk]:
        """The chunks of these articles, article by article in the order given, each in order. Asked for a few
        hundred articles at a time: Chroma scans its metadata for a where-filter (~26 ms at 100k chunks, whatever
        it selects), so one filter an article made an ingest's index update grow with the store."""
        by_article: dict[str, list[Chunk]] = {a: [] for a in article_ids}
        wanted = list(by_article)
        for start in range(0, len(wanted), ARTICLES_A_READ):
            group = wanted[start : start + ARTICLES_A_READ]
            where = {"article_id": group[0]} if len(group) == 1 else {"article_id": {"$in": group}}
            got = self._get_all(["documents", "metadatas"], where=where)
            for text, meta in zip(got["documents"], got["metadatas"]):
                chunk = _chunk_from(text, meta)
                by_article[chunk.article_id].append(chunk)
        return [c for a in wanted for c in sorted(by_article[a], key=lambda c: c.index)]

    def articles(self, reread: bool = False) -> list[StoredArticle]:
        """Every article as its first chunk describes it, with the number of chunks that chunk says it has, newest
        first: one chunk an article is read, not every chunk's metadata (217 s at 10^6 chunks, on each start of
        the web chat). The list is kept until the store changes (its files, or for a server its count), so a
        Library search does not read it again: ~20 s at 88k articles. ``reread`` reads it all the same (a server's
        article re-ingested with as many chunks as before leaves its count as it was)."""
        mark = self.write_mark() or self.count()
        if reread or self._listed is None or self._listed[0] != mark:
            listed = []
            for meta in self._first_chunks_metadata():
                c = _chunk_from("", meta)
                listed.append(StoredArticle(c.article_id, c.title, c.source, c.published_at, c.url,
                                            int(meta.get("chunk_count") or 0)))
            self._listed = (mark, sorted(listed, key=lambda a: (a.published_at, a.title), reverse=True))
        return list(self._listed[1])


def open_store(settings: Settings) -> ArticleStore:
    """The one place that decides which Chroma runs: a server when chroma_url is set, else embedded on disk.

    The collection is created without an embedding function, so Chroma never downloads its default model:
    Newsdesk always passes its own vectors.
    """
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    try:
        if settings.chroma_url:
            from urllib.parse import urlparse

            url = urlparse(settings.chroma_url)
            client = chromadb.HttpClient(
                host=url.hostname or "127.0.0.1",
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
            client.heartbeat()
            location = settings.chroma_url
        else:
            settings.chroma_path.mkdir(parents=True, exist_ok=True)
            client = chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)
            location = str(settings.chroma_path)
        kept = "collection" if settings.sentence_search else BESIDE
        collection = client.get_or_create_collection(
            name=settings.collection, embedding_function=None, metadata={"hnsw:space": "cosine", KEPT: kept}
        )
        stored = (collection.metadata or {}).get(KEPT, "collection")  # stores made before the choice: a collection
        sentences = None if stored == BESIDE else client.get_or_create_collection(
            name=f"{settings.collection}{SENTENCES}", embedding_function=None, metadata={"hnsw:space": "cosine"}
        )
    except Exception as exc:  # chromadb raises many unrelated types for "cannot reach / cannot open"
        where = settings.chroma_url or settings.chroma_path
        raise StoreError(f"cannot open the Chroma store at {where}: {exc}") from exc
    if stored != kept:
        log.warning("the store at %s keeps its sentence vectors %s, as it was made; sentence_search = %s applies to a "
                    "new store (another collection or data_dir, ingested again)", location,
                    "beside their chunks" if stored == BESIDE else "in a collection of their own",
                    str(settings.sentence_search).lower())
    return ArticleStore(collection, sentences, location, None if settings.chroma_url else settings.chroma_path,
                        client.get_max_batch_size())

