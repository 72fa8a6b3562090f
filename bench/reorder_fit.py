"""Training the reorder's trees (`qa/reorder.py`, `qa/reorder_model.json`) on MultiHop-RAG dev, and checking that
they generalise.

    .venv/bin/python bench/reorder_fit.py [--data-dir DIR] [--write]

For every judged dev question, the retriever's candidates before reordering (`NewsRetriever.candidates`: fused,
per-source picks first, as many as the reorder depth, then the article picks) are turned into the reorder's
feature rows and labelled by the paper's relevance rule (a gold fact, spaces removed, inside the chunk). The
questions are split five ways (twice, with two shuffles); each fifth is scored with a model trained on the other
four: the fused order alone, a logistic blend of the first six features (the default reorder), and the trees (for
every question, and as the ``reorder_trees`` setting uses them: for questions of several clauses), the last also
by question type. With ``--write``, the trees are then trained on all questions and saved where the product
reads them.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression

import newsdesk  # noqa: F401  (sets the offline environment)
from newsdesk.eval.corpus import store_for_articles
from newsdesk.eval.metrics import chunk_is_relevant, evidence_recall, first_relevant_rank
from newsdesk.eval.sets import load_set
from newsdesk.embedding import MiniLMEmbedding
from newsdesk.settings import load_settings
from newsdesk.store import open_store
from newsdesk.qa.engine import Newsdesk
from newsdesk.qa.reorder import FEATURES, MODEL_FILE, PERIOD_BONUS, TREE_PARTS, WEIGHTS, Trees, features, relevance
from newsdesk.qa.retrieval import cover_named_sources
from doc_section import Report

REPO = Path(__file__).resolve().parents[1]

SHARED = REPO.parent / "shared" / "eval" / "multihop-rag"
FOLDS = 5
SHUFFLES = (0, 1)
PERIOD = FEATURES.index("named_period")


def trees() -> HistGradientBoostingClassifier:
    return HistGradientBoostingClassifier(
        max_iter=200, learning_rate=0.05, max_leaf_nodes=15, min_samples_leaf=40, early_stopping=False,
        random_state=0,
    )


def blend() -> LogisticRegression:
    return LogisticRegression(C=10.0, max_iter=5000)


def scored(questions: list[dict], score: Callable[[dict], np.ndarray]) -> dict[str, float]:
    """Hits@4, Hits@10, MRR@10 and evidence recall@10 of each question's candidates ordered by ``score`` (of the
    question's record), the named sources then brought into the top 10 as the retriever does."""
    hits4 = hits10 = reciprocal = recall = 0.0
    for q in questions:
        s = score(q)
        order = sorted(range(len(s)), key=lambda i: (-s[i], i))
        chunks = cover_named_sources([q["chunks"][i] for i in order], q["groups"], 10)[:10]
        texts = [c.text for c in chunks]
        rank = first_relevant_rank(texts, q["facts"], 10)
        hits4 += rank is not None and rank <= 4
        hits10 += rank is not None
        reciprocal += 1 / rank if rank else 0
        recall += evidence_recall(texts, q["facts"], 10)
    n = len(questions)
    return {"hits@4": hits4 / n, "hits@10": hits10 / n, "mrr@10": reciprocal / n, "evidence_recall@10": recall / n}


def training(questions: list[dict], columns: slice = slice(None)) -> tuple[np.ndarray, np.ndarray]:
    return np.vstack([q["x"][:, columns] for q in questions]), np.concatenate([q["y"] for q in questions])


Scorer = Callable[[Any, dict], np.ndarray]  # (trained model, question record) -> its candidates' scores


def with_model(columns: slice = slice(None)) -> Scorer:
    """The model's log-odds over ``columns``, a named period counting ``PERIOD_BONUS`` more (as in the product)."""
    return lambda model, q: model.decision_function(q["x"][:, columns]) + PERIOD_BONUS * q["x"][:, PERIOD]


def trees_setting_on(model: Any, q: dict) -> np.ndarray:
    """The product's choice with ``reorder_trees`` on (`newsdesk.qa.reorder.relevance`): these trees for several clauses,
    the blend for one."""
    return relevance(q["x"], q["parts"], SimpleNamespace(log_odds=model.decision_function))


def held_out(
    questions: list[dict], make: Callable[[], Any], score: Scorer, columns: slice = slice(None)
) -> dict[str, dict[str, float]]:
    """The metrics of every question scored by a model trained without its fold, averaged over the shuffles: for
    "all" questions and for each question type."""
    totals: dict[str, dict[str, float]] = {}
    counts: dict[str, int] = {}
    for seed in SHUFFLES:
        shuffled = questions[:]
        random.Random(seed).shuffle(shuffled)
        folds = [shuffled[i::FOLDS] for i in range(FOLDS)]
        for i, fold in enumerate(folds):
            model = make().fit(*training([q for j, f in enumerate(folds) if j != i for q in f], columns))
            for q in fold:
                metrics = scored([q], lambda q: score(model, q))
                for group in ("all", q["type"]):
                    total = totals.setdefault(group, {})
                    for name, value in metrics.items():
                        total[name] = total.get(name, 0.0) + value
                    counts[group] = counts.get(group, 0) + 1
    return {group: {name: v / counts[group] for name, v in total.items()} for group, total in totals.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, help="where the cached eval store lives")
    parser.add_argument("--articles", type=Path, default=SHARED / "articles.jsonl")
    parser.add_argument("--questions", type=Path, default=SHARED / "questions.dev.jsonl")
    parser.add_argument("--write", action="store_true", help=f"train on all questions and save {MODEL_FILE.name}")
    parser.add_argument("--write-docs", action="store_true", help="write the figures into docs/benchmarks.md")
    args = parser.parse_args()
    report = Report("retrieval-held-out", "Retrieval quality held out: the reorders compared", args.write_docs)

    settings = store_for_articles(load_settings({"data_dir": args.data_dir}), [args.articles])
    embed = MiniLMEmbedding(settings.embed_batch_size, settings.cache_dir)  # as the product: questions by ONNX
    desk = Newsdesk(settings, open_store(settings), embed, lambda: None)
    # the candidates as the product gathers them for questions the trees reorder (with the article picks); the
    # gathering only asks whether there are trees, and the shipped ones may have been trained on other features
    retriever = desk.retriever(top_k=settings.reorder_depth, trees=Trees(0.0, {}))
    questions = []
    for q in load_set(str(args.questions))[0]:
        if q.unanswerable or not q.evidence_facts:
            continue
        chunks, question = retriever.candidates(q.question)
        questions.append({
            "x": features(question, chunks, desk.keyword_index),
            "y": np.array([chunk_is_relevant(c.text, q.evidence_facts) for c in chunks]),
            "chunks": chunks,
            "groups": question.source_groups,
            "parts": len(question.parts),
            "facts": q.evidence_facts,
            "type": q.question_type,
        })
    report.say(f"MultiHop-RAG dev, {len(questions)} judged questions, {settings.reorder_depth} candidates each (and the "
               f"article picks of the first {settings.article_expansion} candidate articles for questions of several "
               f"clauses), {len(FEATURES)} features. Each question is scored by a model trained on the other "
               f"{FOLDS - 1} fifths, averaged over {len(SHUFFLES)} shuffles: what to expect on new questions.")
    report.say()
    fixed_blend = np.array(WEIGHTS)
    shipped_held_out = held_out(questions, trees, trees_setting_on)
    rows = [
        ("none (fused order)", scored(questions, lambda q: q["x"][:, 0])),
        ("newsdesk.qa.reorder.WEIGHTS blend for every question", scored(questions, lambda q: q["x"][:, :6] @ fixed_blend)),
        ("logistic blend of the first 6 features",
         held_out(questions, blend, with_model(slice(0, 6)), slice(0, 6))["all"]),
        (f"trees, {len(FEATURES)} features, every question", held_out(questions, trees, with_model())["all"]),
        (f"trees for {TREE_PARTS}+ clauses, WEIGHTS blend for one (reorder_trees on)", shipped_held_out["all"]),
    ]
    try:
        shipped = Trees.load(MODEL_FILE)
        rows.append((f"shipped {MODEL_FILE.name} (trained on all: not held out)",
                     scored(questions, lambda q: relevance(q["x"], q["parts"], shipped))))
    except ValueError as stale:  # the features changed: --write replaces it
        print(f"(no row for the shipped model: {stale})\n")
    columns = ["hits@4", "hits@10", "mrr@10", "evidence_recall@10"]
    report.table(["reorder", *columns], [[name, *(f"{v:.3f}" for v in m.values())] for name, m in rows])
    report.say()
    report.say("With `reorder_trees` on (the default), held out, by question type:")
    report.say()
    report.table(["question type", "n", *columns], [
        [kind, len(questions) if kind == "all" else sum(q["type"] == kind for q in questions),
         *(f"{v:.3f}" for v in m.values())] for kind, m in sorted(shipped_held_out.items())])
    report.write()
    if args.write:
        model = trees().fit(*training(questions))
        MODEL_FILE.write_text(json.dumps(Trees.saved_form(model), separators=(",", ":")) + "\n", encoding="utf-8")
        x = training(questions)[0]
        drift = np.abs(Trees.load(MODEL_FILE).log_odds(x) - model.decision_function(x)).max()
        print(f"\nwrote {MODEL_FILE} ({MODEL_FILE.stat().st_size // 1024} KB); numpy reading vs scikit-learn: "
              f"largest difference {drift:.2e}")


if __name__ == "__main__":
    main()
