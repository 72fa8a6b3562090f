"""Prompt assembly: a stable system prompt (so the model's prompt cache is reused) and numbered sources."""

from __future__ import annotations

import re

from llama_index.core.base.llms.types import ChatMessage, MessageRole

from qa.answer import Passage

REFUSAL = "The articles don't say."

SYSTEM_PROMPT = (
    "You answer questions about news articles using only the numbered sources you are given. "
    "Answer in one to three short sentences, with names, dates and numbers exactly as the sources give them. "
    "After each sentence write the number of the source it comes from in square brackets, like [1]. "
    f"If the sources do not contain the answer, reply exactly: {REFUSAL}"
)


YES_NO_PROMPT = (
    "You answer yes/no questions about news articles using only the numbered sources you are given. "
    "Start your answer with Yes or No, then give the reason in one short sentence, with names, dates and numbers "
    "exactly as the sources give them, followed by the number of its source in square brackets, like [1]."
)
_YES_NO = re.compile(r"^\s*(is|are|was|were|do|does|did|has|have|had|can|could|will|would|should|shall|may|might)\b", re.I)


def is_yes_no(question: str) -> bool:
    """Questions that open with an auxiliary verb ("Does the article suggest…", "Was there…") want Yes or No.

    They get their own prompt: offered a way out, the small model refuses nearly every such question, even
    when the sources settle it; whether the articles hold the answer is decided from the evidence instead.
    """
    return bool(_YES_NO.match(question))


def source_label(passage: Passage) -> str:
    chunk = passage.chunk
    details = ", ".join(part for part in (chunk.source, chunk.published_at[:10]) if part)
    return f"[{passage.number}] {chunk.title}" + (f" ({details})" if details else "")


def build_messages(question: str, passages: list[Passage]) -> list[ChatMessage]:
    """The system prompt, then the numbered sources and the (standalone) question: no chat history, since a
    follow-up has already been rewritten to stand on its own."""
    sources = "\n\n".join(f"{source_label(p)}\n{p.chunk.text}" for p in passages)
    return [
        ChatMessage(role=MessageRole.SYSTEM, content=YES_NO_PROMPT if is_yes_no(question) else SYSTEM_PROMPT),
        ChatMessage(role=MessageRole.USER, content=f"Sources:\n\n{sources}\n\nQuestion: {question}"),
    ]
