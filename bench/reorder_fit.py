"""Fitting the reorder's weights (`qa/reorder.py`) on MultiHop-RAG dev, and checking that they generalise.

    .venv/bin/python bench/reorder_fit.py [--data-dir DIR] [--depth 30]

For every judged dev question, the retriever's first ``--depth`` candidates (fused, per-source picks first, not
reordered) are turned into the reorder's feature rows and labelled by the paper's relevance rule (a gold fact,
spaces removed, inside the chunk). A logistic regression (scikit-learn, which sentence-transformers brings) is
fitted on one half of the questions and the reordered top 10 scored on the other half, both ways round; then it is
fitted on all of them and the weights to copy into ``qa.reorder.WEIGHTS`` are printed.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

import newsdesk  # noqa: E402,F401
from eval.corpus import store_for_articles  # noqa: E402
from eval.metrics import chunk_is_relevant, evidence_recall, first_relevant_rank  # noqa: E402
from eval.sets import load_set  # noqa: E402
from newsdesk.embedding import MiniLMEmbedding  # noqa: E402
from newsdesk.settings import load_settings  # noqa: E402
from newsdesk.store import open_store  # noqa: E402
from qa.engine import Newsdesk  # noqa: E402
from qa.query_analysis import named_periods, named_sources, question_parts, source_aliases  # noqa: E402
from qa.reorder import FEATURES, WEIGHTS, features  # noqa: E402

SHARED = REPO.parent / "shared" / "eval" / "multihop-rag"


def scored(questions: list[dict], weights: np.ndarray) -> dict[str, float]:
    """Hits@4, Hits@10, MRR@10 and evidence recall@10 of the candidates reordered by ``weights``."""
    hits4 = hits10 = reciprocal = recall = 0.0
    for q in questions:
        order = np.argsort(-(q["x"] @ weights), kind="stable")[:10]
        texts = [q["texts"][i] for i in order]
        rank = first_relevant_rank(texts, q["facts"], 10)
        hits4 += rank is not None and rank <= 4
        hits10 += rank is not None
        reciprocal += 1 / rank if rank else 0
        recall += evidence_recall(texts, q["facts"], 10)
    n = len(questions)
    return {"hits@4": hits4 / n, "hits@10": hits10 / n, "mrr@10": reciprocal / n, "evidence_recall@10": recall / n}


def fit(questions: list[dict]) -> np.ndarray:
    x = np.vstack([q["x"] for q in questions])
    y = np.concatenate([q["y"] for q in questions])
    return LogisticRegression(C=10.0, max_iter=5000).fit(x, y).coef_[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, help="where the cached eval store lives")
    parser.add_argument("--articles", type=Path, default=SHARED / "articles.jsonl")
    parser.add_argument("--questions", type=Path, default=SHARED / "questions.dev.jsonl")
    parser.add_argument("--depth", type=int, default=30)
    args = parser.parse_args()

    settings = store_for_articles(load_settings({"data_dir": args.data_dir}), args.articles).replace(reorder_depth=0)
    desk = Newsdesk(settings, open_store(settings), MiniLMEmbedding(), lambda: None)
    desk.keyword_index.ensure_current(desk.store)
    aliases = source_aliases(desk.keyword_index.sources())
    questions = []
    for q in load_set(str(args.questions))[0]:
        if q.unanswerable or not q.evidence_facts:
            continue
        chunks = [p.chunk for p in desk.retrieve(q.question, top_k=args.depth)]
        named = set().union(*named_sources(q.question, aliases))
        periods = named_periods(q.question, desk.keyword_index.newest())
        questions.append({
            "x": np.array(features(q.question, question_parts(q.question), chunks, desk.keyword_index, named, periods)),
            "y": np.array([chunk_is_relevant(c.text, q.evidence_facts) for c in chunks]),
            "texts": [c.text for c in chunks],
            "facts": q.evidence_facts,
        })
    random.Random(0).shuffle(questions)
    halves = [questions[::2], questions[1::2]]
    place_only = np.eye(len(FEATURES))[0]
    print(f"{len(questions)} judged questions, features {FEATURES}, depth {args.depth}")
    print("| weights | scored on | hits@4 | hits@10 | mrr@10 | evidence_recall@10 |\n|---|---|---|---|---|---|")
    rows = [("none (fused order)", place_only, 0), ("none (fused order)", place_only, 1)]
    rows += [(f"fitted on half {1 - i}", fit(halves[1 - i]), i) for i in (0, 1)]
    rows += [("qa.reorder.WEIGHTS", np.array(WEIGHTS), i) for i in (0, 1)]
    for name, weights, half in rows:
        m = scored(halves[half], weights)
        print(f"| {name} | half {half} | " + " | ".join(f"{v:.3f}" for v in m.values()) + " |")
    weights = fit(questions)
    print("fitted on all:", ", ".join(f"{n} {w:.2f}" for n, w in zip(FEATURES, weights)))


if __name__ == "__main__":
    main()
