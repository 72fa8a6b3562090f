"""Ingestion benchmark: ingest a JSONL corpus into a fresh store, compare with the raw embedding throughput of the
same model on the same chunks and their sentences (ingest embeds both), then re-ingest the unchanged corpus.

    .venv/bin/python bench/ingest.py [--articles ../shared/eval/multihop-rag/articles.jsonl] [--raw-sample 2000]
                                     [--write-docs]

Prints articles, chunks, wall seconds, chunks/s, raw embedding chunks/s, their ratio, peak RSS, and the
re-ingest seconds and chunks written. The keyword index's rebuild, which the CLI runs after an ingest, is not
counted.
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from pathlib import Path


import newsdesk  # noqa: F401  (sets the offline environment)
from newsdesk.ingest.chunking import embedding_text
from newsdesk.ingest.pipeline import Ingestor
from newsdesk.ingest.sources import read_sources
from newsdesk.articles import Article
from newsdesk.embedding import MiniLMEmbedding
from newsdesk.sentences import split_sentences
from newsdesk.settings import load_settings
from newsdesk.store import open_store
from doc_section import Report

DEFAULT_ARTICLES = Path(__file__).resolve().parents[2] / "shared" / "eval" / "multihop-rag" / "articles.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=Path, default=DEFAULT_ARTICLES)
    parser.add_argument("--raw-sample", type=int, default=2000, help="chunks embedded for the raw throughput figure")
    parser.add_argument("--write-docs", action="store_true", help="write the figures into docs/benchmarks.md")
    args = parser.parse_args()
    out = Report("ingest", "Ingestion", args.write_docs)

    with tempfile.TemporaryDirectory(prefix="newsdesk-bench-") as data_dir:
        settings = load_settings({"data_dir": data_dir})
        embedder = MiniLMEmbedding(settings.embed_batch_size)
        ingestor = Ingestor(open_store(settings), embedder, settings.chunk_size, settings.chunk_overlap)

        started = time.perf_counter()
        report = ingestor.ingest(read_sources([str(args.articles)]))
        wall = time.perf_counter() - started
        articles = report.articles_added + report.articles_updated
        print(f"{articles} articles ({report.articles_failed} failed), {report.chunks_written} chunks in {wall:.1f}s")

        chunks = [c for a in read_sources([str(args.articles)]) if isinstance(a, Article) for c in ingestor.chunker.chunks(a)]
        sample = random.Random(0).sample(chunks, min(args.raw_sample, len(chunks)))
        texts = [embedding_text(c) for c in sample]
        sentences = [s for c in sample for s in split_sentences(c.text)]  # ingest embeds these too
        started = time.perf_counter()
        for batch in (texts, sentences):
            for i in range(0, len(batch), settings.embed_batch_size):
                embedder.embed(batch[i : i + settings.embed_batch_size])
        raw = len(texts) / (time.perf_counter() - started)

        started = time.perf_counter()
        again = ingestor.ingest(read_sources([str(args.articles)]))
        again_seconds = time.perf_counter() - started

    out.say(f"`{args.articles.name}` into a fresh embedded store: each chunk embedded whole (with a title/source/date "
            f"header) and each of its sentences alone. \"Raw MiniLM\" embeds {len(texts):,} of the same chunks and "
            f"their {len(sentences):,} sentences, {settings.embed_batch_size} at a time; the ratio compares the two.")
    out.say()
    out.table(["articles", "chunks", "wall", "chunks/s", "raw MiniLM chunks/s", "ratio", "re-ingest, unchanged",
               "peak RSS"], [[
        f"{articles} ({report.articles_failed} failed)", f"{report.chunks_written:,}", f"{wall:.1f} s",
        f"{report.chunks_written / wall:.2f}", f"{raw:.2f}", f"{report.chunks_written / wall / raw:.3f}",
        f"{again_seconds:.2f} s, {again.chunks_written} chunks written",
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB"]])
    out.write()


if __name__ == "__main__":
    main()
