"""A question's journey, top to bottom: condense (follow-ups made standalone) → retrieve (keyword + dense, fused)
→ set aside sentences addressed to the assistant → keep the relevant passages → a yes/no question gets its
verdict claim by claim; a question resting on what no passage holds is refused, naming it; any other question:
prompt → generate → cite.

``Newsdesk.stream`` yields the sources before the first token, then text as it is written, then the final
cited answer; ``Newsdesk.ask`` is the same journey, collected.
"""

from __future__ import annotations

import gc
import logging
from dataclasses import asdict, dataclass, replace
from functools import cache
from typing import Callable, Generator, Iterator

import numpy as np
from llama_index.core import Settings as LlamaSettings
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.base.llms.types import ChatMessage
from llama_index.core.llms import LLM

from newsdesk.embedding import MiniLMEmbedding
from newsdesk.filters import RetrievalFilter
from newsdesk.keyword_index import KeywordIndex
from newsdesk.settings import Settings
from newsdesk.store import ArticleStore, open_store
from newsdesk.qa.answer import Answer, AnswerEvent, Finished, Passage, SourcesFound, TextDelta, finished
from newsdesk.qa.answer_kind import candidate, echoes, fits, trimmed
from newsdesk.qa.citations import cite, is_refusal, source_words, strip_markers
from newsdesk.qa.condense import standalone_question
from newsdesk.qa.evidence import select_evidence
from newsdesk.qa.full_names import with_full_names
from newsdesk.qa.lexical import content_words, specifics, support
from newsdesk.qa.llm import build_llm
from newsdesk.qa.prompt import REFUSAL, build_messages, not_held_refusal, short_answer_messages
from newsdesk.qa.publications import mentions
from newsdesk.qa.query_analysis import read_question
from newsdesk.qa.reorder import Trees, shipped_trees
from newsdesk.qa.retrieval import NewsRetriever, chunk_from_node
from newsdesk.qa.claim_check import check_json
from newsdesk.qa.injection import without_instructions
from newsdesk.qa.judge import Label, judge, limited
from newsdesk.qa.premises import premise_refusal, unsupported_premises
from newsdesk.qa.story_answers import DIGEST_STORIES, digest, story_answer, timeline
from newsdesk.qa.yes_no import Verdict, cited_checks, decide, explain, is_yes_no, presupposed

log = logging.getLogger(__name__)

LEXICAL_EVIDENCE = 0.5  # share of the question's content words a passage must hold to count without the embedding
RETRY_SUPPORT = 0.75  # share of the question's content words that makes a refusal worth a second try


@dataclass(frozen=True)
class Turn:
    question: str
    answer: str


@cache
def settle_loaded_objects() -> None:
    """Keep what a serving process has loaded (its libraries and the embedding model: ~580,000 objects that live as
    long as it) out of Python's full cycle-collection passes, once a process. A full pass over them took ~0.5 s
    here and landed inside a question every few hundred questions (`bench/retrieval.py` at 100k chunks: max 419 and
    426 ms against a p50 of ~55). Once only, because a frozen object that later becomes garbage in a cycle is never
    freed."""
    gc.freeze()


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
        embed_model = MiniLMEmbedding(settings.embed_batch_size, settings.cache_dir)
        LlamaSettings.embed_model = embed_model
        desk = cls(settings, open_store(settings), embed_model, lambda: build_llm(settings))
        settle_loaded_objects()
        return desk

    @property
    def llm(self) -> LLM:
        if not isinstance(self._llm, LLM):
            self._llm = self._llm()
            LlamaSettings.llm = self._llm
        return self._llm

    def retriever(
        self, top_k: int | None = None, keep: RetrievalFilter | None = None, trees: Trees | None = None
    ) -> NewsRetriever:
        """The retriever the settings describe; ``trees`` instead of the shipped ones (when ``reorder_trees``)."""
        s = self.settings
        return NewsRetriever(
            self.store, self.embed_model, self.keyword_index, top_k or s.top_k, s.candidates, s.keyword_weight,
            s.dense_weight, s.per_source, keep, s.reorder_depth,
            (trees if trees is not None else shipped_trees()) if s.reorder_trees else None, s.article_expansion,
            s.sentence_expansion,
        )

    def retrieve(self, question: str, top_k: int | None = None, keep: RetrievalFilter | None = None) -> list[Passage]:
        nodes = self.retriever(top_k, keep).retrieve(question)
        passages = [Passage(i + 1, chunk_from_node(n), float(n.node.metadata["similarity"])) for i, n in enumerate(nodes)]
        return self._with_other_outlets(passages)

    def _with_other_outlets(self, passages: list[Passage]) -> list[Passage]:
        """Each passage with the other outlets that ran a copy of its story, as the keyword index knows them."""
        stories = self.keyword_index.stories({p.chunk.story_id for p in passages if p.chunk.story_id})
        found = []
        for p in passages:
            copies = stories.get(p.chunk.story_id, {})
            others = sorted({s for a, s in copies.items() if a != p.chunk.article_id} - {p.chunk.source, ""})
            found.append(replace(p, also_reported_by=tuple(others)) if others else p)
        return found

    def stream(
        self, question: str, history: list[Turn] | None = None, keep: RetrievalFilter | None = None,
        top_k: int | None = None,
    ) -> Iterator[AnswerEvent]:
        """The answer as events: sources first, then text as the model writes it, then the cited answer.
        ``keep`` restricts the articles searched; ``top_k`` overrides the number of passages."""
        answered = [(t.question, t.answer) for t in history or [] if not is_refusal(t.answer)]  # a refusal invites more
        standalone = standalone_question(self.llm, question, answered) if answered else question
        about_stories = story_answer(self, question, standalone, keep)
        if about_stories is not None:
            yield from about_stories
            return
        found, evidence = self.evidence_for(standalone, top_k, keep)
        reading = asdict(read_question(standalone, self.keyword_index.sources(), (keep or RetrievalFilter()).anchor()))
        reading["unsupported_premises"] = [] if is_yes_no(standalone) or not evidence else unsupported_premises(
            standalone, evidence, self.keyword_index.sources(), self.keyword_index.mentions)
        yield SourcesFound(evidence, standalone)
        unheld = [name for name in reading["publications_not_stored"]
                  if not any(mentions(_title_and_text(p), name) for p in evidence)]
        if unheld:
            log.info("the question cites %s: no stored article is from there or mentions it; refusing", unheld)
            yield Finished(Answer(question, not_held_refusal(unheld), refused=True, passages=found,
                                  standalone_question=standalone, understood=reading))
            return
        if not evidence:
            log.info("no passage is close to the question in meaning or words; refusing")
            yield Finished(Answer(question, REFUSAL, refused=True, passages=found, standalone_question=standalone,
                                  understood=reading))
            return
        if is_yes_no(standalone):
            verdict = self._verdict(standalone, evidence, keep)
            log.info("yes/no verdict: %s, %s (%s)", verdict.word, verdict.reason,
                     ", ".join(f"{c.label.value} by {c.decided_by}" for c in verdict.checks))
            text, citations = explain(verdict)
            yield TextDelta(text)
            short = {Label.SUPPORTED: "Yes", Label.CONTRADICTED: "No"}.get(verdict.label, "")
            yield Finished(Answer(question, text, citations, refused=not short, passages=evidence,
                                  standalone_question=standalone, short_answer=short, understood=reading,
                                  verdict=verdict.word, checks=[check_json(c) for c in verdict.checks]))
            return
        premise = presupposed(standalone)
        if premise and not reading["unsupported_premises"]:
            verdict = self._verdict(premise, evidence, keep)
            if verdict.label is not Label.SUPPORTED:
                log.info("the question takes for granted %r, which the articles do not bear out: %s", premise,
                         verdict.reason)
                quotes, citations = cited_checks(verdict)
                text = " ".join([f"The articles don't bear out what the question takes for granted: {verdict.reason}.",
                                 *quotes])
                reading["unsupported_premises"] = [premise]
                yield TextDelta(text)
                yield Finished(Answer(question, text, citations, refused=True, passages=found,
                                      standalone_question=standalone, understood=reading, verdict=verdict.word,
                                      checks=[check_json(c) for c in verdict.checks]))
                return
        if reading["unsupported_premises"]:
            log.info("the question names %s, which no passage holds; not answering as if it were true",
                     reading["unsupported_premises"])
            text, citations = premise_refusal(standalone, reading["unsupported_premises"], evidence,
                                              self.embed_model.get_text_embedding_batch)
            yield TextDelta(text)
            yield Finished(Answer(question, text, citations, refused=True, passages=found,
                                  standalone_question=standalone, understood=reading))
            return
        shown = with_full_names(select_evidence(standalone, evidence, self.embed_model.get_text_embedding_batch,
                                                self.stored_sentences(evidence)), evidence)
        messages = build_messages(standalone, shown)
        text = yield from self._generate(messages)
        if is_refusal(text) and self._holds_the_question(standalone, evidence):
            log.info("the model refused passages that hold the question's words; asking once more, without a way out")
            messages = build_messages(standalone, shown, allow_refusal=False)
            text = yield from self._generate(messages)
        answer = self._finish(question, standalone, text, evidence)
        if not answer.refused:
            answer = self._with_short_answer(answer, messages, text, evidence)
        yield Finished(replace(answer, understood=reading))

    def ask(
        self, question: str, history: list[Turn] | None = None, keep: RetrievalFilter | None = None,
        top_k: int | None = None,
    ) -> Answer:
        return finished(self.stream(question, history, keep, top_k))

    def _verdict(self, question: str, evidence: list[Passage], keep: RetrievalFilter | None) -> Verdict:
        """Yes, No or "don't say" for a yes/no question, the model asked at most ``judge_calls`` narrow questions;
        its "this year" is the reader's (now, or the day read as of)."""
        return decide(question, evidence, self.embed_model.get_text_embedding_batch,
                      limited(self._judge, self.settings.judge_calls), (keep or RetrievalFilter()).anchor())

    def _judge(self, claim: str, passage: str, three_way: bool) -> Label:
        """The answer model's label for one claim against one passage (loaded on first use)."""
        return judge(self.llm, claim, passage, three_way)

    def _generate(self, messages: list[ChatMessage]) -> Generator[TextDelta, None, str]:
        """Streams the model's reply and returns it whole; a reply that is still spelling out the refusal is
        held back, so a refusal that gets a second try never flashes on the reader's screen."""
        text, shown = "", 0
        for response in self.llm.stream_chat(messages):
            text += response.delta or ""
            if REFUSAL.startswith(text.strip()):
                continue
            if len(text) > shown:
                yield TextDelta(text[shown:])
                shown = len(text)
        return text

    def digest(self, seconds: float, topic: str | None = None, keep: RetrievalFilter | None = None,
               limit: int = DIGEST_STORIES) -> Answer:
        """What's new: the stories of the ``seconds`` before the moment asked (``story_answers.digest``)."""
        return digest(self, seconds, topic, keep, limit)

    def timeline(self, topic: str, keep: RetrievalFilter | None = None) -> Answer:
        """The topic's timeline, as the chat answers "timeline of …"."""
        return finished(timeline(self, topic, topic, topic, keep))

    def _holds_the_question(self, question: str, passages: list[Passage]) -> bool:
        """A passage holds most of the question's content words: the small model's refusal is then more often
        wrong than right ("How did Ned Price describe the relationship?" over the sentence quoting him)."""
        return any(support(question, _title_and_text(p)) >= RETRY_SUPPORT for p in passages)

    def stored_sentences(self, passages: list[Passage]) -> dict[str, np.ndarray]:
        """The passages' sentence vectors as the keyword index holds them, so nothing read at ingest is embedded
        again while a reader waits (``qa/sentence_vectors.py``)."""
        return self.keyword_index.sentence_vectors([p.chunk.chunk_id for p in passages])

    def evidence_for(self, question: str, top_k: int | None, keep: RetrievalFilter | None
                     ) -> tuple[list[Passage], list[Passage]]:
        """The passages retrieved for the question, sentences addressed to the assistant set aside (articles are
        data), and those of them that are evidence."""
        found = [without_instructions(p) for p in self.retrieve(question, top_k, keep)]
        return found, [p for p in found if self.is_evidence(question, p)]

    def is_evidence(self, question: str, passage: Passage) -> bool:
        """Close in meaning, or sharing most of the question's words: MiniLM alone misses names ("Ned Price")."""
        if passage.similarity >= self.settings.min_relevance:
            return True
        return support(question, _title_and_text(passage)) >= LEXICAL_EVIDENCE

    def _finish(self, question: str, standalone: str, text: str, evidence: list[Passage]) -> Answer:
        if is_refusal(text):
            return Answer(question, REFUSAL, refused=True, passages=evidence, standalone_question=standalone)
        cited, citations = cite(text, evidence, standalone)
        if not citations:
            log.info("no sentence of the model's answer is supported by the passages; refusing: %r", text)
            return Answer(question, REFUSAL, refused=True, passages=evidence, standalone_question=standalone)
        return Answer(question, cited, citations, refused=False, passages=evidence, standalone_question=standalone)

    def _with_short_answer(
        self, answer: Answer, messages: list[ChatMessage], reply: str, evidence: list[Passage]
    ) -> Answer:
        """The answer with its few-word form, asked of the model as the next turn of the same conversation (its
        prompt cache already holds everything before it, so this costs well under a second of prompt processing).
        A short answer naming what no passage holds ("Kim Jong Nam") is a guess, not an answer: a refusal."""
        question = answer.standalone_question
        response = self.llm.chat(short_answer_messages(messages, reply, question))
        short = trimmed(strip_markers(response.message.content or "").strip().split("\n", 1)[0].strip(" .*\"'"),
                        question)
        held = content_words(question) | set().union(*(source_words(p) for p in evidence))
        # a word made of held words ("June 29-July 2": "29-july") names nothing new
        unfounded = {w for w in specifics(f"Answer: {short}") - held if not content_words(w.replace("-", " ")) <= held}
        if unfounded:
            log.info("the short answer %r names %s, which no passage holds; refusing", short, sorted(unfounded))
            return Answer(answer.question, REFUSAL, refused=True, passages=evidence, standalone_question=question)
        sources = [p.chunk.source for p in evidence if p.chunk.source]
        if echoes(short, question) or not fits(short, question, sources):
            found = candidate(question, [c.quote for c in answer.citations])
            if found:
                log.info("the short answer %r is not what %r asks for; the cited sentences give %r", short, question,
                         found)
                return replace(answer, short_answer=found)
            if echoes(short, question):
                log.info("the short answer %r only repeats the question; refusing", short)
                return Answer(answer.question, REFUSAL, refused=True, passages=evidence, standalone_question=question)
        return replace(answer, short_answer=short)


def _title_and_text(passage: Passage) -> str:
    """What a passage says, headline included: the words the question and its cited names are looked for in."""
    return f"{passage.chunk.title}\n{passage.chunk.text}"
