"""Answer latency as a reader meets it: the seed questions (follow-ups included) and a fixed stratified sample of
MultiHop-RAG dev questions of every type, each asked through ``Newsdesk.stream`` as the web chat asks it.

    .venv/bin/python bench/answer.py [--data-dir DIR] [--sample 30] [--write-docs]

Per question: time until the sources are shown, until the first word of the answer, until the end (the short
answer included), and every model call inside it (the answer, a refusal's second try, the short answer, a
follow-up's rewrite, each claim put to the model) with its prompt tokens, processed and reused from llama.cpp's
prompt cache. Then p50/p95 per group, over all questions and over those that reached the model, with the floor of
the first word's wait on this machine: the prompt tokens computed before it, at the prefill speed the run measured
(a shorter or better-cached prompt lowers it; llama.cpp's settings only approach it). The MultiHop-RAG
articles are ingested into a cached eval store under the data dir the first time (about 13 minutes here); the seed
questions run against the bundled sample article. The answer model loads before the first question.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest.mock import patch

import newsdesk  # noqa: F401  (sets the offline environment)
from newsdesk.eval.corpus import store_for_articles
from newsdesk.eval.metrics import percentile
from newsdesk.eval.sets import BUNDLED_SETS, EvalQuestion, load_set, select
from newsdesk.ingest.pipeline import Ingestor
from newsdesk.ingest.sources import read_sources
from newsdesk.qa.engine import Finished, Newsdesk, SourcesFound, TextDelta, Turn
from newsdesk.qa.llm import LlamaCppLLM
from newsdesk.samples import SAMPLE_ARTICLES
from newsdesk.settings import Settings, load_settings
from newsdesk.store import open_store
from doc_section import Report

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "eval" / "multihop-rag"


@dataclass
class Call:
    started: float  # seconds into the question
    seconds: float
    processed: int  # prompt tokens computed
    reused: int  # prompt tokens taken from the prompt cache
    prompt_ms: float  # llama.cpp's time computing them


@dataclass
class Timed:
    group: str
    id: str
    sources: float
    first_token: float | None
    total: float
    refused: bool
    calls: list[Call] = field(default_factory=list)

    def tokens_before_first_word(self) -> int:
        """Prompt tokens the model computed before the reader saw a word: every call begun by then (the judge's
        questions of a yes/no verdict, the answer's own prompt)."""
        if self.first_token is None:
            return 0
        return sum(c.processed for c in self.calls if c.started < self.first_token)


class CallLog:
    """Times every model call while it is on, by wrapping the in-process model's two entry points."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.origin = time.perf_counter()  # when the question was asked

    def _record(self, started: float, timings: dict[str, Any]) -> None:
        self.calls.append(Call(started - self.origin, time.perf_counter() - started, int(timings.get("prompt_n", 0)),
                               int(timings.get("cache_n", 0)), float(timings.get("prompt_ms", 0.0))))

    def patches(self) -> list[Any]:
        chat, stream_chat = LlamaCppLLM.chat, LlamaCppLLM.stream_chat
        log = self

        def timed_chat(llm: LlamaCppLLM, *args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            response = chat(llm, *args, **kwargs)
            log._record(started, (response.raw or {}).get("timings") or {})
            return response

        def timed_stream(llm: LlamaCppLLM, *args: Any, **kwargs: Any) -> Iterator[Any]:
            started = time.perf_counter()
            yield from stream_chat(llm, *args, **kwargs)
            log._record(started, llm.last_timings)

        return [patch.object(LlamaCppLLM, "chat", timed_chat), patch.object(LlamaCppLLM, "stream_chat", timed_stream)]


def ask(desk: Newsdesk, q: EvalQuestion, group: str, log: CallLog) -> Timed:
    log.calls = []
    started = log.origin = time.perf_counter()
    sources = first = None
    answer = None
    for event in desk.stream(q.question, [Turn(a, b) for a, b in q.history]):
        now = time.perf_counter() - started
        if isinstance(event, SourcesFound) and sources is None:
            sources = now
        elif isinstance(event, TextDelta) and first is None:
            first = now
        elif isinstance(event, Finished):
            answer = event.answer
    total = time.perf_counter() - started
    return Timed(group, q.id, sources if sources is not None else total, first, total,
                 bool(answer and answer.refused), list(log.calls))


def show(r: Timed) -> None:
    first = "   -  " if r.first_token is None else f"{r.first_token:5.2f}s"
    calls = ", ".join(f"{c.seconds:.1f}s ({c.processed}+{c.reused} cached)" for c in r.calls) or "none"
    print(f"{r.group:<11} {r.id:<12} sources {r.sources:5.2f}s  first word {first}  total {r.total:5.2f}s  "
          f"{'refused ' if r.refused else 'answered'}  tokens before the first word {r.tokens_before_first_word()}  "
          f"model calls: {calls}", flush=True)


def seed_desk(settings: Settings, folder: str) -> Newsdesk:
    seeded = settings.replace(data_dir=Path(folder))
    Ingestor.for_settings(seeded, open_store(seeded)).ingest(read_sources([str(SAMPLE_ARTICLES)]))
    return Newsdesk.from_settings(seeded)


def prefill_speed(rows: list[Timed]) -> float:
    """Prompt tokens computed a second over every call of the run, as llama.cpp timed them."""
    calls = [c for r in rows for c in r.calls if c.processed]
    return sum(c.processed for c in calls) / (sum(c.prompt_ms for c in calls) / 1000) if calls else 0.0


def summary(rows: list[Timed], speed: float) -> list[object]:
    """One group's row. The floor is the first word's wait for prompt computation alone: the tokens computed before
    it at the run's prefill speed, what no setting of the same prompts on this machine can beat."""
    def p(values: list[float], q: int, digits: int = 2) -> str:
        return f"{percentile(values, q):.{digits}f}" if values else "-"

    written = [r for r in rows if r.first_token is not None and r.calls]
    firsts = [r.first_token for r in rows if r.first_token is not None]
    totals, sources = [r.total for r in rows], [r.sources for r in rows]
    prompts = [c.processed + c.reused for r in rows for c in r.calls]
    before = [float(r.tokens_before_first_word()) for r in written]
    floors = [t / speed for t in before] if speed else []
    return [len(rows), f"{p(sources, 50)} / {p(sources, 95)}", f"{p(firsts, 50)} / {p(firsts, 95)}",
            f"{p(totals, 50)} / {p(totals, 95)}", f"{sum(len(r.calls) for r in rows) / max(len(rows), 1):.1f}",
            f"{sum(prompts) / len(prompts):.0f}" if prompts else "-",
            f"{p(before, 50, 0)} / {p(before, 95, 0)}", f"{p(floors, 50)} / {p(floors, 95)}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, help="where the cached MultiHop-RAG eval store lives")
    parser.add_argument("--articles", type=Path, default=SHARED / "articles.jsonl")
    parser.add_argument("--sample", type=int, default=30, help="MultiHop-RAG dev questions (stratified, seed 7)")
    parser.add_argument("--write-docs", action="store_true", help="write the figures into docs/benchmarks.md")
    args = parser.parse_args()
    report = Report("answer-latency", "Answer latency", args.write_docs)
    settings = load_settings({"data_dir": args.data_dir})
    log = CallLog()
    rows: list[Timed] = []
    for timing in log.patches():
        timing.start()
    with tempfile.TemporaryDirectory(prefix="newsdesk-bench-") as folder:
        desk = seed_desk(settings, folder)
        loading = time.perf_counter()
        desk.llm  # noqa: B018  (the model loads here, not inside the first question)
        print(f"model load {time.perf_counter() - loading:.1f}s")
        seed, _ = load_set(str(BUNDLED_SETS / "seed.jsonl"))
        for q in seed:
            rows.append(ask(desk, q, "seed", log))
            show(rows[-1])
    multihop, _ = load_set(str(SHARED / "questions.dev.jsonl"))
    mh_settings = store_for_articles(settings, [args.articles])
    mh_desk = Newsdesk(mh_settings, open_store(mh_settings), desk.embed_model, desk.llm)  # the loaded models, shared
    mh_desk.retrieve("warm-up: load the keyword index")
    for q in select(multihop, sample=args.sample, seed=7):
        rows.append(ask(mh_desk, q, q.question_type or "mhr", log))
        show(rows[-1])

    report.say(f"`Newsdesk.stream` as the web chat calls it, default models, {len(rows)} questions: the 13 seed "
               f"questions and {args.sample} MultiHop-RAG dev questions (stratified sample, seed 7). Seconds, "
               "p50 / p95; \"reached the model\": questions with at least one model call.")
    report.say()
    mh = [r for r in rows if r.group != "seed"]
    groups = [("seed", [r for r in rows if r.group == "seed"]), ("MultiHop-RAG", mh),
              *((f"MultiHop-RAG {t}", [r for r in mh if r.group == t]) for t in sorted({r.group for r in mh})),
              ("all, reached the model", [r for r in rows if r.calls]),
              ("all, answer written by the model", [r for r in rows if r.first_token is not None and r.calls])]
    speed = prefill_speed(rows)
    report.table(["questions", "n", "sources shown", "first word", "whole answer", "model calls each",
                  "prompt tokens a call", "tokens computed before the first word", "floor: those tokens' prefill"],
                 [[name, *summary(group, speed)] for name, group in groups if group])
    calls = [c for r in rows for c in r.calls]
    if calls:
        processed = sum(c.processed for c in calls)
        report.say()
        report.say(f"{len(calls)} model calls: {processed:,} prompt tokens computed and "
                   f"{sum(c.reused for c in calls):,} reused from the prompt cache; "
                   f"{sum(c.seconds for c in calls):.0f} s in the model of {sum(r.total for r in rows):.0f} s in all; "
                   f"prompts computed at {speed:.0f} tokens/s (the floor column: tokens before the first word at that "
                   "speed).")
    report.write()


if __name__ == "__main__":
    main()
