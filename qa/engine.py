"""A question's journey, top to bottom: condense (follow-ups made standalone) → retrieve (keyword + dense, fused)
→ keep the relevant passages → prompt → generate → cite.

``Newsdesk.stream`` yields the sources before the first token, then text as it is written, then the final
cited answer; ``Newsdesk.ask`` is the same journey, collected.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable, Iterator, Union

from llama_index.core import Settings as LlamaSettings
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.llms import LLM

from newsdesk.embedding import MiniLMEmbedding
from newsdesk.filters import RetrievalFilter
from newsdesk.keyword_index import KeywordIndex
from newsdesk.settings import Settings
from newsdesk.store import ArticleStore, open_store
from qa.answer import Answer, Passage
from qa.citations import cite, is_refusal
from qa.condense import standalone_question
from qa.evidence import select_evidence
from qa.lexical import support
from qa.llm import build_llm
from qa.prompt import REFUSAL, build_messages
from qa.retrieval import NewsRetriever, chunk_from_node

log = logging.getLogger(__name__)

LEXICAL_EVIDENCE = 0.5  # share of the question's content words a passage must hold to count without the embedding


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


@dataclass(frozen=True)
class Turn:
    question: str
    answer: str


class Newsdesk:
    """Answers questions from the stored articles; the answer model loads on first use."""

    def __init__(
        self,
        settings: Settings,
        store: ArticleStore,
        embed_model: BaseEmbedding,
        llm: LLM | Callable[[], LLM],
        keyword_index: KeywordIndex | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.embed_model = embed_model
        self.keyword_index = keyword_index or KeywordIndex(settings.keyword_index_path)
        self._llm = llm

    @classmethod
    def from_settings(cls, settings: Settings) -> "Newsdesk":
        embed_model = MiniLMEmbedding(embed_batch_size=settings.embed_batch_size)
        LlamaSettings.embed_model = embed_model
        return cls(settings, open_store(settings), embed_model, lambda: build_llm(settings))

    @property
    def llm(self) -> LLM:
        if not isinstance(self._llm, LLM):
            self._llm = self._llm()
            LlamaSettings.llm = self._llm
        return self._llm

    def retrieve(self, question: str, top_k: int | None = None, keep: RetrievalFilter | None = None) -> list[Passage]:
        s = self.settings
        retriever = NewsRetriever(
            self.store, self.embed_model, self.keyword_index, top_k or s.top_k, s.candidates, s.keyword_weight,
            s.dense_weight, s.per_source, keep,
        )
        nodes = retriever.retrieve(question)
        return [Passage(i + 1, chunk_from_node(n), float(n.node.metadata["similarity"])) for i, n in enumerate(nodes)]

    def stream(
        self, question: str, history: list[Turn] | None = None, keep: RetrievalFilter | None = None,
        top_k: int | None = None,
    ) -> Iterator[AnswerEvent]:
        """The answer as events: sources first, then text as the model writes it, then the cited answer.
        ``keep`` restricts the articles searched; ``top_k`` overrides the number of passages."""
        answered = [(t.question, t.answer) for t in history or [] if t.answer != REFUSAL]  # a refusal invites more
        standalone = standalone_question(self.llm, question, answered) if answered else question
        found = self.retrieve(standalone, top_k, keep)
        evidence = [p for p in found if self._is_evidence(standalone, p)]
        yield SourcesFound(evidence, standalone)
        if not evidence:
            log.info("no passage is close to the question in meaning or words; refusing")
            yield Finished(Answer(question, REFUSAL, refused=True, passages=found, standalone_question=standalone))
            return
        text = ""
        shown = select_evidence(standalone, evidence, self.embed_model.get_text_embedding_batch)
        for response in self.llm.stream_chat(build_messages(standalone, shown)):
            delta = response.delta or ""
            text += delta
            if delta:
                yield TextDelta(delta)
        yield Finished(self._finish(question, standalone, text, evidence))

    def ask(
        self, question: str, history: list[Turn] | None = None, keep: RetrievalFilter | None = None,
        top_k: int | None = None,
    ) -> Answer:
        for event in self.stream(question, history, keep, top_k):
            if isinstance(event, Finished):
                return event.answer
        raise AssertionError("stream ended without an answer")

    def _is_evidence(self, question: str, passage: Passage) -> bool:
        """Close in meaning, or sharing most of the question's words: MiniLM alone misses names ("Ned Price")."""
        if passage.similarity >= self.settings.min_relevance:
            return True
        return support(question, f"{passage.chunk.title}\n{passage.chunk.text}") >= LEXICAL_EVIDENCE

    def _finish(self, question: str, standalone: str, text: str, evidence: list[Passage]) -> Answer:
        if is_refusal(text):
            return Answer(question, REFUSAL, refused=True, passages=evidence, standalone_question=standalone)
        cited, citations = cite(text, evidence, standalone)
        if not citations:
            log.info("no sentence of the model's answer is supported by the passages; refusing: %r", text)
            return Answer(question, REFUSAL, refused=True, passages=evidence, standalone_question=standalone)
        return Answer(question, cited, citations, refused=False, passages=evidence, standalone_question=standalone)
