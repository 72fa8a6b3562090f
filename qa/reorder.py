"""Reordering the fused candidates so the chunk that holds the fact comes first.

A news question is usually answered by one sentence, and BM25 scores a whole chunk: a chunk that mentions the
question's words across many sentences outranks the one sentence that says what was asked. So each candidate is
also scored by its best sentence's share of the question's keyword weight (each stemmed word weighted by its
rarity in the store), and that share is blended with the candidate's place in the fused list and with whether
it comes from a source, or a period, the question names.

The blend is a logistic regression fitted on the MultiHop-RAG dev split (is this chunk relevant? from the
features below), checked by fitting on one half of the questions and scoring the other: `bench/reorder_fit.py`.
It costs one tokenization of ~30 chunks per question and no model call: a cross-encoder, or embedding the
candidates' sentences, would cost more than the whole latency budget on this CPU.
"""

from __future__ import annotations

from typing import AbstractSet as Set, Sequence

from newsdesk.articles import Chunk
from newsdesk.keyword_index import KeywordIndex, tokenize
from qa.citations import split_sentences
from qa.query_analysis import Period

RANK_DAMPING = 30  # place feature: DAMPING / (DAMPING + place), 1.0 at the top falling to 0.5 at place 30
FEATURES = ("place", "best_sentence_share", "named_source", "named_period")
# The first three fitted by bench/reorder_fit.py on all 677 judged dev questions. "named_period" fits to ~0 there
# (the dev questions' named days already pick their reports first, and almost no other chunk is from that day);
# it is set like "named_source" so that a reader's "in November 2023" outweighs a slightly better sentence from
# another month, and measured neutral on dev (reorder_fit: within 0.003 on every metric, both halves).
WEIGHTS = (7.6, 8.8, 2.5, 2.5)


def best_sentence_shares(question_words: dict[str, float], texts: Sequence[str]) -> list[float]:
    """For each text, the largest share of the question's total word weight that one of its sentences holds."""
    total = sum(question_words.values())
    sentences = [split_sentences(text) for text in texts]
    words = iter(tokenize([s for each in sentences for s in each]))  # one call: tokenizing is the cost here
    shares = []
    for each in sentences:
        held = [sum(question_words.get(w, 0.0) for w in set(next(words))) for _ in each]
        shares.append(max(held, default=0.0) / total if total else 0.0)
    return shares


def features(
    question: str, candidates: Sequence[Chunk], index: KeywordIndex, sources: Set[str], periods: Sequence[Period]
) -> list[tuple[float, ...]]:
    """One row of ``FEATURES`` per candidate (given best first); ``sources`` and ``periods``: what the question
    names."""
    question_words = index.rarity(set(tokenize([question])[0]))
    shares = best_sentence_shares(question_words, [c.text for c in candidates])
    return [
        (
            RANK_DAMPING / (RANK_DAMPING + place),
            share,
            float(chunk.source in sources),
            float(any(p.holds(chunk.published_ts) for p in periods)),
        )
        for place, (chunk, share) in enumerate(zip(candidates, shares), start=1)
    ]


def reorder(
    question: str, candidates: Sequence[Chunk], index: KeywordIndex, sources: Set[str], periods: Sequence[Period]
) -> list[Chunk]:
    """The candidates (given best first) in blended order; ties keep their given order."""
    rows = features(question, candidates, index, sources, periods)
    score = [sum(w * x for w, x in zip(WEIGHTS, row)) for row in rows]
    order = sorted(range(len(candidates)), key=lambda i: (-score[i], i))
    return [candidates[i] for i in order]
