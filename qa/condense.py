"""Follow-up questions made standalone: "and when does he leave?" becomes a question about Todd D. Robinson's visit,
so retrieval searches for what the reader means, not for "he"."""

from __future__ import annotations

import logging
from typing import Sequence

from llama_index.core.base.llms.types import ChatMessage, MessageRole
from llama_index.core.llms import LLM

from newsdesk.qa.citations import strip_markers

log = logging.getLogger(__name__)

CONDENSE_PROMPT = (
    "Rewrite the user's last question so that it can be understood without the conversation: replace pronouns "
    "and vague references (he, she, it, they, that, there) with the names and things they refer to. Keep the "
    "question short and do not answer it. Reply with the rewritten question only.\n"
    "Example: after a conversation about Jane Smith's trip to Kenya, 'when does she leave?' becomes "
    "'When does Jane Smith leave Kenya?'"
)
CONDENSE_TURNS = 2  # earlier question/answer pairs shown to the model
MAX_TOKENS = 60


def standalone_question(llm: LLM, question: str, history: Sequence[tuple[str, str]]) -> str:
    """The question rewritten with the last turns as context; the question itself when there is no history or
    the model's rewrite is unusable (empty, or far longer than a question)."""
    if not history:
        return question
    turns = "\n".join(f"User: {q}\nAssistant: {strip_markers(a)}" for q, a in history[-CONDENSE_TURNS:])
    messages = [
        ChatMessage(role=MessageRole.SYSTEM, content=CONDENSE_PROMPT),
        ChatMessage(role=MessageRole.USER, content=f"Conversation:\n{turns}\n\nLast question: {question}"),
    ]
    reply = (llm.chat(messages, max_tokens=MAX_TOKENS).message.content or "").strip()
    rewritten = reply.splitlines()[0].strip().strip('"“”').removeprefix("Rewritten question:").strip() if reply else ""
    if not rewritten or len(rewritten) > 3 * len(question) + 120:
        log.info("kept the follow-up as asked; the rewrite was unusable: %r", reply)
        return question
    log.info("follow-up %r rewritten as %r", question, rewritten)
    return rewritten
