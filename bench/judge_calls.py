"""How many narrow questions a yes/no verdict may put to the answer model (``judge_calls``): what each limit costs in
right verdicts and false "Yes", and what it saves in model time before the verdict's first word.

    .venv/bin/python bench/judge_calls.py [--data-dir DIR] [--limits 4,5,6,0] [--write-docs]

Three sets of yes/no questions: the yes/no questions of the MultiHop-RAG dev sample the project is measured on
(``--sample 100 --seed 7``), 60 dev yes/no questions outside that sample (shuffled with seed 21), and the
bundled claims set (``eval/sets/claims.jsonl``, over the MultiHop-RAG articles and the sample article). Each
question's passages are retrieved once and its verdict decided with no limit (0), every model question and label
recorded with the seconds it took; each limit then decides again from the recorded labels (a question the
limited verdict asks that was not recorded goes to the model). Model seconds a question are the seconds of the
questions it asked, as first measured: the wait a limit takes out of the first word, not a wall-clock rerun.
"""

from __future__ import annotations

import argparse
import random
import time
from dataclasses import dataclass
from pathlib import Path

from llama_index.core.llms import LLM

import newsdesk  # noqa: F401  (sets the offline environment)
from newsdesk.embedding import MiniLMEmbedding
from newsdesk.eval.corpus import store_for_articles
from newsdesk.eval.metrics import percentile
from newsdesk.eval.sets import BUNDLED_SETS, EvalQuestion, load_set, select
from newsdesk.qa.answer import Passage
from newsdesk.qa.engine import Newsdesk
from newsdesk.qa.judge import Judge, Label, judge, limited
from newsdesk.qa.llm import build_llm
from newsdesk.qa.yes_no import decide, is_yes_no
from newsdesk.samples import SAMPLE_ARTICLES
from newsdesk.settings import Settings, load_settings
from newsdesk.store import open_store
from doc_section import Report

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "eval" / "multihop-rag"
HELD_OUT = 60


@dataclass
class Decided:
    gold: str  # "yes" or "no"
    verdict: str  # "yes", "no" or "not_stated"
    calls: int
    model_s: float


class RecordedJudge:
    """The model's labels, each asked once: (question, passage, three_way) -> (label, seconds)."""

    def __init__(self, llm: LLM) -> None:
        self.llm = llm
        self.seen: dict[tuple[str, str, bool], tuple[Label, float]] = {}

    def asking(self, asked: list[tuple[str, str, bool]]) -> Judge:
        """A judge that appends each question it is put to ``asked``."""
        def ask(question: str, passage: str, three_way: bool) -> Label:
            key = (question, passage, three_way)
            asked.append(key)
            if key not in self.seen:
                started = time.perf_counter()
                label = judge(self.llm, question, passage, three_way)
                self.seen[key] = (label, time.perf_counter() - started)
            return self.seen[key][0]

        return ask


def gold_of(q: EvalQuestion) -> str:
    return q.answer.strip().lower().rstrip(".")


def yes_no_questions(questions: list[EvalQuestion]) -> list[EvalQuestion]:
    return [q for q in questions if gold_of(q) in ("yes", "no") and is_yes_no(q.question)]


def decide_all(desk: Newsdesk, questions: list[EvalQuestion], recorded: RecordedJudge, limit: int,
               evidence: dict[str, list[Passage]]) -> list[Decided]:
    decided = []
    for q in questions:
        if q.id not in evidence:
            evidence[q.id] = desk.evidence_for(q.question, None, None)[1]
        asked: list[tuple[str, str, bool]] = []
        ask = recorded.asking(asked)
        verdict = decide(q.question, evidence[q.id], desk.embed_model.get_text_embedding_batch,
                         limited(ask, limit) if limit else ask).word if evidence[q.id] else "not_stated"
        decided.append(Decided(gold_of(q), verdict, len(asked), sum(recorded.seen[k][1] for k in asked)))
    return decided


def row(name: str, limit: int, decided: list[Decided]) -> list[object]:
    seconds = [d.model_s for d in decided]
    return [name, limit or "none", len(decided), sum(d.verdict == d.gold for d in decided),
            f"{sum(d.verdict == 'yes' for d in decided if d.gold == 'no')} of {sum(d.gold == 'no' for d in decided)}",
            sum(d.calls for d in decided), f"{percentile(seconds, 50):.1f} / {percentile(seconds, 95):.1f}",
            f"{max(seconds):.1f}"]


def sets(settings: Settings) -> list[tuple[str, Settings, list[EvalQuestion]]]:
    dev, _ = load_set(str(SHARED / "questions.dev.jsonl"))
    sample = select(dev, sample=100, seed=7)
    taken = {q.id for q in sample}
    outside = yes_no_questions([q for q in dev if q.id not in taken])
    random.Random(21).shuffle(outside)
    claims, _ = load_set(str(BUNDLED_SETS / "claims.jsonl"))
    multihop = store_for_articles(settings, [SHARED / "articles.jsonl"])
    with_seed = store_for_articles(settings, [SHARED / "articles.jsonl", SAMPLE_ARTICLES / "pakistan-us-partnership.txt"])
    return [("MultiHop-RAG sample's yes/no", multihop, yes_no_questions(sample)),
            (f"MultiHop-RAG yes/no outside it ({HELD_OUT})", multihop, outside[:HELD_OUT]),
            ("claims set, yes/no", with_seed, yes_no_questions(claims))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, help="where the cached eval stores live")
    parser.add_argument("--limits", default="4,5,6,0", help="judge_calls values to compare (0: no limit)")
    parser.add_argument("--write-docs", action="store_true", help="write the figures into docs/benchmarks.md")
    args = parser.parse_args()
    report = Report("judge-calls", "Yes/no verdicts within a number of model questions", args.write_docs)
    settings = load_settings({"data_dir": args.data_dir})
    limits = sorted((int(x) for x in args.limits.split(",")), key=lambda n: n or 1 << 30, reverse=True)
    embed = MiniLMEmbedding(settings.embed_batch_size, settings.cache_dir)
    recorded = RecordedJudge(build_llm(settings))
    rows = []
    for name, store_settings, questions in sets(settings):
        desk = Newsdesk(store_settings, open_store(store_settings), embed, lambda: None)
        evidence: dict[str, list[Passage]] = {}
        for limit in [0] + [n for n in limits if n]:  # unlimited first: it records what the limits replay
            decided = decide_all(desk, questions, recorded, limit, evidence)
            if limit in limits:
                rows.append(row(name, limit, decided))
                print(" | ".join(map(str, rows[-1])), flush=True)
    report.say("Each yes/no question's verdict with the answer model (default, embedded) allowed this many narrow "
               "questions; right = the verdict is the gold Yes or No (\"the articles don't say\" is never right "
               "here); false \"Yes\" = gold No answered Yes. Model seconds a question: p50 / p95 of the time its "
               "questions took, which the reader waits before the verdict's first word.")
    report.say()
    report.table(["set", "judge_calls", "n", "right", "false \"Yes\"", "model questions", "model s p50 / p95", "max"],
                 rows)
    report.write()


if __name__ == "__main__":
    main()
