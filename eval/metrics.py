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


def facts_found(chunk_texts: Sequence[str], facts: Sequence[str], k: int = 10) -> list[tuple[int, str]]:
    """(rank, fact) for each gold fact at the rank where it first appears in the top k."""
    found: list[tuple[int, str]] = []
    seen: set[str] = set()
    for rank, text in enumerate(chunk_texts[:k], start=1):
        squashed = _squash(text)
        for fact in facts:
            if fact not in seen and _squash(fact) in squashed:
                seen.add(fact)
                found.append((rank, fact))
    return found


def average_precision(chunk_texts: Sequence[str], facts: Sequence[str], k: int = 10) -> float:
    """MultiHop-RAG's MAP@k term for one question: each rank contributes (gold facts first found there) / rank,
    and the sum is divided by min(number of facts, k)."""
    if not facts:
        return 0.0
    return sum(1.0 / rank for rank, _ in facts_found(chunk_texts, facts, k)) / min(len(facts), k)


def evidence_recall(chunk_texts: Sequence[str], facts: Sequence[str], k: int = 10) -> float:
    """Share of the gold facts found in the top k (multi-hop answers need all of them)."""
    return len(facts_found(chunk_texts, facts, k)) / len(set(facts)) if facts else 0.0


def lenient_correct(prediction: str, gold: str) -> bool:
    """The paper's answer scorer: correct when the lower-cased prediction shares a whitespace-split word with the gold."""
    return bool(set(prediction.lower().split()) & set(gold.lower().split()))


def token_f1(prediction: str, gold: str) -> float:
    """SQuAD-style F1 over normalised tokens."""
    pred, want = normalise(prediction).split(), normalise(gold).split()
    if not pred or not want:
        return float(pred == want)
    common = sum(min(pred.count(t), want.count(t)) for t in set(pred) & set(want))
    if common == 0:
        return 0.0
    precision, recall = common / len(pred), common / len(want)
    return 2 * precision * recall / (precision + recall)
