"""Retrieval benchmark: the MultiHop-RAG dev metrics table, and retrieval latency on a synthetic 100k-chunk store.

    .venv/bin/python bench/retrieval.py [--data-dir DIR] [--chunks 100000] [--queries 300] [--ablation]

The dev metrics (paper protocol, top-10 chunks as stored) come from the cached eval store of the 609 articles,
which is ingested under the data dir the first time (about 15 minutes here). The latency store is that corpus
repeated under varied article ids until it holds at least ``--chunks`` chunks (6,911 x 15 = 103,665 at 256-piece
chunks, and their 937,785 sentences), written with the stored vectors, so building it needs no embedding; it is
kept under the data dir for the next run. Latency is the whole ``Newsdesk.retrieve`` (query analysis + question and
clause embedding + BM25 + fusion + per-source, per-period, article and sentence picks + candidate lookup +
reordering), timed over ``--queries`` dev questions after a warm-up, with p50/p95 and peak RSS.
``--ablation`` adds a table of the same metrics with the pipeline's parts switched off one by one (settings, and
the per-clause picks by their score threshold).
"""

from __future__ import annotations

import argparse
import math
import resource
import time
from contextlib import nullcontext
from pathlib import Path
from unittest.mock import patch

import newsdesk  # noqa: F401  (sets the offline environment)
import newsdesk.qa.retrieval
from doc_section import Report
from newsdesk.eval.corpus import store_for_articles
from newsdesk.eval.metrics import percentile
from newsdesk.eval.run import evaluate_question, metrics_for
from newsdesk.eval.sets import load_set
from newsdesk.embedding import MiniLMEmbedding
from newsdesk.keyword_index import KeywordIndex
from newsdesk.settings import Settings, load_settings
from newsdesk.store import ArticleStore, open_store
from newsdesk.qa.engine import Newsdesk, settle_loaded_objects
from store_copies import copies_of, read_corpus, write

REPO = Path(__file__).resolve().parents[1]

SHARED = REPO.parent / "shared" / "eval" / "multihop-rag"
COLUMNS = ["hits@4", "hits@10", "mrr@10", "map@10", "evidence_recall@10", "article_recall@10"]
ABLATION_COLUMNS = ["hits@4", "hits@10", "mrr@10", "evidence_recall@10"]
ABLATION = [  # (name, settings changed, per-clause picks on)
    ("dense MiniLM only (named days still pick, by BM25)",
     {"keyword_weight": 0.0, "dense_weight": 1.0, "per_source": 0, "reorder_depth": 0}, False),
    ("BM25 + dense, equal RRF", {"dense_weight": 1.0, "per_source": 0, "reorder_depth": 0}, False),
    ("BM25 only (named days still pick)", {"per_source": 0, "reorder_depth": 0}, False),
    ("+ per-named-source picks", {"reorder_depth": 0}, False),
    ("+ per-named-source picks for each clause", {"reorder_depth": 0}, True),
    ("+ blend reorder of the top 20", {"reorder_depth": 20, "reorder_trees": False}, True),
    ("+ blend reorder of the top 30", {"reorder_trees": False}, True),
    ("+ blend reorder of the top 50", {"reorder_depth": 50, "reorder_trees": False}, True),
    ("trees for 2+ clauses, top 30, no article or sentence picks (the trees learnt with them)",
     {"article_expansion": 0, "sentence_expansion": 0}, True),
    ("trees for 2+ clauses, top 30 + article picks, no sentence picks", {"sentence_expansion": 0}, True),
    ("trees for 2+ clauses, top 30 + article and sentence picks (default; in-sample: the trees learnt from these"
     " questions)", {}, True),
]


def no_llm() -> None:
    raise RuntimeError("retrieval needs no answer model")


def copied_store(source: ArticleStore, settings: Settings, chunks: int) -> Settings:
    """Settings of a store holding ``source`` as many times as it takes to hold ``chunks`` (copy 0 under the
    original ids)."""
    copies = math.ceil(chunks / max(source.count(), 1))
    big = settings.replace(data_dir=settings.data_dir / f"bench-retrieval-x{copies}", chroma_url=None)
    store = open_store(big)
    wanted = (source.count() * copies, source.sentence_count() * copies)
    if (store.count(), store.sentence_count()) != wanted:
        print(f"building a {wanted[0]:,}-chunk store ({wanted[1]:,} sentences) from {source.count():,} stored chunks"
              " and their vectors…", flush=True)
        started = time.perf_counter()
        corpus = read_corpus(source)
        for copy in range(copies):
            write(store, copies_of(corpus, copy), f"copy{copy}")
        KeywordIndex(big.keyword_index_path).rebuild(store)
        print(f"built in {time.perf_counter() - started:.0f}s", flush=True)
    return big


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, help="where the cached eval store and the 100k store live")
    parser.add_argument("--articles", type=Path, default=SHARED / "articles.jsonl")
    parser.add_argument("--questions", type=Path, default=SHARED / "questions.dev.jsonl")
    parser.add_argument("--chunks", type=int, default=100_000, help="least size of the latency store")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--ablation", action="store_true", help="also print the ablation table (about 4 minutes)")
    parser.add_argument("--write-docs", action="store_true", help="write the figures into docs/benchmarks.md")
    args = parser.parse_args()
    quality = Report("retrieval-dev", "Retrieval quality, MultiHop-RAG dev (in-sample)", args.write_docs)
    latency = Report("retrieval-latency", "Retrieval latency at 100k chunks", args.write_docs)

    settings = load_settings({"data_dir": args.data_dir})
    questions, _ = load_set(str(args.questions))
    embed = MiniLMEmbedding(settings.embed_batch_size, settings.cache_dir)  # as the product: questions by ONNX

    mh = store_for_articles(settings, [args.articles])
    desk = Newsdesk(mh, open_store(mh), embed, no_llm)
    metrics = metrics_for([evaluate_question(desk, q, retrieval_only=True) for q in questions])
    quality.say(f"MultiHop-RAG dev, {desk.store.count():,} chunks (paper protocol, top 10 as stored)"
                + ("; in-sample: the reorder's trees learnt from these questions (held out: the next table)"
                   if settings.reorder_trees else "") + ":")
    quality.say()
    quality.table(["group", "n", *COLUMNS], [
        [name, group["retrieval"]["n"], *("-" if group["retrieval"][c] is None else f"{group['retrieval'][c]:.3f}"
                                          for c in COLUMNS)]
        for name, group in [("all", metrics), *metrics["by_type"].items()]])

    if args.ablation:
        quality.say()
        quality.say("Each part switched off in turn (settings, and the per-clause picks by their score threshold):")
        quality.say()
        rows = []
        for name, changes, clause_picks in ABLATION:
            part = Newsdesk(mh.replace(**changes), desk.store, embed, no_llm)
            with nullcontext() if clause_picks else patch.object(newsdesk.qa.retrieval, "PART_SCORE_SHARE", math.inf):
                r = metrics_for([evaluate_question(part, q, retrieval_only=True) for q in questions])["retrieval"]
            rows.append([name, *(f"{r[c]:.3f}" for c in ABLATION_COLUMNS)])
        quality.table(["configuration", *ABLATION_COLUMNS], rows)
    quality.write()

    big = copied_store(desk.store, mh, args.chunks)
    big_desk = Newsdesk(big, open_store(big), embed, no_llm)
    asked = [q.question for q in questions if q.question][: args.queries]
    for question in asked[:10]:  # warm-up: index load, first query
        big_desk.retrieve(question)
    settle_loaded_objects()  # as the web chat's desk does once built (Newsdesk.from_settings)
    seconds = []
    for question in asked:
        started = time.perf_counter()
        big_desk.retrieve(question)
        seconds.append(time.perf_counter() - started)
    ms = [s * 1000 for s in seconds]
    latency.say(f"The whole `Newsdesk.retrieve` over {big_desk.store.count():,} chunks (the MultiHop-RAG corpus "
                f"repeated under other ids), {len(ms)} dev questions after a warm-up, embedded store:")
    latency.say()
    latency.table(["p50", "p95", "max", "peak RSS"], [[
        f"{percentile(ms, 50):.0f} ms", f"{percentile(ms, 95):.0f} ms", f"{max(ms):.0f} ms",
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB"]])
    latency.write()


if __name__ == "__main__":
    main()
