"""The keyword index updated by segments: each ingest adds what it changed, and the result ranks exactly as an index
rebuilt from the store at once, with bm25s's scores."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

import newsdesk.index_segments
import newsdesk.ingest.pipeline
import newsdesk.keyword_index
import newsdesk.store
from newsdesk.embedding import MiniLMEmbedding
from newsdesk.index_segments import SEGMENTS, GatheredRows, RowFile, read_manifest, read_segment
from newsdesk.ingest.pipeline import Ingestor
from newsdesk.ingest.sources import read_sources
from newsdesk.keyword_index import KeywordIndex, _tokenized, tokenize
from newsdesk.settings import Settings, load_settings
from newsdesk.store import ArticleStore, open_store
from tests.conftest import SAMPLES

QUESTIONS = [
    "Who is visiting Pakistan and when?", "ferry to Port Ellen cancelled by the storm", "Dunmore bridge traffic",
    "harbour storm Coast Times", "quay masons Friday", "Kilbrannan", "State Department Ned Price", "zzz qqq",
]


def _article(article_id: str, title: str, source: str, day: int, text: str) -> str:
    return json.dumps({"id": article_id, "title": title, "source": source,
                       "published_at": f"2023-10-{day:02d}T09:00:00Z", "text": text}) + "\n"


FIRST = [
    _article("storm", "Storm closes harbour", "Coast Times", 2, "A storm closed the harbour at Port Ellen for three "
             "days. The ferry to Port Ellen was cancelled. Fishermen stayed ashore."),
    _article("bridge", "Bridge opens", "Valley Gazette", 7, "The new bridge in Dunmore opened to traffic on Tuesday, "
             "a day after the storm. The mayor cut the ribbon."),
]
SECOND = [
    _article("quay", "Quay mended", "Coast Times", 8, "Masons mended the quay. It reopened on Friday. Boats returned "
             "to Port Ellen."),
    _article("ferry", "Ferry returns", "Isle Post", 9, "The ferry returned to service on Friday after the storm. "
             "Port Ellen welcomed it."),
]
THIRD = [  # bridge's text changes (its old words must go); a new article from a new source
    _article("bridge", "Bridge opens", "Valley Gazette", 7, "The Kilbrannan bridge opened. Traffic crossed it at noon."),
    _article("school", "School reopens", "Dunmore Herald", 10, "The school in Dunmore reopened after storm repairs."),
]


def _feed(folder: Path, name: str, lines: list[str]) -> str:
    path = folder / f"{name}.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    return str(path)


def _updated_store(tmp_path: Path) -> tuple[Settings, ArticleStore, KeywordIndex]:
    """A store filled by three ingests and a removal, its index updated by each."""
    settings = load_settings({"data_dir": tmp_path / "data"}, environ={})
    store = open_store(settings)
    index = KeywordIndex(settings.keyword_index_path)
    ingestor = Ingestor(store, MiniLMEmbedding(), 200, 30, index)
    ingestor.ingest(read_sources([_feed(tmp_path, "first", FIRST), str(SAMPLES)]))
    ingestor.ingest(read_sources([_feed(tmp_path, "second", SECOND)]))
    ingestor.ingest(read_sources([_feed(tmp_path, "third", THIRD)]))
    store.remove_article("quay")
    index.update(store, ["quay"])
    return settings, store, index


def _assert_same_index(one: KeywordIndex, other: KeywordIndex, chunk_ids: list[str]) -> None:
    for question in QUESTIONS:
        mine, theirs = one.score_all(question), other.score_all(question)
        if theirs is None:
            assert mine is None
            continue
        assert mine is not None and mine.chunks.ids == theirs.chunks.ids
        assert np.array_equal(mine.scores, theirs.scores)  # bit for bit: the same sums in the same order
        assert one.search(question, 5) == other.search(question, 5)
    words = tokenize([" ".join(QUESTIONS)])[0]
    assert one.rarity(words) == other.rarity(words)
    queries = [{w: 1.0 for w in tokenize([q])[0]} for q in QUESTIONS]
    assert np.array_equal(one.best_sentence_shares(queries, chunk_ids), other.best_sentence_shares(queries, chunk_ids))
    mine, theirs = one.sentence_vectors(chunk_ids), other.sentence_vectors(chunk_ids)
    assert sorted(mine) == sorted(theirs) and all(np.array_equal(mine[i], theirs[i]) for i in mine)
    assert one.sources() == other.sources()
    stories = {i.split("#")[0] for i in chunk_ids} | {"quay"}  # each article is a story of its own here
    assert one.stories(stories) == other.stories(stories)
    assert one.mentions("Kilbrannan") == other.mentions("Kilbrannan")


def test_an_index_updated_by_each_ingest_ranks_exactly_as_one_rebuilt_from_the_store(tmp_path: Path) -> None:
    settings, store, index = _updated_store(tmp_path)
    assert len(read_manifest(settings.keyword_index_path) or []) == 4  # a segment an update: nothing rebuilt
    whole = KeywordIndex(tmp_path / "rebuilt")
    whole.rebuild(store)
    reader = KeywordIndex(settings.keyword_index_path)
    reader.ensure_current(store)
    ids = [c.chunk_id for c in store.all_chunks()] + ["gone#0"]
    _assert_same_index(reader, whole, ids)
    _assert_same_index(index, whole, ids)  # the writer's own view too
    assert reader.search("Kilbrannan", 3)[0][0] == "bridge#0"
    assert not reader.search("ribbon mayor", 3)  # the bridge's old text is gone
    assert not any(i.startswith("quay#") for i, _ in reader.search("quay masons", 5))  # removed
    assert reader.mentions("Kilbrannan") and not reader.mentions("ribbon")
    assert reader.stories(["bridge", "school", "quay"]) == {"bridge": {"bridge": "Valley Gazette"},
                                                           "school": {"school": "Dunmore Herald"}}  # quay: removed


def test_segments_are_merged_once_many_and_the_merge_changes_no_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(newsdesk.keyword_index, "MAX_SEGMENTS", 2)
    monkeypatch.setattr(newsdesk.index_segments, "GATHER_ROWS", 5)  # rows read and written a few at a time
    settings, store, index = _updated_store(tmp_path)
    names = read_manifest(settings.keyword_index_path) or []
    assert len(names) == 2  # the third segment merged all three; the removal added one
    assert sorted(p.name for p in (settings.keyword_index_path / SEGMENTS).iterdir()) == sorted(names)
    merged = read_segment(settings.keyword_index_path, names[0])
    assert len(merged.ids) == len(set(merged.ids))  # dead rows (bridge's old chunk) left behind
    whole = KeywordIndex(tmp_path / "rebuilt")
    whole.rebuild(store)
    reader = KeywordIndex(settings.keyword_index_path)
    reader.ensure_current(store)
    ids = [c.chunk_id for c in store.all_chunks()]
    _assert_same_index(reader, whole, ids)
    kept, rebuilt = reader.sentence_vectors(ids), whole.sentence_vectors(ids)  # gathered row by row when merged
    assert sorted(kept) == sorted(rebuilt) == sorted(ids)
    assert all(np.array_equal(kept[i], rebuilt[i]) for i in ids)


def test_a_writer_reuses_the_segments_it_holds_and_reads_those_another_writer_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An update reads from disk only the segment it adds, while the saved index is the one this process last wrote;
    after another process saved it, everything is read again, so the other writer's articles stay."""
    settings = load_settings({"data_dir": tmp_path / "data"}, environ={})
    store = open_store(settings)
    embed = MiniLMEmbedding()
    one, other = KeywordIndex(settings.keyword_index_path), KeywordIndex(settings.keyword_index_path)
    reads: list[str] = []

    def counted(folder: Path, name: str) -> newsdesk.index_segments.Segment:
        reads.append(name)
        return read_segment(folder, name)

    monkeypatch.setattr(newsdesk.keyword_index, "read_segment", counted)
    Ingestor(store, embed, 200, 30, one).ingest(read_sources([_feed(tmp_path, "first", FIRST)]))
    Ingestor(store, embed, 200, 30, one).ingest(read_sources([_feed(tmp_path, "second", SECOND[:1])]))
    assert len(reads) == 2  # the rebuilt index, then only the segment the second ingest added
    Ingestor(store, embed, 200, 30, other).ingest(read_sources([_feed(tmp_path, "other", SECOND[1:])]))
    reads.clear()
    Ingestor(store, embed, 200, 30, one).ingest(read_sources([_feed(tmp_path, "third", THIRD)]))
    assert len(reads) == 4  # the three saved segments, the other writer's among them, and the new one
    whole = KeywordIndex(tmp_path / "rebuilt")
    whole.rebuild(store)
    reader = KeywordIndex(settings.keyword_index_path)
    reader.ensure_current(store)
    _assert_same_index(reader, whole, [c.chunk_id for c in store.all_chunks()])
    _assert_same_index(one, whole, [c.chunk_id for c in store.all_chunks()])
    assert reader.search("ferry returned service", 1)[0][0].startswith("ferry#")


@pytest.mark.parametrize("block", [newsdesk.keyword_index.WEIGHT_BLOCK, 7], ids=["one-block", "blocks-of-7"])
def test_scores_are_those_bm25s_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: int) -> None:
    """The weights are computed when the segments are read (a block of chunk-word pairs at a time), as bm25s
    computes them when it indexes."""
    import bm25s

    monkeypatch.setattr(newsdesk.keyword_index, "WEIGHT_BLOCK", block)
    settings, store, index = _updated_store(tmp_path)
    chunks = store.all_chunks()
    model = bm25s.BM25()
    model.index(_tokenized(chunks)[0], show_progress=False)
    for question in QUESTIONS[:-1]:
        tokens = [t for t in tokenize([question])[0] if t in model.vocab_dict]
        theirs = dict(zip([c.chunk_id for c in chunks], model.get_scores(tokens)))
        ours = index.score_all(question)
        assert ours is not None
        np.testing.assert_allclose(ours.scores, [theirs[i] for i in ours.chunks.ids], rtol=1e-6)


def test_an_index_saved_in_an_older_layout_is_rebuilt(tmp_path: Path) -> None:
    settings = load_settings({"data_dir": tmp_path / "data"}, environ={})
    store = open_store(settings)
    Ingestor(store, MiniLMEmbedding(), 200, 30, None).ingest(read_sources([_feed(tmp_path, "first", FIRST)]))
    old = settings.keyword_index_path
    old.mkdir(parents=True)
    (old / "newsdesk.json").write_text('{"ids": []}')  # the single-file layout's metadata
    index = KeywordIndex(old)
    index.update(store, ["storm"])
    assert read_manifest(old) == ["00000001"] and not (old / "newsdesk.json").exists()
    assert index.search("harbour storm", 1)[0][0] == "storm#0"


def test_removing_every_article_leaves_an_empty_index(tmp_path: Path) -> None:
    settings, store, index = _updated_store(tmp_path)
    gone = sorted({c.article_id for c in store.all_chunks()})
    for article_id in gone:
        store.remove_article(article_id)
    index.update(store, gone)  # every row dead: the segments are merged into an empty one
    assert read_manifest(settings.keyword_index_path) == ["00000006"] and index.search("Port Ellen", 5) == []
    reader = KeywordIndex(settings.keyword_index_path)
    reader.ensure_current(store)
    assert reader.score_all("Port Ellen") is None and reader.sentence_vectors(["storm#0"]) == {}
    Ingestor(store, MiniLMEmbedding(), 200, 30, index).ingest(read_sources([_feed(tmp_path, "again", FIRST)]))
    assert index.search("harbour storm", 1)[0][0] == "storm#0"


def test_a_long_ingest_indexes_as_it_goes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An ingest updates the keyword index every ``INDEX_EVERY`` chunks it stores, not once for everything at its
    end (one update of 10^6 chunks would tokenise them all at once), and ranks as an index built at once."""
    monkeypatch.setattr(newsdesk.ingest.pipeline, "INDEX_EVERY", 2)
    settings = load_settings({"data_dir": tmp_path / "data"}, environ={})
    store = open_store(settings)
    index = KeywordIndex(settings.keyword_index_path)
    Ingestor(store, MiniLMEmbedding(1), 200, 30, index).ingest(
        read_sources([_feed(tmp_path, "first", FIRST + SECOND), str(SAMPLES)]))
    assert len(read_manifest(settings.keyword_index_path) or []) >= 2
    whole = KeywordIndex(tmp_path / "rebuilt")
    whole.rebuild(store)
    reader = KeywordIndex(settings.keyword_index_path)
    reader.ensure_current(store)
    _assert_same_index(reader, whole, [c.chunk_id for c in store.all_chunks()])


def test_segment_files_read_by_rows_give_the_saved_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The large segment arrays are read with pread, not mapped: any rows asked for, in any order, and a merge's
    gathered rows written from them, equal the saved array's; the file stays readable once deleted."""
    monkeypatch.setattr(newsdesk.index_segments, "GATHER_ROWS", 100)  # reads and merge pieces cut every 100 rows
    rng = np.random.default_rng(3)
    vectors, words = rng.standard_normal((1000, 384)).astype(np.float16), rng.integers(0, 9999, 5000, dtype=np.int32)
    np.save(tmp_path / "vectors.npy", vectors)
    np.save(tmp_path / "words.npy", words)
    rows, flat = RowFile(tmp_path / "vectors.npy"), RowFile(tmp_path / "words.npy")
    assert rows.shape == (1000, 384) and len(flat) == 5000
    picked = np.array([5, 6, 7, 900, 3, 4, 999, 0])  # runs, gaps and a step back
    assert np.array_equal(rows[picked], vectors[picked]) and np.array_equal(flat[picked], words[picked])
    assert np.array_equal(rows[10:20], vectors[10:20]) and rows[20:10].shape == (0, 384)
    assert np.array_equal(rows[np.array([], dtype=np.int64)], vectors[:0])
    shuffled = rng.permutation(1000)  # every row, in no order: reads of neighbouring rows, cut every 100
    assert np.array_equal(rows[shuffled], vectors[shuffled]) and np.array_equal(flat[shuffled], words[shuffled])
    (tmp_path / "vectors.npy").unlink()
    GatheredRows([(rows, np.arange(990, 1000)), (vectors, np.array([1, 0]))], 384, np.float16).save(tmp_path / "m.npy")
    assert np.array_equal(np.load(tmp_path / "m.npy"), np.concatenate([vectors[990:], vectors[[1, 0]]]))


def test_a_reader_keeps_its_index_while_an_ingest_runs_and_rebuilds_once_the_ingest_died(tmp_path: Path) -> None:
    """Mid-ingest the store holds chunks the ingest has written and not yet indexed: a reader keeps reading the
    saved index instead of rebuilding it from the store (47 s at 100k chunks, after every write batch). An ingest
    killed before indexing them leaves them to the next reader, which then rebuilds and finds them."""
    settings = load_settings({"data_dir": tmp_path / "data"}, environ={})
    store = open_store(settings)
    ingestor = Ingestor(store, MiniLMEmbedding(1), 200, 30, KeywordIndex(settings.keyword_index_path))
    ingestor.ingest(read_sources([_feed(tmp_path, "first", FIRST)]))
    reader = KeywordIndex(settings.keyword_index_path)
    reader.ensure_current(store)
    saved = read_manifest(settings.keyword_index_path)
    indexed = store.count()
    seen = []

    def arriving():  # type: ignore[no-untyped-def]
        yield from read_sources([_feed(tmp_path, "second", SECOND[:1])])
        reader.ensure_current(store)  # "quay" is written (a batch of one chunk), its index update not due yet
        seen.append((store.count(), reader.search("quay masons", 3), read_manifest(settings.keyword_index_path)))
        raise RuntimeError("ingest killed")

    with pytest.raises(RuntimeError, match="ingest killed"):
        ingestor.ingest(arriving())
    assert seen == [(indexed + 1, [], saved)]  # not rebuilt: the saved index, without the chunk on its way
    assert reader.search("harbour storm", 1)[0][0] == "storm#0"
    reader.ensure_current(store)  # no ingest runs now, and the store holds a chunk the index does not
    assert reader.search("quay masons", 1)[0][0] == "quay#0"
    later = KeywordIndex(settings.keyword_index_path)
    later.ensure_current(store)  # the rebuilt index was saved for every reader
    assert later.search("quay masons", 1)[0][0] == "quay#0"


def test_chunks_of_many_articles_are_read_a_group_at_a_time_in_the_order_asked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An update reads the chunks of the articles it indexes with one Chroma filter a group of articles, not one an
    article (each filter scans the store's metadata); grouped or not, the same chunks in the same order."""
    settings, store, index = _updated_store(tmp_path)
    monkeypatch.setattr(newsdesk.store, "ARTICLES_A_READ", 2)
    asked = ["school", "gone", "storm", "bridge", "ferry"]
    every = store.all_chunks()
    expected = [c for a in asked for c in sorted((c for c in every if c.article_id == a), key=lambda c: c.index)]
    got = store.chunks_of_articles(asked)
    assert [c.chunk_id for c in got] == [c.chunk_id for c in expected] and len(got) == 4
    assert [c.text for c in got] == [c.text for c in expected]


def test_threads_reading_an_updated_index_at_once_all_see_the_update(tmp_path: Path) -> None:
    """The writer's view of an update is built when first read; several threads reading it at once each get the
    updated index, as a reader loading it from disk does."""
    settings, store, index = _updated_store(tmp_path)
    before = [index.search(q, 5) for q in QUESTIONS]
    store.remove_article("storm")
    index.update(store, ["storm"])  # a new segment: the writer's view is built anew when read
    reader = KeywordIndex(settings.keyword_index_path)
    reader.ensure_current(store)
    expected = [reader.search(q, 5) for q in QUESTIONS]
    assert expected != before
    with ThreadPoolExecutor(max_workers=4) as pool:
        seen = list(pool.map(lambda _: [index.search(q, 5) for q in QUESTIONS], range(8)))
    assert all(s == expected for s in seen)


def test_an_ingest_reads_the_stored_versions_of_the_articles_it_is_given_by_id(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An ingest compares each article with what is stored as it arrives, never by reading every chunk's metadata
    (203 s at 10^6 chunks, for a feed's few new entries); unchanged articles are still skipped and changed ones
    written again."""
    settings, store, index = _updated_store(tmp_path)
    asked: list[list[str]] = []
    versions = store.article_versions
    monkeypatch.setattr(store, "article_versions", lambda ids: (asked.append(list(ids)), versions(ids))[1])
    monkeypatch.setattr(store, "_all_metadata", lambda: pytest.fail("an ingest read every chunk's metadata"))
    changed = _article("storm", "Storm closes harbour", "Coast Times", 2, "A storm closed the harbour for a week.")
    new = _article("pier", "Pier reopens", "Isle Post", 11, "The pier at Port Ellen reopened on Monday.")
    before = versions(["bridge", "ferry", "quay"])
    assert before.keys() == {"bridge", "ferry"}  # quay was removed
    ingestor = Ingestor(store, MiniLMEmbedding(), 200, 30, index)
    report = ingestor.ingest(read_sources([_feed(tmp_path, "again", [changed] + SECOND + [new])]))
    assert asked == [["storm"], ["quay"], ["ferry"], ["pier"]]
    assert (report.articles_unchanged, report.articles_added, report.articles_updated) == (1, 2, 1)
    assert [c.text for c in store.chunks_of("storm")] == ["A storm closed the harbour for a week."]
    assert versions(["storm", "pier", "ferry"]).keys() == {"storm", "pier", "ferry"}
