"""Answer benchmark: the seed questions and a fixed 20-question MultiHop-RAG dev sample on the embedded model.

    .venv/bin/python bench/answer.py [--data-dir DIR] [--articles ../shared/eval/multihop-rag/articles.jsonl]

Per question: the answer prompt's tokens (processed + reused from llama.cpp's prompt cache; "-" where no answer
was generated: yes/no questions are decided in code), time to first token, total seconds; then p50/p95 of both. The MultiHop-RAG articles are ingested into a cached eval store under the data
dir the first time (about 10 minutes here); the seed questions run against the bundled samples.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import newsdesk  # noqa: F401  (sets the offline environment)
from newsdesk.eval.corpus import store_for_articles
from newsdesk.eval.metrics import percentile
from newsdesk.eval.sets import EvalQuestion, load_set, select
from newsdesk.ingest.pipeline import Ingestor
from newsdesk.ingest.sources import read_sources
from newsdesk.settings import Settings, load_settings
from newsdesk.store import open_store
from newsdesk.qa.engine import Finished, Newsdesk, TextDelta, Turn

REPO = Path(__file__).resolve().parents[1]

SHARED = REPO.parent / "shared" / "eval" / "multihop-rag"


def run(desk: Newsdesk, questions: list[EvalQuestion], label: str, rows: list[tuple[float | None, float, bool]]) -> None:
    for q in questions:
        before = getattr(desk.llm, "last_timings", {})
        started = time.perf_counter()
        first = None
        for event in desk.stream(q.question, [Turn(a, b) for a, b in q.history]):
            if isinstance(event, TextDelta) and first is None:
                first = time.perf_counter() - started
            if isinstance(event, Finished):
                answer = event.answer
        total = time.perf_counter() - started
        timings = getattr(desk.llm, "last_timings", {})
        timings = timings if timings != before else {}  # unchanged: no answer was generated (yes/no, refusal)
        prompt = f"{timings.get('prompt_n', 0) + timings.get('cache_n', 0)} ({timings.get('cache_n', 0)} cached)" if timings else "-"
        print(f"{label:<5} {q.id:<10} prompt {prompt:<18} ttft {first if first is not None else float('nan'):6.2f}s "
              f"total {total:6.2f}s  {'refused' if answer.refused else 'answered'}")
        rows.append((first, total, bool(timings)))


def seed_desk(settings: Settings, folder: str) -> Newsdesk:
    seeded = settings.replace(data_dir=Path(folder))
    store = open_store(seeded)
    Ingestor.for_settings(seeded, store).ingest(read_sources([str(REPO / "samples")]))
    return Newsdesk.from_settings(seeded)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, help="where the cached MultiHop-RAG eval store lives")
    parser.add_argument("--articles", type=Path, default=SHARED / "articles.jsonl")
    args = parser.parse_args()
    settings = load_settings({"data_dir": args.data_dir})
    rows: list[tuple[float | None, float, bool]] = []
    with tempfile.TemporaryDirectory(prefix="newsdesk-bench-") as folder:
        desk = seed_desk(settings, folder)
        started = time.perf_counter()
        desk.llm  # noqa: B018
        print(f"model load {time.perf_counter() - started:.1f}s")
        seed, _ = load_set(str(REPO / "eval" / "sets" / "seed.jsonl"))
        run(desk, seed, "seed", rows)
    multihop, _ = load_set(str(SHARED / "questions.dev.jsonl"))
    mh_settings = store_for_articles(settings, [args.articles])
    mh_desk = Newsdesk(mh_settings, open_store(mh_settings), desk.embed_model, desk.llm)  # the loaded models, shared
    run(mh_desk, select(multihop, sample=20, seed=7), "mhr", rows)
    generated = [r for r in rows if r[2]]
    print()
    for name, group in (("all questions", rows), ("answers the model wrote", generated)):
        ttft = [f for f, _, _ in group if f is not None]
        totals = [t for _, t, _ in group]
        print(f"{name}: {len(group)}; time to first token p50 {percentile(ttft, 50):.2f}s p95 {percentile(ttft, 95):.2f}s "
              f"({len(group) - len(ttft)} without text: refused); total p50 {percentile(totals, 50):.2f}s "
              f"p95 {percentile(totals, 95):.2f}s")


if __name__ == "__main__":
    main()
