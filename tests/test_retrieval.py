"""Hybrid retrieval: the BM25 index beside the store, rank fusion, and the retriever over a real store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier

from newsdesk.ingest.pipeline import Ingestor
from newsdesk.ingest.sources import read_sources
from newsdesk.articles import Chunk
from newsdesk.embedding import MiniLMEmbedding
from newsdesk.keyword_index import KeywordIndex, _tokenized, tokenize
from newsdesk.sentences import split_sentences
from newsdesk.settings import load_settings
from newsdesk.store import ArticleStore, ArticleToStore, open_store
from newsdesk.qa.query_analysis import named_periods, named_sources, question_parts, source_aliases
from newsdesk.qa.reorder import (
    FEATURES, PERIOD_BONUS, TREE_PARTS, WEIGHTS, Trees, features, relevance, shipped_trees,
)
import newsdesk.qa.retrieval
from newsdesk.qa.retrieval import RRF_K, NewsRetriever, chunk_from_node, cover_named_sources, fuse
from newsdesk.filters import RetrievalFilter
from tests.conftest import SAMPLES, run_cli

ARTICLES = [
    '{"id": "storm", "title": "Storm closes harbour", "source": "Coast Times", "published_at": "2023-10-02T09:00:00Z", '
    '"text": "A storm closed the harbour at Port Ellen for three days."}',
    '{"id": "bridge", "title": "Bridge opens", "source": "Valley Gazette", "published_at": "2023-11-07T09:00:00Z", '
    '"text": "The new bridge in Dunmore opened to traffic on Tuesday, a day after the storm."}',
]


def test_fusion_adds_weighted_reciprocal_ranks() -> None:
    fused = dict(fuse([(1.0, ["a", "b"]), (0.5, ["b", "c"])]))
    assert fused["b"] == pytest.approx(1 / (RRF_K + 2) + 0.5 / (RRF_K + 1))
    assert fused["a"] == pytest.approx(1 / (RRF_K + 1))
    assert [i for i, _ in fuse([(1.0, ["a", "b"]), (0.5, ["b", "c"])])] == ["b", "a", "c"]


@pytest.fixture(params=[True], ids=["sentence-collection"])
def small_store(tmp_path: Path, request: pytest.FixtureRequest) -> tuple:
    settings = load_settings({"data_dir": tmp_path / "data", "sentence_search": request.param}, environ={})
    feed = tmp_path / "a.jsonl"
    feed.write_text("\n".join(ARTICLES) + "\n")
    store = open_store(settings)
    index = KeywordIndex(settings.keyword_index_path)
    Ingestor(store, MiniLMEmbedding(), 200, 30, index).ingest(read_sources([str(feed), str(SAMPLES)]))
    return settings, store, index


def test_keyword_index_is_rebuilt_on_ingest_and_found_by_a_new_reader(small_store: tuple) -> None:
    settings, store, index = small_store
    assert index.search("Dunmore bridge", 3)[0][0] == "bridge#0"
    reader = KeywordIndex(settings.keyword_index_path)
    reader.ensure_current(store)
    assert reader.search("Ned Price", 3)[0][0].startswith("seed-pakistan-us-partnership#")
    assert reader.search("zzz qqq", 3) == []


def test_keyword_index_follows_removal(small_store: tuple) -> None:
    settings, store, index = small_store
    store.remove_article("bridge")
    reader = KeywordIndex(settings.keyword_index_path)
    reader.ensure_current(store)  # count differs from the saved index: rebuilt
    assert all(not chunk_id.startswith("bridge#") for chunk_id, _ in reader.search("Dunmore bridge", 5))


@pytest.mark.parametrize("small_store", [True, False], ids=["sentence-collection", "beside-chunks"], indirect=True)
def test_each_chunks_sentences_are_stored_with_it_and_go_with_its_article(small_store: tuple, tmp_path: Path) -> None:
    """The sentence vectors the keyword index copies are the embeddings of each chunk's sentences, whether the store
    keeps them in a collection of their own or beside their chunk; re-ingesting changed text replaces them, removing
    an article removes them. Only a collection can be searched by vector."""
    settings, store, index = small_store
    embed = MiniLMEmbedding()
    assert store.sentence_count() == sum(len(split_sentences(c.text)) for c in store.all_chunks())
    stored = index.sentence_vectors(["bridge#0", "no-such#0"])
    assert list(stored) == ["bridge#0"]
    expected = np.array(embed.embed(split_sentences(store.chunks_of("bridge")[0].text)))
    assert stored["bridge#0"].shape == expected.shape
    assert np.allclose(stored["bridge#0"], expected, atol=1e-3)  # a float16 copy
    count = store.sentence_count()
    changed = tmp_path / "changed.jsonl"
    changed.write_text('{"id": "bridge", "title": "Bridge opens", "source": "Valley Gazette", "published_at": '
                       '"2023-11-07T09:00:00Z", "text": "The Kilbrannan bridge opened. Traffic crossed it at noon. '
                       'The ferry stopped."}\n')
    Ingestor(store, embed, 200, 30, index).ingest(read_sources([str(changed)]))
    assert len(index.sentence_vectors(["bridge#0"])["bridge#0"]) == 3 and store.sentence_count() == count + 2
    nearest = [["bridge#0"]] if settings.sentence_search else [[]]
    assert store.nearest_sentences(embed.embed(["When did traffic cross the Kilbrannan bridge?"]), 1) == nearest
    store.remove_article("bridge")
    reader = KeywordIndex(settings.keyword_index_path)
    reader.ensure_current(store)
    assert reader.sentence_vectors(["bridge#0"]) == {} and store.sentence_count() == count - 1
    assert sum(len(v) for v in reader.sentence_vectors([c.chunk_id for c in store.all_chunks()]).values()) == count - 1


def test_a_write_larger_than_chromas_batch_limit_is_stored_whole(tmp_path: Path) -> None:
    """A large embedding batch brings about nine sentences a chunk: 620 chunks of 9 are past embedded Chroma's
    5,461 records a write, and are stored all the same, every article complete."""
    store = open_store(load_settings({"data_dir": tmp_path / "data", "sentence_search": True}, environ={}))
    rng = np.random.default_rng(0)
    articles = [ArticleToStore([Chunk(f"a{n}", i, f"Text {n} {i}.", f"T{n}", "S", "2023-01-01", "") for i in range(4)],
                               rng.random((4, 384)), f"h{n}", None, rng.random((4, 9, 384)))
                for n in range(155)]
    store.write_articles(articles)
    assert store.count() == 620 and store.sentence_count() == 620 * 9 > 5461
    assert store.article_versions([f"a{n}" for n in range(156)]) == {f"a{n}": f"h{n}" for n in range(155)}


def test_reading_the_whole_store_holds_one_page_of_sentence_vectors_at_a_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where sentence vectors are kept beside their chunks, the metadata an ingest and the web chat read (stored
    versions, the article list, the sentence count) is read a page at a time without them: at 10^6 chunks they are
    ~9 GB of base64, which one read of all the metadata held at once."""
    import tracemalloc

    import newsdesk.store

    monkeypatch.setattr(newsdesk.store, "PAGE", 50)
    store = open_store(load_settings({"data_dir": tmp_path / "data", "sentence_search": False}, environ={}))
    rng = np.random.default_rng(0)
    store.write_articles([
        ArticleToStore([Chunk(f"a{n}", i, f"Text {n} {i}.", f"T{n}", "S", f"2023-01-{n % 28 + 1:02d}", "")
                        for i in range(4)], rng.random((4, 384)), f"h{n}", None, rng.random((4, 9, 384)))
        for n in range(155)])
    tracemalloc.start()
    versions = store.article_versions([f"a{n}" for n in range(155)])
    listed, sentences = store.articles(), store.sentence_count()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert versions == {f"a{n}": f"h{n}" for n in range(155)} and sentences == 620 * 9
    assert sorted(a.article_id for a in listed) == sorted(versions) and {a.chunks for a in listed} == {4}
    page = 50 * 9 * 384 * 2 * 4 / 3  # a page's sentence vectors, float16 in base64; the store holds 12.4 pages
    assert peak < 4 * page  # a page as Chroma hands it over and as read, never the whole store's


def test_leftover_chunks_are_looked_for_only_where_an_older_version_may_be_stored(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new article cannot leave older chunks behind, so its write deletes nothing (a delete costs ~100 ms at 100k
    chunks whatever it matches); an article written again with fewer chunks loses the ones past its end."""
    store = open_store(load_settings({"data_dir": tmp_path / "data"}, environ={}))
    rng = np.random.default_rng(0)

    def article(name: str, chunks: int, version: str, may_be_stored: bool) -> ArticleToStore:
        return ArticleToStore([Chunk(name, i, f"Text {name} {i}.", name, "S", "2023-01-01", "") for i in range(chunks)],
                              rng.random((chunks, 384)), version, None, rng.random((chunks, 2, 384)),
                              may_be_stored=may_be_stored)

    deletes: list[dict] = []
    delete = store._collection.delete
    monkeypatch.setattr(store._collection, "delete", lambda **asked: (deletes.append(asked), delete(**asked))[1])
    store.write_articles([article("a", 4, "h1", False), article("b", 3, "h1", False)])
    assert deletes == [] and store.count() == 7
    store.write_articles([article("a", 2, "h2", True)])
    assert len(deletes) == 1
    assert store.article_versions(["a", "b", "c"]) == {"a": "h2", "b": "h1"} and store.count() == 5


@pytest.mark.parametrize("small_store", [False], ids=["beside-chunks"], indirect=True)
def test_a_store_keeps_its_sentences_where_it_was_made_to(small_store: tuple, caplog: pytest.LogCaptureFixture) -> None:
    """A store made with its sentence vectors beside the chunks holds no sentence collection (no index of every
    sentence in memory), stays so when opened with other settings, and still answers retrieval, sentence features
    included."""
    settings, store, index = small_store
    import chromadb

    names = [c.name for c in chromadb.PersistentClient(path=str(settings.chroma_path)).list_collections()]
    assert names == [settings.collection]
    reopened = open_store(settings.replace(sentence_search=True))
    assert not reopened.searches_sentences and "keeps its sentence vectors beside their chunks" in caplog.text
    assert reopened.sentence_count() == sum(len(split_sentences(c.text)) for c in store.all_chunks())
    retriever = NewsRetriever(reopened, MiniLMEmbedding(), index, top_k=2, reorder_depth=30, trees=shipped_trees(),
                              article_expansion=6, sentence_expansion=6)
    found = [chunk_from_node(n).chunk_id for n in retriever.retrieve("When did the Dunmore bridge open to traffic?")]
    assert found[0] == "bridge#0"


def test_a_rebuild_reads_from_the_store_only_the_sentences_of_changed_chunks(
    small_store: tuple, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Re-reading every sentence vector at each ingest's rebuild took ~4 minutes at 100k chunks: an unchanged
    chunk's rows come from the previous index's copy, and the copy is what reading them all gives."""
    settings, store, index = small_store
    asked: list[str] = []
    reading = ArticleStore.sentences_by_id

    def spy(self: ArticleStore, sentence_ids: list[str]) -> Iterator[tuple[list[str], np.ndarray]]:
        asked.extend(sentence_ids)
        return reading(self, sentence_ids)

    monkeypatch.setattr(ArticleStore, "sentences_by_id", spy)
    feed = tmp_path / "more.jsonl"
    feed.write_text(
        '{"id": "bridge", "title": "Bridge opens", "source": "Valley Gazette", "published_at": "2023-11-07T09:00:00Z", '
        '"text": "The Kilbrannan bridge opened. Traffic crossed it at noon."}\n'
        '{"id": "quay", "title": "Quay mended", "source": "Coast Times", "published_at": "2023-11-08T09:00:00Z", '
        '"text": "Masons mended the quay. It reopened on Friday. Boats returned."}\n'
    )
    Ingestor(store, MiniLMEmbedding(), 200, 30, index).ingest(read_sources([str(feed)]))
    assert sorted(asked) == ["bridge#0@0", "bridge#0@1", "quay#0@0", "quay#0@1", "quay#0@2"]
    asked.clear()
    whole = KeywordIndex(tmp_path / "another-index")
    whole.rebuild(store)  # nothing saved there before: every sentence is read
    assert len(asked) == store.sentence_count()
    reader = KeywordIndex(settings.keyword_index_path)
    reader.ensure_current(store)
    ids = [c.chunk_id for c in store.all_chunks()]
    kept, read = reader.sentence_vectors(ids), whole.sentence_vectors(ids)
    assert sorted(kept) == sorted(read) == sorted(ids)
    assert all(np.array_equal(kept[i], read[i]) for i in ids)


def test_a_reader_counts_the_store_only_after_a_write(small_store: tuple, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Counting a 100k-chunk store takes ~13 ms a question; the index is rechecked only when the store's files
    changed, and then it still follows another writer (here an ingest through another index object)."""
    settings, store, index = small_store
    reader = KeywordIndex(settings.keyword_index_path)
    reader.ensure_current(store)
    counted: list[int] = []
    count = store.count
    monkeypatch.setattr(store, "count", lambda: counted.append(1) or count())
    reader.ensure_current(store)
    reader.ensure_current(store)
    assert counted == []
    later = tmp_path / "later.jsonl"
    later.write_text('{"id": "ferry", "title": "Ferry returns", "source": "Coast Times", "text": "The Kilbrannan '
                     'ferry returned to service on Friday."}\n')
    Ingestor(store, MiniLMEmbedding(), 200, 30, index).ingest(read_sources([str(later)]))
    counted.clear()
    reader.ensure_current(store)
    assert counted and reader.search("Kilbrannan ferry", 1)[0][0] == "ferry#0"


def test_a_reader_follows_another_writers_reingest_of_changed_text(small_store: tuple, tmp_path: Path) -> None:
    """A web chat's index must not keep an article's old words when another process re-ingests it with new text
    and the same number of chunks (the store's count alone does not move)."""
    settings, store, index = small_store
    reader = KeywordIndex(settings.keyword_index_path)
    reader.ensure_current(store)
    assert reader.search("Kilbrannan", 3) == []
    count = store.count()
    changed = tmp_path / "changed.jsonl"
    changed.write_text('{"id": "bridge", "title": "Bridge opens", "source": "Valley Gazette", "published_at": '
                       '"2023-11-07T09:00:00Z", "text": "The new Kilbrannan bridge opened to traffic on Tuesday."}\n')
    Ingestor(store, MiniLMEmbedding(), 200, 30, index).ingest(read_sources([str(changed)]))
    assert store.count() == count
    reader.ensure_current(store)
    assert reader.search("Kilbrannan", 3)[0][0] == "bridge#0"
    assert reader.search("Dunmore", 3) == []


def test_retriever_finds_names_the_embedding_misses(small_store: tuple) -> None:
    _, store, index = small_store
    retriever = NewsRetriever(store, MiniLMEmbedding(), index, top_k=2)
    first = retriever.retrieve("What did Ned Price say?")[0]
    assert "Ned Price" in chunk_from_node(first).text
    assert -1.0 <= first.node.metadata["similarity"] <= 1.0
    dense_only = NewsRetriever(store, MiniLMEmbedding(), index, top_k=4, keyword_weight=0.0, dense_weight=1.0)
    assert len(dense_only.retrieve("harbour storm")) == 4


def test_each_named_source_gets_evidence_first(small_store: tuple) -> None:
    _, store, index = small_store
    retriever = NewsRetriever(store, MiniLMEmbedding(), index, top_k=3, per_source=1)
    nodes = retriever.retrieve("Did the Coast Times and the Valley Gazette both report on Pakistan talks?")
    sources = [chunk_from_node(n).source for n in nodes]
    assert sources[:2] == ["Coast Times", "Valley Gazette"]  # keyword ranking alone puts the Pakistan article first
    assert sources[2] == "The Nation"


def test_source_names_and_short_forms_in_questions() -> None:
    aliases = source_aliases(["The Verge", "Cnbc | World Business News Leader", "FOX News - Health", "FOX News - Lifestyle"])
    assert named_sources("Did The Verge and CNBC agree?", aliases) == [{"The Verge"}, {"Cnbc | World Business News Leader"}]
    assert named_sources("What did Fox News report?", aliases) == [{"FOX News - Health", "FOX News - Lifestyle"}]
    assert named_sources("Nothing named here", aliases) == []


def test_days_named_in_questions() -> None:
    def days(question: str) -> list[tuple[int | None, int | None]]:
        return [(p.since, p.until) for p in named_periods(question)]

    assert days("the TechCrunch report published on October 7, 2023, and The Verge's on Oct. 28 2023") == [
        (1696636800, 1696723200), (1698451200, 1698537600)]
    assert days("on 7 November 2023, or 2023-12-01?") == [(1699315200, 1699401600), (1701388800, 1701475200)]
    assert days("June 31, 2023 or in 2023") == []  # no such day; a year alone is not a day


def test_months_sides_of_a_date_and_recent_spans_in_questions() -> None:
    asked = 1701428400  # 2023-12-01 11:00 UTC

    def read(question: str) -> list[dict]:
        return [p.as_json() for p in named_periods(question, asked)]

    october = {"said": "October 2023", "since": "2023-10-01", "until": "2023-10-31"}
    assert read("What happened in October 2023?") == [october]
    assert read("What changed after the report on Nov 5, 2023?") == [
        {"said": "Nov 5, 2023", "since": "2023-11-05", "until": "2023-11-05"},  # the report's own day
        {"said": "after the report on Nov 5, 2023", "since": "2023-11-06", "until": None},
    ]
    assert read("Anything before 2023-10-07?")[1] == {"said": "before 2023-10-07", "since": None, "until": "2023-10-06"}
    assert read("Any change since 2023-10-07?")[1] == {"said": "since 2023-10-07", "since": "2023-10-07", "until": None}
    week = {"since": "2023-11-25", "until": "2023-12-01"}
    assert read("What did Fortune say last week?") == [{"said": "last week", **week}]
    assert read("What is the latest news on the strike?") == [{"said": "latest news", **week}]
    assert read("What did Business Today | Latest Stock Market News report?") == []  # a source's name, not a time
    assert read("What did Fortune say last week?".replace("last week", "lately")) == []
    assert named_periods("What did Fortune say last week?") == []  # no moment to count back from
    assert read("What did the mayor say today?") == [{"said": "today", "since": "2023-12-01", "until": "2023-12-01"}]
    assert read("Yesterday, who won?") == [{"said": "yesterday", "since": "2023-11-30", "until": "2023-11-30"}]
    assert read("What did USA Today and Business Today report?") == []  # names, not days


@pytest.fixture
def reopened_store(small_store: tuple, tmp_path: Path) -> tuple:
    """The small store and a later Coast Times report: the harbour reopened on 2023-11-20."""
    settings, store, index = small_store
    later = tmp_path / "later.jsonl"
    later.write_text('{"id": "reopen", "title": "Harbour reopens", "source": "Coast Times", "published_at": '
                     '"2023-11-20T09:00:00Z", "text": "The harbour at Port Ellen reopened on Monday after repairs."}\n')
    Ingestor(store, MiniLMEmbedding(), 200, 30, index).ingest(read_sources([str(later)]))
    return settings, store, index


def test_a_period_without_a_source_picks_its_chunks_first(reopened_store: tuple) -> None:
    _, store, index = reopened_store
    asked = RetrievalFilter(as_of_ts=1700740800)  # 2023-11-23, three days after the reopening

    def first(question: str, keep: RetrievalFilter | None = asked) -> str:
        retriever = NewsRetriever(store, MiniLMEmbedding(), index, top_k=2, reorder_depth=30, keep=keep)
        return chunk_from_node(retriever.retrieve(question)[0]).article_id

    assert first("What closed the harbour at Port Ellen?") == "storm"
    for period in ("in November 2023", "last week", "after October 30, 2023"):
        assert first(f"What closed the harbour at Port Ellen {period}?") == "reopen", period
    # asked now, years later: "last week" is not the archive's last week
    assert first("What closed the harbour at Port Ellen last week?", None) == "storm"


def test_a_named_day_picks_that_days_report_first(reopened_store: tuple) -> None:
    _, store, index = reopened_store
    retriever = NewsRetriever(store, MiniLMEmbedding(), index, top_k=2, per_source=1)
    asked = "What did the Coast Times report {} say about the storm-hit harbour at Port Ellen?"
    first = chunk_from_node(retriever.retrieve(asked.format("on November 20, 2023"))[0])
    assert first.article_id == "reopen"
    assert chunk_from_node(retriever.retrieve(asked.format("in the autumn"))[0]).article_id == "storm"


def test_filters_restrict_keyword_and_dense_search(small_store: tuple) -> None:
    _, store, index = small_store
    november = RetrievalFilter(since_ts=1698796800)  # 2023-11-01
    for weights in ({"keyword_weight": 1.0, "dense_weight": 0.0}, {"keyword_weight": 0.0, "dense_weight": 1.0}):
        retriever = NewsRetriever(store, MiniLMEmbedding(), index, top_k=5, keep=november, **weights)
        assert {chunk_from_node(n).article_id for n in retriever.retrieve("storm")} == {"bridge"}
    coast = NewsRetriever(store, MiniLMEmbedding(), index, top_k=5, keep=RetrievalFilter(frozenset({"Coast Times"})))
    assert {chunk_from_node(n).source for n in coast.retrieve("storm bridge")} == {"Coast Times"}
    undated = RetrievalFilter(until_ts=1698796800)  # the sample article has no date: a date filter leaves it out
    assert "seed-pakistan-us-partnership" not in {
        chunk_from_node(n).article_id for n in NewsRetriever(store, MiniLMEmbedding(), index, 5, keep=undated).retrieve("Pakistan")
    }


def test_ask_filters_from_the_cli(seed_store: Path) -> None:
    result = run_cli("ask", "Who is visiting Pakistan and when?", "--json", "--source", "Daily Planet",
                     "--llm-gguf", "/nonexistent.gguf", data_dir=seed_store)
    assert result.code == 0 and result.json()["refused"] is True  # nothing from that source: refused, no model needed
    bad = run_cli("ask", "Anything?", "--since", "not a date", data_dir=seed_store)
    assert bad.code == 2 and "--since: unrecognised date 'not a date'" in bad.stderr
    dated = run_cli("ask", "Who is visiting Pakistan this week?", "--json", "--as-of", "July 1, 2022", "--source",
                    "Daily Planet", "--llm-gguf", "/nonexistent.gguf", data_dir=seed_store)
    assert dated.code == 0 and dated.json()["understood"]["periods"] == [
        {"said": "this week", "since": "2022-06-25", "until": "2022-07-01"}]
    assert "--as-of: unrecognised date" in run_cli("ask", "Anything?", "--as-of", "soon", data_dir=seed_store).stderr


@pytest.mark.parametrize("mode", ["embedded", "server"])
def test_the_article_list_is_read_again_only_once_the_store_has_changed(
        tmp_path: Path, mode: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Library search lists the articles: at 88k articles a read of them takes ~20 s, so it is read again only
    after a write or a removal, or when the reader asks to (Refresh)."""
    given: dict[str, object] = {"data_dir": tmp_path / "data", "sentence_search": False}
    if mode == "server":
        given.update(chroma_url=request.getfixturevalue("chroma_server"), collection=f"list-{tmp_path.name}"[:60])
    store = open_store(load_settings(given, environ={}))
    rng = np.random.default_rng(0)

    def article(n: int) -> ArticleToStore:
        return ArticleToStore([Chunk(f"a{n}", i, f"Text {n} {i}.", f"T{n}", "S", f"2023-01-{n + 1:02d}", "")
                               for i in range(2)], rng.random((2, 384)), f"h{n}", None, rng.random((2, 3, 384)))

    store.write_articles([article(n) for n in range(3)])
    reads: list[int] = []
    read = store._first_chunks_metadata
    monkeypatch.setattr(store, "_first_chunks_metadata", lambda: reads.append(1) or read())
    listed = store.articles()
    assert [a.article_id for a in listed] == ["a2", "a1", "a0"] and store.articles() == listed and len(reads) == 1
    store.write_articles([article(3)])
    assert [a.article_id for a in store.articles()] == ["a3", "a2", "a1", "a0"] and len(reads) == 2
    store.remove_article("a1")
    assert [a.article_id for a in store.articles()] == ["a3", "a2", "a0"] and len(reads) == 3
    store.articles()
    assert len(reads) == 3
    store.articles(reread=True)
    assert len(reads) == 4


def test_whole_store_reads_go_page_by_page(small_store: tuple, monkeypatch: pytest.MonkeyPatch) -> None:
    import newsdesk.store

    _, store, index = small_store
    everything = {c.chunk_id for c in store.all_chunks()}
    monkeypatch.setattr(newsdesk.store, "PAGE", 2)  # embedded Chroma refuses one read of ~30k+ chunks
    assert {c.chunk_id for c in store.all_chunks()} == everything and len(everything) == store.count() > 2
    assert len(store.all_vectors()) == store.count() and len(store.articles()) == 3
    index.rebuild(store)
    assert index.search("Dunmore bridge", 3)[0][0] == "bridge#0"


def test_best_sentence_share_rewards_one_sentence_holding_the_question(tmp_path: Path) -> None:
    """Read from the words of each sentence that the index saves at its rebuild, by the index a reader loads."""
    spread = "The ferry was late. Port Ellen was busy. Ellen said so. Nothing was cancelled yet."
    together = "Weather was poor. The ferry to Port Ellen was cancelled. Shops shut."
    feed = tmp_path / "a.jsonl"
    feed.write_text("".join(
        json.dumps({"id": name, "title": "Notes", "source": "Isle Post", "published_at": "2023-10-02T09:00:00Z",
                    "text": text}) + "\n"
        for name, text in [("spread", spread), ("together", together)]
    ))
    settings = load_settings({"data_dir": tmp_path / "data"}, environ={})
    store = open_store(settings)
    Ingestor(store, MiniLMEmbedding(), 200, 30, KeywordIndex(settings.keyword_index_path)).ingest(
        read_sources([str(feed)])
    )
    index = KeywordIndex(settings.keyword_index_path)
    index.ensure_current(store)
    weights = {"ferri": 2.0, "port": 1.0, "ellen": 3.0, "cancel": 2.0}
    clause = {"late": 1.0, "ferri": 1.0}
    unknown = {"zzz": 3.0, "ferri": 1.0}  # a word no chunk has still counts in the query's total
    shares = index.best_sentence_shares([weights, clause, {}, unknown], ["spread#0", "together#0", "gone#0"])
    # best of "spread" for the question: "Port Ellen was busy." holds port + ellen = 4 of the 8
    assert shares[0] == pytest.approx([0.5, 1.0, 0.0])  # a chunk the index does not hold: 0
    assert shares[1] == pytest.approx([1.0, 0.5, 0.0])  # "The ferry was late." holds all of the clause
    assert shares[2] == pytest.approx([0.0, 0.0, 0.0])  # a query with no indexed word holds nothing
    assert shares[3] == pytest.approx([0.25, 0.25, 0.0])
    assert index.search("notes", 1)  # the title is indexed ...
    assert index.best_sentence_shares([{"note": 1.0}], ["spread#0"])[0] == pytest.approx([0.0])  # ... no sentence


def test_tokenize_gives_the_words_bm25s_gives(small_store: tuple) -> None:
    """The index is built with our tokenizer and searched with it: it must agree with bm25s's own (which it
    replaces for speed) on real chunks, questions and the awkward cases."""
    import bm25s
    import Stemmer

    chunks = small_store[1].all_chunks()
    whole = [f"{c.title}\n{c.source}\n{c.text}" for c in chunks]
    texts = whole + [
        "Who is visiting Pakistan and when?", "", "I'm naïve: the café's ÉCOLE sold 1,200 U.S. shares at $3.5",
        "don't won't the and of", "Bankman-Fried's FTX_2 e-mail", "日本語 テキスト", "x y z",
    ]
    expected = bm25s.tokenize(texts, stopwords="en", stemmer=Stemmer.Stemmer("english"), return_ids=False,
                              show_progress=False)
    assert tokenize(texts) == expected
    assert tokenize(["The ferries to Port Ellen, cancelled"]) == [["ferri", "port", "ellen", "cancel"]]
    # the rebuild reads a chunk's title, source and sentences in one pass: BM25 gets the words of the whole text
    indexed, by_sentence = _tokenized(chunks)
    assert indexed == tokenize(whole) and [len(each) for each in by_sentence] == [
        len(split_sentences(c.text)) for c in chunks
    ]


def test_questions_are_split_into_clauses_with_enough_words() -> None:
    question = ("Which company, according to Fortune, cut 600 jobs to save costs and, as per The Verge, "
                "was fined by regulators in Brussels?")
    # "company", "according to Fortune" and "as per The Verge" have under three indexed words each
    assert question_parts(question) == ["cut 600 jobs to save costs", "was fined by regulators in Brussels"]
    dated = "Did the Coast Times report of October 13, 2023 say 1,200 ferries sailed, while the Isle Post disagreed?"
    # a comma inside a date or a figure is no clause boundary: the day keeps its year, the figure its digits
    assert question_parts(dated) == ["Did the Coast Times report of October 13, 2023 say 1,200 ferries sailed",
                                     "the Isle Post disagreed"]
    assert question_parts("Who won?") == ["Who won?"]  # no clause says enough: the whole question is the part
    assert question_parts("") == [""]


def test_reorder_puts_the_chunk_whose_sentence_answers_first(tmp_path: Path) -> None:
    settings = load_settings({"data_dir": tmp_path / "data"}, environ={})
    feed = tmp_path / "ferries.jsonl"
    spread = ("Ferry news from Port Ellen. The ferry timetable changed. Port Ellen harbour was busy. "
              "Ellen Ferry Company staff met. The storm season starts soon. Ferry ferry ferry.")
    answer = ("Councillors met on Monday to discuss the budget for roads, schools and the new library. "
              "They also heard that the storm cancelled the Port Ellen ferry. The meeting ended at noon.")
    feed.write_text(json.dumps({"id": "spread", "title": "Port news", "source": "Isle Post", "text": spread}) + "\n"
                    + json.dumps({"id": "answer", "title": "Council", "source": "Isle Post", "text": answer}) + "\n")
    store = open_store(settings)
    index = KeywordIndex(settings.keyword_index_path)
    Ingestor(store, MiniLMEmbedding(), 200, 30, index).ingest(read_sources([str(feed)]))
    question = "What did the storm do to the Port Ellen ferry?"
    plain = NewsRetriever(store, MiniLMEmbedding(), index, top_k=2, reorder_depth=0).retrieve(question)
    assert chunk_from_node(plain[0]).article_id == "spread"  # BM25 alone: the chunk repeating the words wins
    reordered = NewsRetriever(store, MiniLMEmbedding(), index, top_k=2, reorder_depth=30).retrieve(question)
    assert [chunk_from_node(n).article_id for n in reordered] == ["answer", "spread"]


def test_the_tree_reader_scores_as_scikit_learn_does(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    x = rng.random((400, len(FEATURES)))
    y = x[:, 1] + x[:, 6] * x[:, 9] > 0.8
    model = HistGradientBoostingClassifier(max_iter=20, max_leaf_nodes=7, random_state=0).fit(x, y)
    saved = tmp_path / "model.json"
    saved.write_text(json.dumps(Trees.saved_form(model)))
    rows = rng.random((50, len(FEATURES)))
    assert Trees.load(saved).log_odds(rows) == pytest.approx(model.decision_function(rows), abs=1e-9)
    saved.write_text(json.dumps({**Trees.saved_form(model), "features": ["place"]}))
    with pytest.raises(ValueError, match="trained on features"):
        Trees.load(saved)


def test_with_trees_questions_of_several_clauses_are_reordered_by_them_and_one_clause_by_the_blend() -> None:
    rows = np.random.default_rng(1).random((30, len(FEATURES)))
    trees = shipped_trees()  # loading checks the shipped model was trained on the features this code computes
    blend = rows[:, : len(WEIGHTS)] @ np.array(WEIGHTS)
    period = rows[:, FEATURES.index("named_period")]
    assert relevance(rows, TREE_PARTS, None) == pytest.approx(blend)  # reorder_trees off: no trees
    assert relevance(rows, 1, trees) == pytest.approx(blend)
    assert relevance(rows, TREE_PARTS, trees) == pytest.approx(trees.log_odds(rows) + PERIOD_BONUS * period)
    assert np.isfinite(trees.log_odds(rows)).all() and np.ptp(trees.log_odds(rows)) > 0


def test_every_named_source_with_a_candidate_is_in_the_top_k() -> None:
    def chunk(article_id: str, source: str) -> Chunk:
        return Chunk(article_id=article_id, index=0, text="t", title="t", source=source, published_at="", url="")

    ranked = [chunk("a1", "A"), chunk("a2", "A"), chunk("x", "X"), chunk("a3", "A"), chunk("b1", "B"), chunk("c1", "C")]
    covered = cover_named_sources(ranked, [{"A"}, {"B"}, {"C"}], 3)
    assert [c.article_id for c in covered[:3]] == ["a1", "c1", "b1"]  # unnamed X and the second A give way
    assert sorted(c.article_id for c in covered) == sorted(c.article_id for c in ranked)
    assert cover_named_sources(ranked, [{"A"}, {"Z"}], 3) == ranked  # nothing from Z to bring in



ISLAND_QUESTION = ("Which town, after skipper Angus MacLeod evacuated forty passengers from the Port Ellen ferry "
                   "according to the Island Herald, opened a new public library with a distillery grant?")
HERALD_FERRY = {"id": "herald-ferry", "title": "Rescue at sea", "source": "Island Herald",
                "text": "Skipper Angus MacLeod evacuated forty passengers when the storm hit the Port Ellen ferry."}


def island_retrieval(tmp_path: Path, rows: list[dict], top_k: int) -> Callable[[], list[str]]:
    """A store of these reports; what ISLAND_QUESTION then retrieves (article ids, best first), with one
    per-source pick so that the clause picks show."""
    settings = load_settings({"data_dir": tmp_path / "data"}, environ={})
    feed = tmp_path / "island.jsonl"
    feed.write_text("".join(json.dumps(row) + "\n" for row in rows))
    store = open_store(settings)
    index = KeywordIndex(settings.keyword_index_path)
    Ingestor(store, MiniLMEmbedding(), 200, 30, index).ingest(read_sources([str(feed)]))

    def retrieved() -> list[str]:
        retriever = NewsRetriever(store, MiniLMEmbedding(), index, top_k=top_k, per_source=1)
        return [chunk_from_node(n).article_id for n in retriever.retrieve(ISLAND_QUESTION)]

    return retrieved


def test_each_named_source_gets_its_best_chunk_for_each_clause(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Island Herald's library report answers the question's second clause, but its ferry report shares the
    question's rarest words, and three other papers' reports share more words with the whole question."""
    both = ("The storm cancelled the Port Ellen ferry on Monday. Bowmore's new public library, paid for by a distillery "
            "grant, opened late: the ferry carrying its books was cancelled, the Island Herald reported.")
    rows = [{"id": f"both-{name}", "title": "Ferry cancelled", "source": name, "text": both}
            for name in ("Coast Times", "Isle Post", "Harbour Gazette")]
    rows += [
        HERALD_FERRY,
        {"id": "herald-library", "title": "Reading room", "source": "Island Herald",
         "text": "Bowmore opened its new public library, built with a distillery grant."},
    ]
    retrieved = island_retrieval(tmp_path, rows, top_k=3)

    assert retrieved()[:2] == ["herald-ferry", "herald-library"]
    monkeypatch.setattr(newsdesk.qa.retrieval, "PART_SCORE_SHARE", 2.0)  # no clause pick can qualify
    assert retrieved()[0] == "herald-ferry" and "herald-library" not in retrieved()


def test_a_named_sources_second_chunk_for_a_clause_joins_the_candidates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Island Herald's report of the library opening answers the question's second clause, but its report of
    the library plans shares more of that clause's words, and three other papers' reports share more words with the
    whole question: only a second pick per clause brings the opening report in."""
    other = ("Skipper Angus MacLeod evacuated forty passengers from the Port Ellen ferry. "
             "Bowmore opened a new public library.")
    rows = [{"id": f"other-{i}", "title": "Island news", "source": name, "text": other}
            for i, name in enumerate(["Coast Times", "Isle Post", "Harbour Gazette"])]
    rows += [
        HERALD_FERRY,
        {"id": "herald-plans", "title": "Library plans", "source": "Island Herald",
         "text": "Bowmore's public library and its distillery grant: plans for a new public library in Bowmore."},
        {"id": "herald-opening", "title": "Reading room", "source": "Island Herald",
         "text": "The new library opened in Bowmore on Friday, built with a grant from the distillery."},
    ]
    retrieved = island_retrieval(tmp_path, rows, top_k=4)

    assert retrieved()[:3] == ["herald-ferry", "herald-plans", "herald-opening"]
    monkeypatch.setattr(newsdesk.qa.retrieval, "PART_PICKS", 1)  # the best chunk per clause only
    assert retrieved()[:2] == ["herald-ferry", "herald-plans"] and "herald-opening" not in retrieved()


def test_a_found_articles_chunk_for_a_clause_joins_the_candidates(tmp_path: Path) -> None:
    """The Island Herald's storm report is found by its first chunk, but its chunk saying who resigned as harbour
    master shares the question's words less densely than four other papers' short reports do: it becomes a
    candidate only as that article's best chunk for the question's second clause, for the trees to weigh."""
    settings = load_settings({"data_dir": tmp_path / "data"}, environ={})
    fishing = " ".join(f"Boat number {n} landed {n * 7} boxes of langoustine at the pier before noon."
                       for n in range(1, 16))
    decoy = ("The storm stopped the Port Ellen ferry. No harbour master resigned, and the ferry sailed once the storm "
             "had passed.")
    rows = [{"id": f"decoy-{i}", "title": "Island news", "source": name, "text": decoy}
            for i, name in enumerate(["Coast Times", "Isle Post", "Harbour Gazette", "Ileach"])]
    rows.append({"id": "herald", "title": "Island news", "source": "Island Herald", "text": (
        "The storm cancelled every Port Ellen ferry sailing: the ferry stayed in the harbour while the storm "
        "lasted. " + fishing + " Morag Bell resigned as harbour master on Friday, after twenty years in the post.")})
    feed = tmp_path / "harbour.jsonl"
    feed.write_text("".join(json.dumps(row) + "\n" for row in rows))
    store = open_store(settings)
    index = KeywordIndex(settings.keyword_index_path)
    Ingestor(store, MiniLMEmbedding(), 200, 30, index).ingest(read_sources([str(feed)]))
    question = "What did the storm do to the Port Ellen ferry, and who resigned as harbour master?"

    def candidates(article_expansion: int, trees: Trees | None = shipped_trees()) -> list[str]:
        retriever = NewsRetriever(store, MiniLMEmbedding(), index, top_k=5, reorder_depth=5, trees=trees,
                                  article_expansion=article_expansion)
        return [c.chunk_id for c in retriever.candidates(question)[0]]

    fact = next(c.chunk_id for c in store.all_chunks() if "Morag Bell" in c.text)
    assert len(question_parts(question)) == 2
    assert fact != "herald#0" and "herald#0" in candidates(0)
    assert fact not in candidates(0)
    assert candidates(10)[:5] == candidates(0) and fact in candidates(10)
    assert candidates(10, trees=None) == candidates(0)  # the blend, which ranks by place first, gets none

    found, understood = NewsRetriever(store, MiniLMEmbedding(), index, top_k=5, reorder_depth=5,
                                      trees=shipped_trees(), article_expansion=10).candidates(question)
    rows = dict(zip([c.chunk_id for c in found], features(understood, found, index)))
    places = [FEATURES.index(name) for name in ("best_clause_rank_in_article", "mean_clause_rank_in_article",
                                                "article_chunks")]
    assert list(rows[fact][places]) == [0, 0.5, 2]  # its article's best for the second clause only, of two chunks
    assert list(rows["herald#0"][places]) == [0, 0.5, 2]
    assert list(rows["decoy-0#0"][places]) == [0, 0, 1]


def test_a_clauses_nearest_sentence_brings_its_chunk_to_the_candidates(tmp_path: Path) -> None:
    """The report of who left the harbour master's post shares no word with the question, so BM25 never finds it;
    the second clause's nearest sentence by the embedding model does, for the trees to weigh by the sentence
    features."""
    settings = load_settings({"data_dir": tmp_path / "data"}, environ={})
    decoy = "The storm stopped the Port Ellen ferry, and the ferry sailed again once the storm had passed."
    rows = [{"id": f"decoy-{i}", "title": "Island news", "source": name, "text": decoy}
            for i, name in enumerate(["Coast Times", "Isle Post", "Harbour Gazette", "Ileach", "Oban Times"])]
    rows += [
        {"id": "quay", "title": "Change at the quay", "source": "Island Herald",
         "text": "Morag Bell stepped down on Friday after twenty years in charge of the pier."},
        {"id": "library", "title": "Budget", "source": "Island Herald",
         "text": "The council approved a larger budget for the library and the swimming pool."},
    ]
    feed = tmp_path / "harbour.jsonl"
    feed.write_text("".join(json.dumps(row) + "\n" for row in rows))
    store = open_store(settings)
    index = KeywordIndex(settings.keyword_index_path)
    embed = MiniLMEmbedding()
    Ingestor(store, embed, 200, 30, index).ingest(read_sources([str(feed)]))
    question = "What did the storm do to the ferry, and who resigned as harbour master?"

    def candidates(sentence_expansion: int, trees: Trees | None = shipped_trees()) -> list[str]:
        retriever = NewsRetriever(store, embed, index, top_k=5, reorder_depth=5, trees=trees,
                                  sentence_expansion=sentence_expansion)
        return [c.chunk_id for c in retriever.candidates(question)[0]]

    assert len(question_parts(question)) == 2
    assert "quay#0" not in candidates(0) and "quay#0" not in [i for i, _ in index.search(question, 10)]
    assert candidates(1)[:5] == candidates(0) and "quay#0" in candidates(1)
    assert candidates(1, trees=None) == candidates(0)  # the blend reads no clause vectors and gets no picks

    found, understood = NewsRetriever(store, embed, index, top_k=5, reorder_depth=5, trees=shipped_trees(),
                                      sentence_expansion=1).candidates(question)
    rows = dict(zip([c.chunk_id for c in found], features(understood, found, index)))
    clauses = np.array(embed.embed(list(understood.parts)))
    sentence = np.array(embed.embed(split_sentences(store.chunks_of("quay")[0].text)))
    best = (sentence @ clauses.T).max(axis=0)  # the fact's best sentence cosine to each clause
    names = ["best_clause_sentence_similarity", "mean_clause_sentence_similarity"]
    assert rows["quay#0"][[FEATURES.index(n) for n in names]] == pytest.approx([best.max(), best.mean()], abs=1e-5)
    assert best.argmax() == 1  # it is the second clause's sentence
