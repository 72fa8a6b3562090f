"""Prompt assembly: one stable system prompt (so the model's prompt cache is reused) and numbered sources.

Yes/no questions have their own narrow prompt (``qa.judge``), asked only where code cannot decide a claim."""

from __future__ import annotations

from llama_index.core.base.llms.types import ChatMessage, MessageRole

from newsdesk.qa.answer import Passage
from newsdesk.qa.relative_dates import with_dates

REFUSAL = "The articles don't say."


ANSWER_ONLY_PROMPT = (
    "You answer questions about news articles using only the numbered sources you are given. "
    "Answer in one to three short sentences, with names, dates and numbers exactly as the sources give them. "
    "After each sentence write the number of the source it comes from in square brackets, like [1]."
)
SYSTEM_PROMPT = f"{ANSWER_ONLY_PROMPT} If the sources do not contain the answer, reply exactly: {REFUSAL}"
# Asked after the answer, in the same conversation, so the model's prompt cache covers everything before it.
# (Asking for the short answer first, inside the main prompt, made the 1.5B model refuse questions it answers.)
SHORT_ANSWER_REQUEST = (
    'Now answer the question "{question}" with only the key words of the answer (a name, date, number or short '
    "phrase), no sentence."
)


def not_held_refusal(publications: list[str]) -> str:
    """The refusal for a question citing publications the collection holds nothing from, naming them, so the
    reader knows what to add rather than to rephrase."""
    if len(publications) == 1:
        return f"The articles don't say: none of them is from {publications[0]}, or mentions it."
    names = ", ".join(publications[:-1]) + " or " + publications[-1]
    return f"The articles don't say: none of them is from {names}, or mentions them."


def source_label(passage: Passage) -> str:
    chunk = passage.chunk
    details = ", ".join(part for part in (chunk.source, chunk.published_at[:10]) if part)
    if passage.also_reported_by:  # so "how many outlets reported it?" has an answer in the sources
        details += f"; also reported by {', '.join(passage.also_reported_by)}"
    return f"[{passage.number}] {chunk.title}" + (f" ({details})" if details else "")


def build_messages(question: str, passages: list[Passage], allow_refusal: bool = True) -> list[ChatMessage]:
    """The system prompt, then the numbered sources and the (standalone) question: no chat history, since a
    follow-up has already been rewritten to stand on its own. Without ``allow_refusal`` the prompt offers no
    way out: for a second try when the model refused passages that hold the question's words."""
    sources = "\n\n".join(f"{source_label(p)}\n{with_dates(p.chunk.text, p.chunk.published_at)}" for p in passages)
    return [
        ChatMessage(role=MessageRole.SYSTEM, content=SYSTEM_PROMPT if allow_refusal else ANSWER_ONLY_PROMPT),
        ChatMessage(role=MessageRole.USER, content=f"Sources:\n\n{sources}\n\nQuestion: {question}"),
    ]


def short_answer_messages(messages: list[ChatMessage], reply: str, question: str) -> list[ChatMessage]:
    """The answer's conversation continued with a request for the answer in a few words."""
    return [*messages, ChatMessage(role=MessageRole.ASSISTANT, content=reply),
            ChatMessage(role=MessageRole.USER, content=SHORT_ANSWER_REQUEST.format(question=question))]
