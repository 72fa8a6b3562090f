"""Running a question set through ``qa/`` and turning per-question results into the metrics object."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from eval.metrics import answer_correct, article_recall, first_relevant_rank, hits_at, mrr, percentile
from eval.sets import EvalQuestion
from qa.engine import Newsdesk

RETRIEVAL_DEPTH = 10


@dataclass(frozen=True)
class QuestionResult:
    id: str
    question_type: str
    question: str
    gold: str
    prediction: str
    refused: bool
    unanswerable: bool
    correct: bool
    seconds: float
    first_relevant_rank: int | None  # None: a miss, or no gold evidence to judge by
    article_recall: float | None
    cited_articles: list[str]


def evaluate_question(desk: Newsdesk, q: EvalQuestion) -> QuestionResult:
    started = time.perf_counter()
    answer = desk.ask(q.question)
    seconds = time.perf_counter() - started
    rank: int | None = None
    recall: float | None = None
    if not q.unanswerable and (q.evidence_facts or q.evidence_article_ids):
        ranked = desk.retrieve(q.question, top_k=RETRIEVAL_DEPTH)
        if q.evidence_facts:
            rank = first_relevant_rank([p.chunk.text for p in ranked], q.evidence_facts, RETRIEVAL_DEPTH)
        else:  # a hand-written set may name only the evidence articles: any chunk of them counts
            rank = next((p.number for p in ranked if p.chunk.article_id in q.evidence_article_ids), None)
        if q.evidence_article_ids:
            recall = article_recall([p.chunk.article_id for p in ranked], q.evidence_article_ids)
    correct = answer.refused if q.unanswerable else (not answer.refused and answer_correct(answer.answer, q.answer))
    return QuestionResult(
        id=q.id,
        question_type=q.question_type or "untyped",
        question=q.question,
        gold=q.answer,
        prediction=answer.answer,
        refused=answer.refused,
        unanswerable=q.unanswerable,
        correct=correct,
        seconds=round(seconds, 3),
        first_relevant_rank=rank,
        article_recall=recall,
        cited_articles=[c.article_id for c in answer.citations],
    )


def summarise(results: list[QuestionResult]) -> dict[str, Any]:
    """The metrics object for one group of results (overall, or one question type)."""
    answerable = [r for r in results if not r.unanswerable]
    unanswerable = [r for r in results if r.unanswerable]
    judged = [r for r in answerable if r.first_relevant_rank is not None or r.article_recall is not None]
    ranks = [r.first_relevant_rank for r in judged]
    recalls = [r.article_recall for r in judged if r.article_recall is not None]
    seconds = [r.seconds for r in results]

    def share(items: list[QuestionResult], test: Callable[[QuestionResult], bool]) -> float | None:
        return round(sum(1 for r in items if test(r)) / len(items), 4) if items else None

    return {
        "n": len(results),
        "answers": {
            "accuracy": share(results, lambda r: r.correct),
            "refusal_accuracy": share(unanswerable, lambda r: r.refused),
            "false_refusal_rate": share(answerable, lambda r: r.refused),
            "n": len(results),
        },
        "retrieval": {
            "hits@4": round(hits_at(ranks, 4), 4) if judged else None,
            "hits@10": round(hits_at(ranks, 10), 4) if judged else None,
            "mrr@10": round(mrr(ranks), 4) if judged else None,
            "article_recall@10": round(sum(recalls) / len(recalls), 4) if recalls else None,
            "n": len(judged),
        },
        "latency": {"p50_s": round(percentile(seconds, 50), 2), "p95_s": round(percentile(seconds, 95), 2)},
    }


def run_eval(
    desk: Newsdesk, questions: Iterable[EvalQuestion], on_result: Callable[[QuestionResult], None] | None = None
) -> tuple[dict[str, Any], list[QuestionResult]]:
    results = []
    for q in questions:
        result = evaluate_question(desk, q)
        results.append(result)
        if on_result:
            on_result(result)
    metrics = summarise(results)
    groups: dict[str, list[QuestionResult]] = defaultdict(list)
    for r in results:
        groups[r.question_type].append(r)
    metrics["by_type"] = {name: summarise(group) for name, group in sorted(groups.items())}
    return metrics, results

