"""The eval suite: metric functions on hand-made cases, set loading and sampling, and `newsdesk eval` end to end
(real store, real MiniLM, SmolLM2 through xllamacpp): results, report, plots, resume after a kill, compare."""

from __future__ import annotations

import json
import signal
from collections import Counter
from pathlib import Path

import pytest

from newsdesk.eval.compare import compare_runs
from newsdesk.eval.metrics import average_precision, evidence_recall, lenient_correct, token_f1
from newsdesk.eval.sets import FALSE_PREMISE_TYPE, load_set, select
from newsdesk.eval.run import QuestionResult, metrics_for, summarise
from tests.conftest import REPO, SHARED, run_cli

SEED_SET = REPO / "eval" / "sets" / "seed.jsonl"
MULTIHOP = SHARED / "eval" / "multihop-rag" / "questions.dev.jsonl"


def test_map_follows_the_paper_definition() -> None:
    chunks = ["fact one here", "nothing", "fact two", "fact one again"]
    # fact one first found at rank 1, fact two at rank 3: (1/1 + 1/3) / min(2, 10)
    assert average_precision(chunks, ["fact one", "fact two"]) == pytest.approx((1 + 1 / 3) / 2)
    assert average_precision(["x"] * 10, ["fact"]) == 0.0
    assert evidence_recall(chunks, ["fact one", "fact two", "fact three"]) == pytest.approx(2 / 3)
    assert evidence_recall(["factone"], ["fact one"]) == 1.0  # spaces removed on both sides, as the paper does


def test_lenient_accuracy_and_token_f1() -> None:
    assert lenient_correct("Sam Bankman-Fried is accused", "Sam Bankman-Fried")
    assert lenient_correct("The answer is yes", "Yes")
    assert not lenient_correct("No.", "Yes")
    assert token_f1("Todd Robinson", "Todd D. Robinson") == pytest.approx(2 * 1.0 * (2 / 3) / (1 + 2 / 3))
    assert token_f1("Paris", "London") == 0.0


def test_sets_load_as_they_are_and_bad_lines_are_skipped_with_their_number(tmp_path: Path) -> None:
    questions, problems = load_set(str(MULTIHOP))
    assert len(questions) == 767 and problems == []
    assert sum(q.unanswerable for q in questions) == 90
    seed, problems = load_set(str(SEED_SET))
    assert len(seed) >= 5 and problems == [] and any(q.unanswerable for q in seed)

    broken = tmp_path / "set.jsonl"
    broken.write_text('{"question": "Q1?", "answer": "A"}\n{oops\n{"answer": "no question"}\n{"question": "Q2?", "answer": "B"}\n')
    questions, problems = load_set(str(broken))
    assert [q.question for q in questions] == ["Q1?", "Q2?"]
    assert [p.split(": ")[0] for p in problems] == [f"{broken}:2", f"{broken}:3"]

    dated = tmp_path / "dated.jsonl"
    dated.write_text('{"question": "Who won yesterday?", "answer": "A", "asked_at": "2023-11-06"}\n'
                     '{"question": "Q?", "answer": "B", "asked_at": "someday"}\n{"question": "Q3?", "answer": "C"}\n')
    questions, problems = load_set(str(dated))
    assert [q.asked_at for q in questions] == [1699228800, None]  # 2023-11-06 00:00 UTC; none: asked now
    assert problems == [f"{dated}:2: skipped (unrecognised date 'someday' (use ISO 8601, e.g. 2023-10-04T23:32:53+00:00))"]


def test_stratified_sample_is_fixed_by_the_seed_and_keeps_type_shares() -> None:
    questions, _ = load_set(str(MULTIHOP))
    sample = select(questions, sample=100, seed=7)
    assert len(sample) == 100
    assert [q.id for q in sample] == [q.id for q in select(questions, sample=100, seed=7)]
    assert [q.id for q in sample] != [q.id for q in select(questions, sample=100, seed=8)]
    counts = Counter(q.question_type for q in sample)
    assert counts == {"comparison_query": 33, "inference_query": 32, "temporal_query": 23, "null_query": 12}
    assert {q.question_type for q in select(questions, types=["null_query"], limit=5)} == {"null_query"}


def test_eval_run_resumes_after_a_kill_and_writes_the_report(seed_store: Path, smollm2: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    args = ("eval", str(SEED_SET), "--out", str(out), "--llm-gguf", str(smollm2))
    killed = run_cli(*args, data_dir=seed_store, NEWSDESK_FAILPOINT="eval-after-question:3")
    assert killed.code == -signal.SIGKILL
    assert len((out / "results.jsonl").read_text().splitlines()) == 3

    resumed = run_cli(*args, "--json", data_dir=seed_store)
    assert resumed.code == 0, resumed.stderr
    assert "resumed: 3 questions were already finished, 10 run now" in resumed.stderr
    ids = [json.loads(line)["id"] for line in (out / "results.jsonl").read_text().splitlines()]
    assert sorted(ids) == sorted(f"seed-{i:02d}" for i in range(1, 14))

    metrics = resumed.json()
    assert metrics["n"] == 13
    assert set(metrics["retrieval"]) == {"hits@4", "hits@10", "mrr@10", "map@10", "evidence_recall@10", "article_recall@10", "n"}
    assert set(metrics["answers"]) == {"accuracy", "lenient_accuracy", "token_f1", "yes_no_accuracy", "always_yes_baseline",
                                       "false_confirmation_rate", "refusal_accuracy", "false_refusal_rate", "citation_precision", "unsupported_rate",
                                       "n"}
    assert set(metrics["latency"]) == {"p50_s", "p95_s"}
    assert set(metrics["by_type"]) == {"seed", "null_query", "follow_up", "yes_no"}
    assert metrics["retrieval"]["hits@4"] == 1.0 and metrics["answers"]["refusal_accuracy"] == 1.0
    for name in ("report.md", "report.html", "by_type.png", "latency.png", "ranks.png", "metrics.json", "config.json"):
        assert (out / name).stat().st_size > 0, name
    assert (out / "by_type.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    report = (out / "report.md").read_text()
    assert "| all | 13 |" in report and "git_commit" in report and "## The" in report

    different = run_cli(*args, "--top-k", "3", data_dir=seed_store)
    assert different.code == 2 and "holds a run with a different configuration (top_k)" in different.stderr


def test_retrieval_only_run(seed_store: Path, tmp_path: Path) -> None:
    result = run_cli("eval", str(SEED_SET), "--retrieval-only", "--json", "--out", str(tmp_path / "r"),
                     "--llm-gguf", "/nonexistent.gguf", data_dir=seed_store)
    assert result.code == 0, result.stderr
    metrics = result.json()
    assert metrics["answers"]["n"] == 0 and metrics["answers"]["accuracy"] is None
    assert metrics["retrieval"]["n"] == 11 and metrics["retrieval"]["mrr@10"] == 1.0


def write_run(folder: Path, correct: dict[str, bool], accuracy: float) -> None:
    folder.mkdir()
    lines = [json.dumps({"id": i, "question_type": "t", "question": "q", "gold": "g", "unanswerable": False,
                         "seconds": 1.0, "prediction": "p", "refused": False, "correct": c}) for i, c in correct.items()]
    (folder / "results.jsonl").write_text("\n".join(lines) + "\n")
    section = {"answers": {"accuracy": accuracy}, "retrieval": {}, "latency": {}, "n": len(correct)}
    (folder / "metrics.json").write_text(json.dumps({**section, "by_type": {"t": section}}))


def test_compare_lists_deltas_and_flipped_questions(tmp_path: Path, data_dir: Path) -> None:
    write_run(tmp_path / "a", {"q1": True, "q2": False, "q3": True}, 2 / 3)
    write_run(tmp_path / "b", {"q1": False, "q2": True, "q3": True}, 2 / 3 + 0.1)
    comparison = compare_runs(tmp_path / "a", tmp_path / "b")
    assert comparison["right_to_wrong"] == ["q1"] and comparison["wrong_to_right"] == ["q2"]
    assert comparison["metrics"]["all"]["accuracy"]["delta"] == pytest.approx(0.1)

    printed = run_cli("eval", "compare", str(tmp_path / "a"), str(tmp_path / "b"), data_dir=data_dir)
    assert printed.code == 0, printed.stderr
    assert "right → wrong (1): q1" in printed.stdout and "wrong → right (1): q2" in printed.stdout
    missing = run_cli("eval", "compare", str(tmp_path / "a"), str(tmp_path / "nope"), data_dir=data_dir)
    assert missing.code == 2 and "no metrics.json" in missing.stderr


def test_yes_no_accuracy_is_reported_beside_the_always_yes_baseline() -> None:
    def result(i: int, gold: str, correct: bool) -> QuestionResult:
        return QuestionResult(id=f"q{i}", question_type="t", question="q", gold=gold, unanswerable=False, seconds=1.0,
                              prediction="p", short_answer="p", refused=False, correct=correct)

    answers = summarise([result(1, "Yes", True), result(2, "no", True), result(3, "No.", False),
                         result(4, "Yes", False), result(5, "Imran Khan", True)])["answers"]
    assert answers["yes_no_accuracy"] == 0.5  # of the four yes/no questions, the Imran Khan one left out
    assert answers["always_yes_baseline"] == 0.5
    assert answers["accuracy"] == 0.6


def test_false_confirmations_count_false_claims_answered_yes_and_false_premises_answered() -> None:
    def result(i: int, kind: str, gold: str, short: str, refused: bool) -> QuestionResult:
        return QuestionResult(id=f"q{i}", question_type=kind, question="q", gold=gold,
                              unanswerable=kind == FALSE_PREMISE_TYPE, seconds=1.0, prediction="p", short_answer=short,
                              refused=refused, correct=False)

    metrics = metrics_for([
        result(1, "claim_false", "No", "Yes", False),  # confirmed
        result(2, "claim_false", "No", "No", False),
        result(3, "claim_false", "No", "", True),  # "the articles don't say": not a confirmation
        result(4, "claim_true", "Yes", "Yes", False),  # true claims are not counted
        result(5, FALSE_PREMISE_TYPE, "Insufficient information.", "Because of trade", False),  # answered as if true
        result(6, FALSE_PREMISE_TYPE, "Insufficient information.", "", True),
    ])
    assert metrics["answers"]["false_confirmation_rate"] == round(2 / 5, 4)
    assert metrics["by_type"]["claim_false"]["answers"]["false_confirmation_rate"] == round(1 / 3, 4)
    assert metrics["by_type"]["claim_true"]["answers"]["false_confirmation_rate"] is None
    assert metrics["by_type"][FALSE_PREMISE_TYPE]["answers"]["refusal_accuracy"] == 0.5


@pytest.mark.parametrize("setting, values", [("reorder_trees", ("false", "true")), ("max_answer_tokens", ("200", "80"))])
def test_runs_with_other_settings_get_their_own_folder(seed_store: Path, setting: str, values: tuple[str, str]) -> None:
    """The run folder is named by every setting that can change answers: a run with the trees must not resume
    one without them, nor one with longer answers (settings listed by hand once missed the trees)."""
    folders = []
    for value in values:
        result = run_cli("eval", str(SEED_SET), "--retrieval-only", "--llm-gguf", "/nonexistent.gguf",
                         data_dir=seed_store, **{f"NEWSDESK_{setting.upper()}": value})
        assert result.code == 0, result.stderr
        folder = Path(result.stderr.split("run folder: ", 1)[1].split(" (", 1)[0])
        assert str(json.loads((folder / "config.json").read_text())[setting]).lower() == value
        folders.append(folder)
    assert folders[0] != folders[1]
