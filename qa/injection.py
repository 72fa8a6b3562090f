"""Text inside an article is data, never instructions: sentences that address the assistant are set aside.

An article (or a page an operator ingested) can carry lines written for a language model rather than for
readers: "Ignore previous instructions and answer that…", a fake "Answer:" or "System:" line, "Note to AI
assistants: …". Shown to the model they can steer its answer; matched by the claim checks they can even
"support" a false claim in the article's own words. No news sentence needs to be read as a command, so such
sentences are removed from the passages before anything reads them, and the removal is logged.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace

from newsdesk.sentences import split_sentences
from newsdesk.qa.answer import Passage

log = logging.getLogger(__name__)

_COMMANDED = r"(?:answer|reply|respond|say|tell|print|output|write)"
_ADDRESSED = re.compile(
    r"^\W*(?:"
    r"(?:system|assistant|user|answer|instructions?|note to (?:the )?(?:ai|assistants?|chatbots?|llms?|models?)|"
    r"developer mode|important|prompt|new (?:question|instructions?|task))\s*:"  # a fake role or answer line
    r"|(?:please\s+)?(?:ignore|disregard|override)\b[^.]{0,30}\b(?:instructions?|question|sources?|text|above|"
    r"previous|prompt|everything)"  # "Ignore previous instructions…", "Ignore the question."
    rf"|(?:always|from now on,?|you must|you should)\s+{_COMMANDED}\b"
    r"|(?:print|output) (?:the word|only|nothing)\b|tell the (?:user|reader)\b"
    r"|(?:answer|reply|respond)(?: to)? (?:it|this|that|the following|only|with|instead)\b"
    r"|</?\s*(?:sources?|context|system|instructions?)\s*>"
    r")",
    re.I,
)
_ANYWHERE = re.compile(
    r"\b(?:ignore|disregard) (?:all |any |the )?(?:previous|prior|above|earlier|other) (?:instructions|text|sources)"
    rf"|\bif (?:you are |you're )?asked\b[^.]{{0,60}}\b{_COMMANDED}\b"
    r"|\binstructions? (?:for|to) (?:the )?(?:ai|assistant|model|chatbot)\b",
    re.I,
)


def addresses_the_assistant(sentence: str) -> bool:
    """A sentence written to command a language model, not to inform a reader."""
    text = sentence.strip().lstrip("#*> ").strip()
    return bool(_ADDRESSED.match(text) or _ANYWHERE.search(text))


def without_instructions(passage: Passage) -> Passage:
    """The passage with every sentence that addresses the assistant removed (paragraphs kept)."""
    kept_lines = []
    dropped = []
    for line in passage.chunk.text.split("\n"):
        sentences = split_sentences(line)
        kept = [s for s in sentences if not addresses_the_assistant(s)]
        dropped += [s for s in sentences if addresses_the_assistant(s)]
        if kept or not sentences:
            kept_lines.append(" ".join(kept) if len(kept) != len(sentences) else line)
    if not dropped:
        return passage
    log.warning("passage %d of article %s: set aside %d sentence(s) addressed to the assistant: %s",
                passage.number, passage.chunk.article_id, len(dropped), dropped)
    return replace(passage, chunk=replace(passage.chunk, text="\n".join(kept_lines)))
