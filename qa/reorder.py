"""Reordering the fused candidates so the chunk that holds the fact comes first.

A news question is usually answered by one sentence, and BM25 scores a whole chunk: a chunk that mentions the
question's words across many sentences outranks the one sentence that says what was asked. So each candidate is
also scored by its best sentence's share of the question's keyword weight (each stemmed word weighted by its
rarity in the store), and the same for each clause of the question: a multi-hop question's facts each answer one
clause, so the chunk whose sentence holds most of one clause (best clause share high, mean over the clauses low)
is one of its pieces of evidence. These are blended with the candidate's place in the fused list and with
whether it comes from a source, or a period, the question names.

The blend is a logistic regression fitted on the MultiHop-RAG dev split (is this chunk relevant? from the
features below), checked by fitting on one half of the questions and scoring the other: `bench/reorder_fit.py`.
It costs one tokenization of ~30 chunks per question and no model call: a cross-encoder, or embedding the
candidates' sentences, would cost more than the whole latency budget on this CPU.
"""

from __future__ import annotations

from typing import AbstractSet as Set, Sequence

import numpy as np

from newsdesk.articles import Chunk
from newsdesk.keyword_index import KeywordIndex, tokenize
from qa.citations import split_sentences
from qa.query_analysis import Period

RANK_SPAN = 30  # place feature: 1 - place / SPAN, falling by the same step at every place (fitted MRR@10 beat
# 30 / (30 + place), whose steps shrink down the list: held-out halves 0.749 -> 0.759 and 0.738 -> 0.750)
FEATURES = ("place", "best_sentence_share", "best_clause_share", "mean_clause_share", "named_source", "named_period")
# All but the last fitted by bench/reorder_fit.py on all 677 judged dev questions. "named_period" fits to ~0 there
# (the dev questions' named days already pick their reports first, and almost no other chunk is from that day);
# it is set like "named_source" so that a reader's "in November 2023" outweighs a slightly better sentence from
# another month, and measured neutral on dev (reorder_fit: within 0.003 on every metric, both halves).
WEIGHTS = (4.0, 10.2, 3.7, -5.5, 2.4, 2.4)


def best_sentence_shares(queries: Sequence[dict[str, float]], texts: Sequence[str]) -> np.ndarray:
    """For each query (word -> weight) and text, the largest share of the query's total word weight that one of
    the text's sentences holds: one row per query."""
    sentences = [split_sentences(text) for text in texts]
    words = iter(tokenize([s for each in sentences for s in each]))  # one call: tokenizing is the cost here
    shares = np.zeros((len(queries), len(texts)))
    for column, each in enumerate(sentences):
        for sentence_words in (set(next(words)) for _ in each):
            held = [sum(query.get(w, 0.0) for w in sentence_words) for query in queries]
            shares[:, column] = np.maximum(shares[:, column], held)
    totals = np.array([sum(query.values()) for query in queries]).reshape(-1, 1)
    return np.divide(shares, totals, out=np.zeros_like(shares), where=totals > 0)


def features(
    question: str,
    parts: Sequence[str],
    candidates: Sequence[Chunk],
    index: KeywordIndex,
    sources: Set[str],
    periods: Sequence[Period],
) -> list[tuple[float, ...]]:
    """One row of ``FEATURES`` per candidate (given best first); ``parts``: the question's clauses (at least one),
    ``sources`` and ``periods``: what the question names."""
    queries = [index.rarity(set(words)) for words in tokenize([question, *parts])]
    shares = best_sentence_shares(queries, [c.text for c in candidates])
    best_clause, mean_clause = shares[1:].max(axis=0), shares[1:].mean(axis=0)
    return [
        (
            1 - (i + 1) / RANK_SPAN,
            float(shares[0, i]),
            float(best_clause[i]),
            float(mean_clause[i]),
            float(chunk.source in sources),
            float(any(p.holds(chunk.published_ts) for p in periods)),
        )
        for i, chunk in enumerate(candidates)
    ]


def reorder(candidates: Sequence[Chunk], rows: Sequence[Sequence[float]]) -> list[Chunk]:
    """The candidates (given best first) in order of their blended ``features`` rows; ties keep their given order."""
    score = [sum(w * x for w, x in zip(WEIGHTS, row)) for row in rows]
    order = sorted(range(len(candidates)), key=lambda i: (-score[i], i))
    return [candidates[i] for i in order]
