"""Question sets: JSONL files with question, answer and optional id, question_type, evidence_article_ids, evidence."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from eval.metrics import normalise

UNANSWERABLE_TYPE = "null_query"


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    question: str
    answer: str
    question_type: str = ""
    evidence_article_ids: list[str] = field(default_factory=list)
    evidence_facts: list[str] = field(default_factory=list)

    @property
    def unanswerable(self) -> bool:
        """MultiHop-RAG's null queries and any question whose gold answer is 'Insufficient information.'"""
        return self.question_type == UNANSWERABLE_TYPE or normalise(self.answer) == "insufficient information"


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
                )
            )
        except (json.JSONDecodeError, ValueError, TypeError) as exc:
            problems.append(f"{path}:{number}: skipped ({exc})")
    return questions, problems
