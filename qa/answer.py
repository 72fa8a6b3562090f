"""What a question gets back: the answer text with [n] markers, the citations those markers point to, and the
events an answer streams as (sources found, text as it is written, the finished answer)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Iterator, Union

from newsdesk.articles import Chunk


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk as shown to the model, under the number it was given there."""

    number: int
    chunk: Chunk
    similarity: float  # cosine similarity of the passage to the question (MiniLM)
    also_reported_by: tuple[str, ...] = ()  # other outlets that ran a copy of the same story


@dataclass(frozen=True)
class Citation:
    n: int
    article_id: str
    title: str
    source: str
    published_at: str
    url: str
    quote: str  # the exact sentence(s) of the article that support the cited claim
    also_reported_by: list[str] = field(default_factory=list)  # other outlets that ran a copy of the same story


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str
    citations: list[Citation] = field(default_factory=list)
    refused: bool = False
    passages: list[Passage] = field(default_factory=list)  # everything retrieved, nearest first
    standalone_question: str = ""  # the question as searched: a follow-up is rewritten with the chat history
    short_answer: str = ""  # a few words; exactly "Yes" or "No" for a yes/no question; empty when refused
    understood: dict[str, list] = field(default_factory=dict)  # sources and periods retrieval read in the question
    verdict: str | None = None  # a yes/no question's: "yes", "no" or "not_stated"
    checks: list[dict[str, str]] = field(default_factory=list)  # per claim: the label and the sentence that decided
    timeline: list[dict[str, object]] = field(default_factory=list)  # a timeline's events: date, sentence, citations
    stories: list[dict[str, object]] = field(default_factory=list)  # a digest's: title, sources, summary, citation
    coverage: list[dict[str, object]] = field(default_factory=list)  # per outlet compared: its points, cited

    @property
    def headline(self) -> str:
        """The short answer where it adds to the answer text (a yes/no answer already opens with it)."""
        return "" if not self.short_answer or self.answer.startswith(self.short_answer) else self.short_answer

    def to_json(self) -> dict[str, object]:
        return {
            "question": self.question,
            "standalone_question": self.standalone_question or self.question,
            "short_answer": self.short_answer,
            "answer": self.answer,
            "citations": [asdict(c) for c in self.citations],
            "refused": self.refused,
            "understood": self.understood,
            "verdict": self.verdict,
            "checks": self.checks,
            "timeline": self.timeline,
            "stories": self.stories,
            "coverage": self.coverage,
        }


@dataclass(frozen=True)
class SourcesFound:
    passages: list[Passage]
    standalone_question: str  # what was searched for: the question, or a follow-up rewritten with the history


@dataclass(frozen=True)
class TextDelta:
    text: str


@dataclass(frozen=True)
class Finished:
    answer: Answer


AnswerEvent = Union[SourcesFound, TextDelta, Finished]


def finished(events: Iterator[AnswerEvent]) -> Answer:
    """The answer a stream of events ends with."""
    for event in events:
        if isinstance(event, Finished):
            return event.answer
    raise AssertionError("stream ended without an answer")
