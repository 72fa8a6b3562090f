"""Which outlets reported something, and how many: counted from the passages that tell of it, each outlet once,
with the outlets that ran a copy of the same story (``ingest.near_duplicates``) counted with the copy shown.

Counting is code, not the model: the 1.5B answer model listed three outlets and wrote "two" in the same answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from newsdesk.qa.answer import Passage
from newsdesk.qa.topic_sentences import Embed, topic_sentences

_ASK = re.compile(
    r"^\s*(?P<how>how\s+many|which|what)\s+(?:news\s+)?(?:outlets|sources|newspapers|papers|publications|sites|"
    r"websites|media(?:\s+outlets)?)\s+(?:have\s+|has\s+)?(?:reported|covered|ran|carried|wrote\s+about|published|"
    r"mentioned)\s+(?:on\s+|that\s+)?(?P<topic>.+?)\s*[?.!]*\s*$", re.I)
# One sentence tells of the topic when it holds nearly all the topic's content words, or half of them and is close
# to it in meaning: "Repairs are expected to cost about two million pounds" tells "the cost of the breakwater
# repairs" (two words of three, cosine 0.62); "Storm closes Port Ellen harbour." does not tell "the Port Ellen
# regatta" (two of three, cosine 0.49).
TELLS_WORDS = 0.8
MOST_WORDS, CLOSE_MEANING = 0.5, 0.6


@dataclass(frozen=True)
class OutletsQuestion:
    count: bool  # "how many" (else "which")
    topic: str


@dataclass(frozen=True)
class Reporting:
    passage: Passage  # the copy shown
    sentence: str  # where it tells of the topic
    outlets: tuple[str, ...]  # its source, then the other outlets that ran the story


def outlets_question(question: str) -> OutletsQuestion | None:
    match = _ASK.match(question)
    if not match:
        return None
    return OutletsQuestion(match.group("how").lower().startswith("how"), match.group("topic").strip())


def reporting(topic: str, passages: Sequence[Passage], embed: Embed,
              stored: Mapping[str, np.ndarray]) -> list[Reporting]:
    """Each passage telling of the topic with its outlets, an outlet counted once (at its most telling passage)."""
    best: dict[str, tuple[float, Passage, str]] = {}
    for told in topic_sentences(topic, passages, embed, stored):
        tells = told.share >= TELLS_WORDS or (told.share >= MOST_WORDS and told.meaning >= CLOSE_MEANING)
        if tells and told.relevance > best.get(told.passage.chunk.chunk_id, (0.0,))[0]:
            best[told.passage.chunk.chunk_id] = (told.relevance, told.passage, told.text)
    found: list[Reporting] = []
    counted: set[str] = set()
    for _, passage, sentence in sorted(best.values(), key=lambda b: -b[0]):
        outlets = tuple(o for o in (passage.chunk.source, *passage.also_reported_by) if o and o not in counted)
        if outlets:
            counted.update(outlets)
            found.append(Reporting(passage, sentence, outlets))
    return found
