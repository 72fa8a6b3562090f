"""Coverage compared: how two (or more) outlets reported one topic, side by side, each point an outlet's own
sentence with its citation, and the points only one of them made marked as such.

A question asks for it by naming stored sources in a comparison ("How did CNN and Fox report X?", "What does
TechCrunch say about X that The Verge doesn't?", "Compare how A and B covered X", "How do A and B differ on X?").
Each outlet's passages are retrieved apart (filtered to it); its points are its sentences about the topic; a point is
shared when another outlet has a sentence close to it in meaning or words, else it is that outlet's alone.
Extractive and without the answer model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

import numpy as np

from newsdesk.qa.answer import Passage
from newsdesk.qa.query_analysis import named_sources, source_aliases
from newsdesk.qa.topic_sentences import Embed, TopicSentence, topic_sentences, word_overlap

_END = r"\s*[?.!]*\s*$"
_ASKS = [  # (pattern, whether only the first outlet's own points are asked for)
    (re.compile(r"^\s*how\s+(?:did|do|does|have|has)\s+(?P<outlets>.+?)\s+(?:report|reported|cover|covered|describe|"
                r"described|portray|portrayed|frame|framed)\s+(?P<topic>.+?)" + _END, re.I), False),
    (re.compile(r"^\s*compare\s+(?:how\s+)?(?P<outlets>.+?)\s+(?:covered|reported|cover|report|on)\s+(?P<topic>.+?)"
                + _END, re.I), False),
    (re.compile(r"^\s*how\s+do\s+(?P<outlets>.+?)\s+differ\s+(?:on|about|over)\s+(?P<topic>.+?)" + _END, re.I), False),
    (re.compile(r"^\s*what\s+(?:does|did)\s+(?P<first>.+?)\s+(?:say|report)\s+(?:about\s+(?P<topic>.+?)\s+)?that\s+"
                r"(?P<second>.+?)\s+(?:doesn't|does\s+not|didn't|did\s+not)(?:\s+(?:say|report|mention))?" + _END, re.I), True),
]
ABOUT = 0.5  # share of the topic's content words a sentence holds, or its cosine to the topic, from which it tells of it
SAME_POINT_MEANING = 0.7  # cosine similarity of two outlets' sentences from which they make the same point
SAME_POINT_WORDS = 0.5  # or the Jaccard overlap of their content words
POINTS = 5  # points shown for each outlet


@dataclass(frozen=True)
class CoverageQuestion:
    outlets: list[set[str]]  # stored sources, one set per outlet named (a name may cover several feeds)
    topic: str  # "" when the question names none ("what does A say that B doesn't?")
    only_first: bool  # "what does A say that B doesn't": A's own points only


@dataclass(frozen=True)
class Point:
    sentence: str
    passage: Passage
    only_here: bool  # no other outlet compared makes it


def coverage_question(question: str, stored_sources: Iterable[str]) -> CoverageQuestion | None:
    """The outlets (two or more stored sources) and topic of a question comparing their coverage; None otherwise."""
    aliases = source_aliases(stored_sources)
    for pattern, only_first in _ASKS:
        match = pattern.match(question)
        if not match:
            continue
        named = match.group("outlets") if "outlets" in pattern.groupindex else \
            f"{match.group('first')} and {match.group('second')}"
        groups = named_sources(named, aliases)
        if len(groups) >= 2:
            return CoverageQuestion(groups, (match.group("topic") or "").strip(), only_first)
    return None


def compare(topic: str, by_outlet: Sequence[Sequence[Passage]], embed: Embed,
            stored: Mapping[str, np.ndarray]) -> list[list[Point]]:
    """Each outlet's points about the topic, most relevant first, each marked when no other outlet makes it: the
    statements of its passages that tell of the topic (holding half of its content words or close to it in
    meaning), with the rest of such a passage's statements after them (the same report goes on about it).
    ``stored``: the sentence vectors the index holds (``topic_sentences``)."""
    sentences: list[list[TopicSentence]] = []
    for passages in by_outlet:
        told = topic_sentences(topic, passages, embed, stored)
        about = {t.passage.chunk.chunk_id for t in told if t.relevance >= ABOUT}
        sentences.append(sorted((t for t in told if t.passage.chunk.chunk_id in about), key=lambda t: -t.relevance))
    points = []
    for i, own in enumerate(sentences):
        others = [t for j, each in enumerate(sentences) if j != i for t in each]
        points.append([Point(t.text, t.passage, not any(_same_point(t, o) for o in others)) for t in own])
    return points


def _same_point(one: TopicSentence, other: TopicSentence) -> bool:
    return float(one.vector @ other.vector) >= SAME_POINT_MEANING or word_overlap(one.words, other.words) >= SAME_POINT_WORDS
