"""Running a question set through ``qa/``: one result per question, appended to ``OUT/results.jsonl`` as it
finishes so a stopped run resumes where it stopped, and the metrics object computed from the results."""

from __future__ import annotations

import json
import logging
import re
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from newsdesk.eval.metrics import (
    answer_correct,
    article_recall,
    average_precision,
    evidence_recall,
    first_relevant_rank,
    hits_at,
    lenient_correct,
    mrr,
    normalise,
    percentile,
    token_f1,
)
from newsdesk.eval.sets import FALSE_PREMISE_TYPE, EvalQuestion
from newsdesk import failpoints
from newsdesk.filters import RetrievalFilter
from newsdesk.sentences import split_sentences
from newsdesk.qa.engine import Newsdesk, Turn

log = logging.getLogger(__name__)
RETRIEVAL_DEPTH = 10
_MARKER = re.compile(r"\[\d+\]")


class EvalError(RuntimeError):
    """An eval run that cannot go on as asked; the message says what to change."""


@dataclass(frozen=True)
class QuestionResult:
    id: str
    question_type: str
    question: str
    gold: str
    unanswerable: bool
    seconds: float
    # answers (None in a retrieval-only run)
    prediction: str | None = None
    short_answer: str | None = None  # what accuracy is scored on
    refused: bool | None = None
    verdict: str | None = None  # a yes/no question's: "yes", "no" or "not_stated"
    correct: bool | None = None
    lenient_correct: bool | None = None
    token_f1: float | None = None
    citations: list[dict[str, Any]] = field(default_factory=list)
    cited_in_gold: int | None = None  # citations whose article is a gold evidence article
    sentences: int = 0
    unsupported_sentences: int = 0
    # retrieval (None where the question has no gold evidence to judge by)
    first_relevant_rank: int | None = None
    average_precision: float | None = None
    evidence_recall: float | None = None
    article_recall: float | None = None
    judged: bool = False


def evaluate_question(desk: Newsdesk, q: EvalQuestion, retrieval_only: bool = False) -> QuestionResult:
    started = time.perf_counter()
    values: dict[str, Any] = {}
    keep = RetrievalFilter(as_of_ts=q.asked_at)
    if not retrieval_only:
        answer = desk.ask(q.question, [Turn(question, reply) for question, reply in q.history], keep)
        sentences = [] if answer.refused else split_sentences(answer.answer)
        cited = [c.article_id for c in answer.citations]
        values = {
            "prediction": answer.answer,
            "short_answer": answer.short_answer,
            "refused": answer.refused,
            "verdict": answer.verdict,
            "correct": answer.refused if q.unanswerable else (not answer.refused and answer_correct(answer.short_answer, q.answer)),
            "lenient_correct": lenient_correct(answer.short_answer, q.answer),
            "token_f1": round(token_f1(answer.short_answer, q.answer), 4),
            "citations": [{"n": c.n, "article_id": c.article_id, "title": c.title, "quote": c.quote} for c in answer.citations],
            "cited_in_gold": sum(1 for a in cited if a in q.evidence_article_ids) if q.evidence_article_ids else None,
            "sentences": len(sentences),
            "unsupported_sentences": sum(1 for s in sentences if not _MARKER.search(s)),
        }
    if not q.unanswerable and (q.evidence_facts or q.evidence_article_ids):
        ranked = desk.retrieve(q.question, top_k=RETRIEVAL_DEPTH, keep=keep)
        texts = [p.chunk.text for p in ranked]
        values["judged"] = True
        if q.evidence_facts:
            values["first_relevant_rank"] = first_relevant_rank(texts, q.evidence_facts, RETRIEVAL_DEPTH)
            values["average_precision"] = round(average_precision(texts, q.evidence_facts, RETRIEVAL_DEPTH), 4)
            values["evidence_recall"] = round(evidence_recall(texts, q.evidence_facts, RETRIEVAL_DEPTH), 4)
        else:  # a hand-written set may name only the evidence articles: any chunk of them counts
            values["first_relevant_rank"] = next((p.number for p in ranked if p.chunk.article_id in q.evidence_article_ids), None)
        if q.evidence_article_ids:
            values["article_recall"] = round(article_recall([p.chunk.article_id for p in ranked], q.evidence_article_ids), 4)
    return QuestionResult(
        id=q.id, question_type=q.question_type or "untyped", question=q.question, gold=q.answer,
        unanswerable=q.unanswerable, seconds=round(time.perf_counter() - started, 3), **values,
    )


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def summarise(results: list[QuestionResult]) -> dict[str, Any]:
    """The metrics object for one group of results (overall, or one question type)."""
    answered = [r for r in results if r.prediction is not None]
    answerable = [r for r in answered if not r.unanswerable]
    unanswerable = [r for r in answered if r.unanswerable]
    judged = [r for r in results if r.judged]
    with_facts = [r for r in judged if r.average_precision is not None]
    ranks = [r.first_relevant_rank for r in judged]
    cited = [r for r in answered if r.cited_in_gold is not None and r.citations]
    yes_no = [r for r in answerable if normalise(r.gold) in ("yes", "no")]
    # A false claim answered "Yes", or a question on a false premise answered as if it were true.
    false_claims = [r for r in yes_no if normalise(r.gold) == "no"]
    false_premises = [r for r in answered if r.question_type == FALSE_PREMISE_TYPE]
    confirmed = sum(1 for r in false_claims if normalise(r.short_answer or "").startswith("yes")) + sum(
        1 for r in false_premises if not r.refused)

    def share(items: list[QuestionResult], test: Callable[[QuestionResult], bool]) -> float | None:
        return _mean([1.0 if test(r) else 0.0 for r in items])

    return {
        "n": len(results),
        "retrieval": {
            "hits@4": round(hits_at(ranks, 4), 4) if judged else None,
            "hits@10": round(hits_at(ranks, 10), 4) if judged else None,
            "mrr@10": round(mrr(ranks), 4) if judged else None,
            "map@10": _mean([r.average_precision for r in with_facts if r.average_precision is not None]),
            "evidence_recall@10": _mean([r.evidence_recall for r in with_facts if r.evidence_recall is not None]),
            "article_recall@10": _mean([r.article_recall for r in judged if r.article_recall is not None]),
            "n": len(judged),
        },
        "answers": {
            "accuracy": share(answered, lambda r: bool(r.correct)),
            "lenient_accuracy": share(answerable, lambda r: bool(r.lenient_correct)),
            "token_f1": _mean([r.token_f1 for r in answerable if r.token_f1 is not None]),
            "yes_no_accuracy": share(yes_no, lambda r: bool(r.correct)),
            "always_yes_baseline": share(yes_no, lambda r: normalise(r.gold) == "yes"),
            "false_confirmation_rate": round(confirmed / (len(false_claims) + len(false_premises)), 4)
            if false_claims or false_premises else None,
            "refusal_accuracy": share(unanswerable, lambda r: bool(r.refused)),
            "false_refusal_rate": share(answerable, lambda r: bool(r.refused)),
            "citation_precision": round(sum(r.cited_in_gold or 0 for r in cited) / sum(len(r.citations) for r in cited), 4)
            if cited else None,
            "unsupported_rate": round(sum(r.unsupported_sentences for r in answered) / s, 4)
            if (s := sum(r.sentences for r in answered)) else None,
            "n": len(answered),
        },
        "latency": {
            "p50_s": round(percentile([r.seconds for r in results], 50), 2),
            "p95_s": round(percentile([r.seconds for r in results], 95), 2),
        },
    }


def metrics_for(results: list[QuestionResult]) -> dict[str, Any]:
    metrics = summarise(results)
    groups: dict[str, list[QuestionResult]] = defaultdict(list)
    for r in results:
        groups[r.question_type].append(r)
    metrics["by_type"] = {name: summarise(group) for name, group in sorted(groups.items())}
    return metrics


def read_results(folder: Path) -> list[QuestionResult]:
    """The results in a run folder, skipping a last line cut short by a kill."""
    path = folder / "results.jsonl"
    results = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                results.append(QuestionResult(**json.loads(line)))
            except (json.JSONDecodeError, TypeError):
                continue
    return results


class RunFolder:
    """OUT/: config.json (what was run), results.jsonl (one line per finished question), metrics.json."""

    def __init__(self, folder: Path, config: dict[str, Any]) -> None:
        self.folder = folder
        self.results_path = folder / "results.jsonl"
        folder.mkdir(parents=True, exist_ok=True)
        config_path = folder / "config.json"
        if config_path.exists():
            earlier = json.loads(config_path.read_text(encoding="utf-8"))
            changed = sorted(k for k in config if k != "git_commit" and earlier.get(k) != config[k])
            if changed:
                raise EvalError(
                    f"{folder} holds a run with a different configuration ({', '.join(changed)}); "
                    "use another --out, or delete that folder"
                )
        config_path.write_text(json.dumps(config, indent=2), encoding="utf-8")

    def finished(self) -> dict[str, QuestionResult]:
        """Results already in the folder; a line cut short by a kill is ignored (that question runs again)."""
        return {r.id: r for r in read_results(self.folder)}

    def append(self, result: QuestionResult) -> None:
        with self.results_path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(asdict(result), ensure_ascii=False) + "\n")
            out.flush()

    def write_metrics(self, metrics: dict[str, Any]) -> None:
        (self.folder / "metrics.json").write_text(json.dumps(metrics, indent=2), encoding="utf-8")


def run_eval(
    desk: Newsdesk,
    questions: Iterable[EvalQuestion],
    folder: RunFolder | None = None,
    retrieval_only: bool = False,
    on_result: Callable[[QuestionResult], None] | None = None,
) -> tuple[dict[str, Any], list[QuestionResult]]:
    """Evaluate every question not already finished in ``folder``; returns the metrics over all of them."""
    done = folder.finished() if folder else {}
    results: list[QuestionResult] = []
    skipped = 0
    for q in questions:
        if q.id in done:
            results.append(done[q.id])
            skipped += 1
            continue
        result = evaluate_question(desk, q, retrieval_only)
        if folder:
            folder.append(result)
            failpoints.reach("eval-after-question")
        results.append(result)
        if on_result:
            on_result(result)
    if skipped:
        log.warning("resumed: %d questions were already finished, %d run now", skipped, len(results) - skipped)
    metrics = metrics_for(results)
    if folder:
        folder.write_metrics(metrics)
    return metrics, results
