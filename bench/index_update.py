"""Index update benchmark: how soon articles stored into a 100k-chunk store can be found, against a full rebuild.

    .venv/bin/python bench/index_update.py [--data-dir DIR] [--articles 20] [--questions 100] [--write-docs]

On the latency store of bench/retrieval.py (the MultiHop-RAG corpus repeated to 103,665 chunks; built there the
first time), ``--articles`` MultiHop-RAG articles are stored again under new ids, and the ingest's index update and a
reader's reload (another ``KeywordIndex``, as a web chat holds) are timed: together, the time from stored to
searchable. Embedding is timed apart. Then ``--questions`` dev questions are retrieved through the updated index,
the index is rebuilt from the store, the same questions are retrieved again, and the two are compared passage for
passage; retrieval latency is timed both ways. Finally the articles are removed (an update, timed) and the
segments merged (timed), which leaves the store as it was.
"""

from __future__ import annotations

import argparse
import dataclasses
import resource
import time
from pathlib import Path
from unittest.mock import patch

import newsdesk  # noqa: F401  (sets the offline environment)
import newsdesk.keyword_index
from doc_section import Report
from newsdesk.embedding import MiniLMEmbedding
from newsdesk.eval.corpus import store_for_articles
from newsdesk.eval.metrics import percentile
from newsdesk.eval.sets import load_set
from newsdesk.index_segments import read_manifest
from newsdesk.ingest.pipeline import Ingestor
from newsdesk.ingest.sources import Problem, read_sources
from newsdesk.keyword_index import KeywordIndex
from newsdesk.qa.engine import Newsdesk, settle_loaded_objects
from newsdesk.settings import load_settings
from newsdesk.store import open_store
from retrieval import SHARED, copied_store, no_llm


def timed(action) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def retrieved(desk: Newsdesk, questions: list[str]) -> tuple[list[list[str]], list[float]]:
    """Each question's passages (chunk ids in order) and its retrieval time in ms."""
    found, ms = [], []
    for question in questions:
        started = time.perf_counter()
        passages = desk.retrieve(question)
        ms.append((time.perf_counter() - started) * 1000)
        found.append([p.chunk.chunk_id for p in passages])
    return found, ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, help="where the cached eval store and the 100k store live")
    parser.add_argument("--corpus", type=Path, default=SHARED / "articles.jsonl")
    parser.add_argument("--dev", type=Path, default=SHARED / "questions.dev.jsonl")
    parser.add_argument("--chunks", type=int, default=100_000, help="least size of the store")
    parser.add_argument("--articles", type=int, default=20, help="articles added and removed")
    parser.add_argument("--questions", type=int, default=100, help="dev questions compared and timed")
    parser.add_argument("--write-docs", action="store_true", help="write the figures into docs/benchmarks.md")
    args = parser.parse_args()
    report = Report("index-update", "Index update at 100k chunks", args.write_docs)

    settings = load_settings({"data_dir": args.data_dir})
    embed = MiniLMEmbedding(settings.embed_batch_size, settings.cache_dir)
    mh = store_for_articles(settings, [args.corpus])
    big = copied_store(open_store(mh), mh, args.chunks)
    store = open_store(big)
    writer = KeywordIndex(big.keyword_index_path)
    writer.ensure_current(store)  # the first run after a layout change rebuilds here, reading every vector
    reader = KeywordIndex(big.keyword_index_path)
    cold = timed(lambda: reader.ensure_current(store))
    desk = Newsdesk(big, store, embed, no_llm, keyword_index=reader)
    questions = [q.question for q in load_set(str(args.dev))[0] if q.question][: args.questions]
    retrieved(desk, questions[:10])  # warm-up
    settle_loaded_objects()

    chosen = [a for a in read_sources([str(args.corpus)]) if not isinstance(a, Problem)][: args.articles]
    new = [dataclasses.replace(a, given_id=f"bench-update-{i}") for i, a in enumerate(chosen)]
    ids = [a.article_id for a in new]
    chunks_before = store.count()
    stored = timed(lambda: Ingestor(store, embed, big.chunk_size, big.chunk_overlap, None).ingest(new))
    added_chunks = store.count() - chunks_before
    update = timed(lambda: writer.update(store, ids))
    reload = timed(lambda: reader.ensure_current(store))
    segments = len(read_manifest(big.keyword_index_path) or [])
    searchable = all(reader.search(a.title, 100) and any(
        i.startswith(f"{a.article_id}#") for i, _ in reader.search(f"{a.title} {a.source}", 100)) for a in new)
    updated, updated_ms = retrieved(desk, questions)

    rebuild = timed(lambda: writer.rebuild(store))
    reader.ensure_current(store)
    rebuilt, rebuilt_ms = retrieved(desk, questions)
    same = sum(a == b for a, b in zip(updated, rebuilt))

    for article_id in ids:
        store.remove_article(article_id)
    removal = timed(lambda: writer.update(store, ids))
    with patch.object(newsdesk.keyword_index, "MAX_SEGMENTS", 0):
        merge = timed(lambda: writer.update(store, []))  # an empty update: what it adds is the merge
    gone = not any(i.startswith("bench-update-") for i, _ in writer.search(chosen[0].title, 200))

    report.say(f"A store of {chunks_before:,} chunks (the MultiHop-RAG corpus repeated under other ids), embedded "
               f"Chroma; {len(new)} MultiHop-RAG articles stored again under new ids ({added_chunks} chunks). "
               "Seconds; the reader is a second `KeywordIndex`, as a web chat holds, reloading after the ingest.")
    report.say()
    report.table(["step", "seconds"], [
        [f"store {len(new)} articles (embedding and Chroma writes)", f"{stored:.1f}"],
        [f"index update by the ingest (one new segment; {segments} segments after it)", f"{update:.2f}"],
        ["reader reload (weights recomputed over every live chunk)", f"{reload:.2f}"],
        ["**stored → searchable** (update + reload)", f"**{update + reload:.2f}**"],
        ["full rebuild from the store (sentence vectors of unchanged chunks reused)", f"{rebuild:.1f}"],
        [f"remove the {len(new)} articles (an update)", f"{removal:.2f}"],
        ["merge the segments into one", f"{merge:.1f}"],
        ["a reader's first load of the saved index", f"{cold:.2f}"],
    ])
    report.say()
    report.say(f"Every added article found by its title after the update: {'yes' if searchable else 'NO'}; none "
               f"left after the removal: {'yes' if gone else 'NO'}. {len(questions)} dev questions retrieved through "
               f"the updated index and through the rebuilt one: **{same} of {len(questions)} identical** (passages "
               "and order). Retrieval p50 / p95: "
               f"{percentile(updated_ms, 50):.0f} / {percentile(updated_ms, 95):.0f} ms with {segments} segments, "
               f"{percentile(rebuilt_ms, 50):.0f} / {percentile(rebuilt_ms, 95):.0f} ms with one. Peak RSS "
               f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB.")
    report.write()


if __name__ == "__main__":
    main()
