"""Reordering the fused candidates so the chunk that holds the fact comes first.

A news question is usually answered by one sentence, and BM25 scores a whole chunk: a chunk that mentions the
question's words across many sentences outranks the one sentence that says what was asked. So each candidate is
also scored by its best sentence's share of the question's keyword weight (each stemmed word weighted by its
rarity in the store), and the same for each clause of the question: a multi-hop question's facts each answer one
clause, so the chunk whose sentence holds most of one clause (best clause share high, mean over the clauses low)
is one of its pieces of evidence. Beside those: the candidate's place in the fused list, its BM25 score for the
question and for each clause (as a share of the best in the store), its cosine similarity to the question, its best
place for any clause among the candidates and for how many clauses it is among the best three, where it stands
among the other candidates of its own article (an article found by several chunks is likely evidence; which of
them holds the fact is the question) and where in the article it is, its best and mean place among all its
article's chunks by each clause's BM25 score and how many chunks the article has, and whether it comes from a
source, or a period, the question names.

A question of several clauses (MultiHop-RAG's kind: "…according to Fortune, and … as per The Verge") is reordered
by a small gradient-boosted tree model over all of them (`reorder_model.json`, 200 trees of at most 15 leaves, read
here with numpy), trained on the MultiHop-RAG dev split: is this chunk relevant? Trees capture what a weighted sum
cannot, e.g. that a high BM25 score means little for the third chunk of an article already found. Checked by
training on four fifths of the dev questions and scoring the rest (`bench/reorder_fit.py`, two shuffles): against
the logistic blend of the first six features, Hits@4 0.889 -> 0.927, MRR@10 0.752 -> 0.837, evidence recall@10
0.739 -> 0.808 (the candidates including ``qa.retrieval``'s article and sentence picks). With the default 1.5B
answer model, on two samples of 100 fresh inference, unanswerable and other open questions, trees trained without
them (before the article picks) answered more right (0.76 -> 0.83 and 0.59 -> 0.63) and still refused 0.93 and
0.96 of the unanswerable ones, once questions citing a publication the store lacks are refused
(``qa.publications``). The ``reorder_trees`` setting set to false gives the blend to every question. A question
of one clause (a reader's "what did the storm do to the ferry?") always gets the blend: the trees learnt from long
questions, where a chunk's BM25 score is a reliable signal, and rank a chunk that repeats a short question's words
above the one sentence that answers it.

For a question the trees reorder, the embedding model also reads each clause on its own, and each candidate is
scored by its best sentence's cosine to the question and to each clause: the sentences were embedded one by one at
ingest (``newsdesk.store``), because a fact is one sentence and a clause often words it otherwise than the article.

It costs one tokenization of 30-50 chunks, one embedding of the clauses and a few thousand array lookups per
question: a cross-encoder, or embedding the candidates' sentences at question time, would cost more than the whole
latency budget on this CPU.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import AbstractSet as Set, Any, Sequence

import numpy as np

from newsdesk.articles import Chunk, article_of
from newsdesk.keyword_index import KeywordIndex, QueryScores, tokenize
from newsdesk.qa.query_analysis import Period

RANK_SPAN = 30  # place feature: 1 - place / SPAN, falling by the same step at every place (fitted MRR@10 beat
# 30 / (30 + place), whose steps shrink down the list: held-out halves 0.749 -> 0.759 and 0.738 -> 0.750)
FEATURES = (
    "place", "best_sentence_share", "best_clause_share", "mean_clause_share", "named_source", "named_period",
    "keyword_score", "best_clause_keyword", "mean_clause_keyword", "similarity", "similarity_gap",
    "article_place", "article_candidates", "article_best_keyword", "keyword_gap_in_article",
    "best_clause_place", "clauses_in_top3", "clause_place_in_article", "chunk_in_article",
    "best_clause_rank_in_article", "mean_clause_rank_in_article", "article_chunks",
    "sentence_similarity", "sentence_similarity_gap", "best_clause_sentence_similarity",
    "mean_clause_sentence_similarity", "best_clause_sentence_place",
)
# "named_period" is learned as ~0 on dev (its questions' named days already pick their reports first, and almost
# no other chunk is from that day), so a bonus is added by hand, in the trees' log-odds: a reader's "in November
# 2023" outweighs a slightly better sentence from another month. Measured neutral on dev (within 0.002).
PERIOD_BONUS = 2.4
# The blend for one-clause questions, over the first six features: fitted by logistic regression on all 677 judged
# dev questions, "named_period" set like "named_source" (it fits to ~0 there, as above).
WEIGHTS = (4.0, 10.2, 3.7, -5.5, 2.4, 2.4)
TREE_PARTS = 2  # questions of at least this many clauses are reordered by the trees
MODEL_FILE = Path(__file__).with_name("reorder_model.json")


@dataclass(frozen=True)
class Question:
    """What the retriever already knows of the question, read again by the reorder rather than recomputed."""

    text: str
    parts: Sequence[str]  # its clauses, at least one
    source_groups: Sequence[Set[str]] = ()  # the sources it names, each with its aliases' stored names
    periods: Sequence[Period] = ()  # the periods it names
    keyword: QueryScores | None = None  # BM25 of the whole question
    part_keywords: Sequence[QueryScores | None] = ()  # BM25 of each clause
    similarity: dict[str, float] = field(default_factory=dict)  # chunk id -> cosine to the question
    vector: Sequence[float] = ()  # its embedding
    clause_vectors: Sequence[Sequence[float]] = ()  # each clause's, embedded alone (for questions the trees reorder)
    sentences: dict[str, np.ndarray] = field(default_factory=dict)  # chunk id -> its sentences' vectors, a row each

    @property
    def sources(self) -> set[str]:
        return set().union(*self.source_groups)

    @property
    def matched_parts(self) -> list[QueryScores]:
        """The BM25 scores of the clauses holding an indexed word."""
        return [s for s in self.part_keywords if s is not None]


def features(question: Question, candidates: Sequence[Chunk], index: KeywordIndex) -> np.ndarray:
    """One row of ``FEATURES`` per candidate (given best first, as fused)."""
    n = len(candidates)
    ids = [c.chunk_id for c in candidates]
    queries = [index.rarity(set(words)) for words in tokenize([question.text, *question.parts])]
    shares = index.best_sentence_shares(queries, ids)
    keyword = question.keyword.relative(ids) if question.keyword is not None else np.zeros(n)
    clauses = np.array(
        [s.relative(ids) if s is not None else np.zeros(n) for s in question.part_keywords] or [keyword]
    )
    similarity = np.array([question.similarity.get(i, 0.0) for i in ids])
    article_place, article_count, article_best = np.zeros(n), {}, {}
    for i, chunk in enumerate(candidates):
        article_place[i] = article_count.get(chunk.article_id, 0)
        article_count[chunk.article_id] = article_place[i] + 1
        article_best[chunk.article_id] = max(article_best.get(chunk.article_id, 0.0), keyword[i])
    best_of_article = np.array([article_best[c.article_id] for c in candidates])
    clause_place = np.argsort(np.argsort(-shares[1:], axis=1, kind="stable"), axis=1)  # per clause, 0 = best share
    best_clause = shares[1:].max(axis=0)
    articles = np.array([c.article_id for c in candidates])
    named = question.sources
    return np.column_stack([
        1 - (np.arange(n) + 1) / RANK_SPAN,
        shares[0],
        best_clause,
        shares[1:].mean(axis=0),
        [c.source in named for c in candidates],
        [any(p.holds(c.published_ts) for p in question.periods) for c in candidates],
        keyword,
        clauses.max(axis=0),
        clauses.mean(axis=0),
        similarity,
        similarity - (similarity.max() if n else 0.0),
        article_place,
        [article_count[c.article_id] for c in candidates],
        best_of_article,
        keyword - best_of_article,
        clause_place.min(axis=0),
        (clause_place < 3).sum(axis=0),
        [np.sum((articles == articles[i]) & (best_clause > best_clause[i])) for i in range(n)],
        [c.index for c in candidates],
        *ranks_in_article(question, ids),
        *sentence_similarities(question, ids),
    ]).reshape(n, len(FEATURES)).astype(np.float64)


def sentence_similarities(question: Question, ids: Sequence[str]) -> np.ndarray:
    """For each chunk: its best sentence's cosine to the question, that less the best of any candidate's, its best
    and mean over the clauses of its best sentence's cosine to the clause, and its best place among the candidates
    by a clause's cosine (0: first for some clause). Zeros without clause vectors (a question the blend reorders).
    A clause is often worded otherwise than the sentence that answers it, which BM25 cannot see (MultiHop-RAG dev,
    trees held out: evidence recall@10 0.788 -> 0.793, and 0.808 with the retriever's sentence picks; MRR@10 0.822 ->
    0.837)."""
    if not question.clause_vectors or not ids:
        return np.zeros((5, len(ids)))
    vectors = np.asarray([question.vector, *question.clause_vectors], dtype=np.float32)
    best = np.zeros((len(vectors), len(ids)))  # question and clauses x chunk: its best sentence's cosine
    for i, chunk_id in enumerate(ids):
        rows = question.sentences.get(chunk_id)
        if rows is not None and len(rows):
            best[:, i] = (rows @ vectors.T).max(axis=0)
    whole, clauses = best[0], best[1:]
    places = np.argsort(np.argsort(-clauses, axis=1, kind="stable"), axis=1)
    return np.array([whole, whole - whole.max(), clauses.max(axis=0), clauses.mean(axis=0), places.min(axis=0)])


def ranks_in_article(question: Question, ids: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each chunk: its best and mean place among all its article's chunks by each clause's BM25 score (0: the
    article's best for that clause), and how many chunks the article has. A long article's chunk is less likely
    the one holding a fact, unless it is the article's best for a clause (MultiHop-RAG dev, trees held out: evidence
    recall@10 0.776 -> 0.788, MRR@10 0.804 -> 0.822)."""
    clauses = question.matched_parts or [s for s in [question.keyword] if s is not None]
    best, mean, length = np.zeros(len(ids)), np.zeros(len(ids)), np.ones(len(ids))
    if not clauses:
        return best, mean, length
    indexed = clauses[0].chunks
    places_in: dict[str, dict[int, np.ndarray]] = {}  # article -> its chunks' rows -> their place for each clause
    for i, chunk_id in enumerate(ids):
        row = indexed.rows.get(chunk_id)
        if row is None:  # not in the keyword index (the store changed since): no article to rank it in
            continue
        article = article_of(chunk_id)
        if article not in places_in:  # several candidates often share an article: rank its chunks once
            rows = indexed.article_rows[article]
            scores = np.array([s.scores[rows] for s in clauses])  # clause x the article's chunks
            places = (scores[:, None, :] > scores[:, :, None]).sum(axis=2)  # clause x chunk: chunks scoring higher
            places_in[article] = dict(zip(rows.tolist(), places.T))
        places = places_in[article][row]
        best[i], mean[i], length[i] = places.min(), places.mean(), len(places_in[article])
    return best, mean, length


@dataclass(frozen=True)
class Trees:
    """A gradient-boosted tree ensemble (scikit-learn's HistGradientBoostingClassifier nodes), one row of each
    array per tree, padded to the largest tree: a node sends a row left when its feature is at most the node's
    threshold. Every (tree, row) pair walks at once, one level an array step, and leaves the walk at its leaf: most
    paths are short, so 30 rows cost ~1.7 ms, where walking all pairs to the deepest leaf cost ~4.8."""

    baseline: float
    arrays: dict[str, np.ndarray]  # feature, threshold, left, right, leaf, value: (trees, nodes) each

    @staticmethod
    def saved_form(model: Any) -> dict[str, Any]:
        """A trained HistGradientBoostingClassifier over ``FEATURES`` as the JSON that ``load`` reads."""
        keep = {"feature": "feature_idx", "threshold": "num_threshold", "left": "left", "right": "right",
                "leaf": "is_leaf", "value": "value"}
        return {
            "features": list(FEATURES),
            "baseline": float(np.ravel(model._baseline_prediction)[0]),
            "trees": [{k: predictor.nodes[field].tolist() for k, field in keep.items()}
                      for (predictor,) in model._predictors],
        }

    @classmethod
    def load(cls, path: Path) -> "Trees":
        saved = json.loads(path.read_text(encoding="utf-8"))
        if tuple(saved["features"]) != FEATURES:
            raise ValueError(f"{path} was trained on features {saved['features']}, this code computes {FEATURES}")
        kinds = {"feature": np.int64, "threshold": np.float64, "left": np.int64, "right": np.int64,
                 "leaf": bool, "value": np.float64}
        width = max(len(t["leaf"]) for t in saved["trees"])
        arrays = {}
        for name, kind in kinds.items():
            padded = np.zeros((len(saved["trees"]), width), dtype=kind)  # padding is never reached
            for i, tree in enumerate(saved["trees"]):
                padded[i, : len(tree[name])] = tree[name]
            arrays[name] = padded
        return cls(saved["baseline"], arrays)

    def log_odds(self, rows: np.ndarray) -> np.ndarray:
        """Each row's log-odds of being relevant."""
        a = self.arrays
        count, width = a["leaf"].shape
        base = np.repeat(np.arange(count) * width, len(rows))  # each tree's root, once per row (tree-major)
        at = base.copy()
        cell = np.tile(np.arange(len(rows)) * rows.shape[1], count)  # where each pair's row starts in ``values``
        values = rows.ravel()
        walking = np.flatnonzero(~a["leaf"].flat[at])  # (tree, row) pairs not yet at a leaf; most stop early
        while len(walking):
            node = at[walking]
            go_left = values[cell[walking] + a["feature"].flat[node]] <= a["threshold"].flat[node]
            at[walking] = base[walking] + np.where(go_left, a["left"].flat[node], a["right"].flat[node])
            walking = walking[~a["leaf"].flat[at[walking]]]
        return self.baseline + a["value"].flat[at].reshape(count, len(rows)).sum(axis=0)


@cache
def shipped_trees() -> Trees:
    return Trees.load(MODEL_FILE)


def reorder(
    candidates: Sequence[Chunk], rows: np.ndarray, question: Question, trees: Trees | None = None
) -> list[Chunk]:
    """The candidates (given best first) in order of their ``features`` rows' score (``relevance``); ties keep
    their given order."""
    score = relevance(rows, len(question.parts), trees)
    order = sorted(range(len(candidates)), key=lambda i: (-score[i], i))
    return [candidates[i] for i in order]


def by_trees(parts: int, trees: Trees | None) -> bool:
    """Whether a question of ``parts`` clauses is reordered by ``trees`` rather than by the blend."""
    return trees is not None and parts >= TREE_PARTS


def relevance(rows: np.ndarray, parts: int, trees: Trees | None = None) -> np.ndarray:
    """Each ``features`` row's score for a question of ``parts`` clauses, higher for likelier to hold the fact: the
    trees' log-odds (a named period counting ``PERIOD_BONUS`` more) when given and the question has at least
    ``TREE_PARTS`` clauses, else the ``WEIGHTS`` blend."""
    if not len(rows):
        return np.zeros(0)
    if not by_trees(parts, trees):
        return rows[:, : len(WEIGHTS)] @ np.array(WEIGHTS)
    return trees.log_odds(rows) + PERIOD_BONUS * rows[:, FEATURES.index("named_period")]
