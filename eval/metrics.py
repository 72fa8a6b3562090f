"""Metric functions, each small enough to check by hand; MultiHop-RAG's retrieval protocol is followed exactly."""

from __future__ import annotations

import re
import string
from typing import Sequence

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCT = str.maketrans({c: " " for c in string.punctuation + "“”‘’"})


def normalise(text: str) -> str:
    """Lower case, no punctuation, no English articles, single spaces (SQuAD-style)."""
    text = _ARTICLES.sub(" ", text.lower().translate(_PUNCT))
    return " ".join(text.split())


def answer_correct(prediction: str, gold: str) -> bool:
    """Strict normalised match: yes/no must match exactly; otherwise the gold answer is contained in the prediction."""
    pred, want = normalise(prediction), normalise(gold)
    if not want:
        return False
    if want in ("yes", "no"):
        first = pred.split(" ", 1)[0] if pred else ""
        return first == want
    return re.search(rf"(^| ){re.escape(want)}( |$)", pred) is not None


def _squash(text: str) -> str:
    """The paper's rule: spaces and newlines removed before substring matching."""
    return text.replace(" ", "").replace("\n", "")


def chunk_is_relevant(chunk_text: str, facts: Sequence[str]) -> bool:
    squashed = _squash(chunk_text)
    return any(_squash(f) in squashed for f in facts)


def first_relevant_rank(chunk_texts: Sequence[str], facts: Sequence[str], k: int = 10) -> int | None:
    """1-based rank of the first chunk holding a gold fact within the top k, or None for a miss."""
    for rank, text in enumerate(chunk_texts[:k], start=1):
        if chunk_is_relevant(text, facts):
            return rank
    return None


def hits_at(ranks: Sequence[int | None], k: int) -> float:
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks) if ranks else 0.0


def mrr(ranks: Sequence[int | None]) -> float:
    """Mean reciprocal rank; a miss counts 0."""
    return sum(1.0 / r for r in ranks if r is not None) / len(ranks) if ranks else 0.0


def article_recall(retrieved_ids: Sequence[str], gold_ids: Sequence[str]) -> float:
    """Share of the gold evidence articles among the retrieved chunks' articles."""
    gold = set(gold_ids)
    return len(gold & set(retrieved_ids)) / len(gold) if gold else 0.0


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, int(round(q / 100 * len(ordered) + 0.5)) - 1))
    return ordered[index]
