"""Question sets: JSONL files with question, answer and optional id, question_type, evidence_article_ids,
evidence (a list of objects with "fact"), history (earlier turns: {"question", "answer"} objects) and asked_at (when
the question is asked, for "this week" or "yesterday" in it; without it, now)."""

from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from newsdesk.eval.metrics import normalise
from newsdesk.dates import epoch_seconds

UNANSWERABLE_TYPE = "null_query"
FALSE_PREMISE_TYPE = "false_premise"  # a question resting on something the articles do not say: to be refused
BUNDLED_SETS = Path(__file__).with_name("sets")


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    question: str
    answer: str
    question_type: str = ""
    evidence_article_ids: list[str] = field(default_factory=list)
    evidence_facts: list[str] = field(default_factory=list)
    history: list[tuple[str, str]] = field(default_factory=list)  # (question, answer) turns before this one
    asked_at: int | None = None  # epoch seconds; None: asked now

    @property
    def unanswerable(self) -> bool:
        """MultiHop-RAG's null queries and any question whose gold answer is 'Insufficient information.'"""
        return self.question_type in (UNANSWERABLE_TYPE, FALSE_PREMISE_TYPE) or \
            normalise(self.answer) == "insufficient information"


def set_path(name: str) -> Path:
    """A file path as given, or else the bundled set of that name (``seed``, ``claims``, ...), so that an installed
    package can run its own sets without the repository."""
    given = Path(name)
    bundled = BUNDLED_SETS / f"{name}.jsonl"
    return bundled if not given.exists() and bundled.exists() else given


def load_set(path: str) -> tuple[list[EvalQuestion], list[str]]:
    """The set's questions, and one message per malformed line (reported with its line number, then skipped)."""
    questions: list[EvalQuestion] = []
    problems: list[str] = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot read the question set ({exc})") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict) or not str(record.get("question", "")).strip():
                raise ValueError("needs a non-empty 'question'")
            if not isinstance(record.get("answer"), str):
                raise ValueError("needs an 'answer' string")
            questions.append(
                EvalQuestion(
                    id=str(record.get("id") or f"line{number}"),
                    question=record["question"].strip(),
                    answer=record["answer"],
                    question_type=str(record.get("question_type") or ""),
                    evidence_article_ids=[str(a) for a in record.get("evidence_article_ids") or []],
                    evidence_facts=[str(e["fact"]) for e in record.get("evidence") or [] if isinstance(e, dict) and e.get("fact")],
                    history=[(str(t["question"]), str(t["answer"])) for t in record.get("history") or []],
                    asked_at=epoch_seconds(str(record["asked_at"])) if record.get("asked_at") else None,
                )
            )
        except (json.JSONDecodeError, ValueError, TypeError, KeyError) as exc:
            problems.append(f"{path}:{number}: skipped ({exc})")
    return questions, problems


def select(
    questions: list[EvalQuestion], types: list[str] | None = None, sample: int | None = None, seed: int = 0,
    limit: int | None = None,
) -> list[EvalQuestion]:
    """Filter by type, then take a stratified random sample (each type keeps its share; fixed by the seed),
    then the first ``limit``. The sample keeps the set's order, so runs with the same arguments match."""
    chosen = [q for q in questions if not types or q.question_type in types]
    if sample is not None and sample < len(chosen):
        by_type: dict[str, list[int]] = defaultdict(list)
        for index, q in enumerate(chosen):
            by_type[q.question_type].append(index)
        rng = random.Random(seed)
        quotas = {t: sample * len(ix) / len(chosen) for t, ix in by_type.items()}
        counts = {t: int(quota) for t, quota in quotas.items()}
        for t in sorted(quotas, key=lambda t: quotas[t] - counts[t], reverse=True)[: sample - sum(counts.values())]:
            counts[t] += 1
        keep = {i for t, ix in sorted(by_type.items()) for i in rng.sample(ix, counts[t])}
        chosen = [q for i, q in enumerate(chosen) if i in keep]
    return chosen[:limit] if limit else chosen
