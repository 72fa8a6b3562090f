"""A story's timeline: dated events in order, each an article's own sentence with its citation, the same event
told by several outlets one line with several citations. Extractive, without the answer model: every line is a
quote, so nothing in it can be invented, and it is there in well under a second.

A sentence is an event of the topic when it holds most of the topic's content words or is close to it in meaning;
its day is the first day it names (relative days such as "on Monday" counted from its article's publication date),
else its article's publication day. Two sentences of one day that share most of their words are one event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Mapping, Sequence

import numpy as np

from newsdesk.qa.answer import Passage
from newsdesk.qa.lexical import content_words
from newsdesk.qa.query_analysis import DAY, named_periods
from newsdesk.qa.relative_dates import with_dates
from newsdesk.qa.topic_sentences import Embed, topic_sentences, word_overlap

# What asks for a timeline, and the topic it names: "timeline of X", "X timeline", "what happened with X",
# "how did X unfold", "chronology of X".
_ASKS = [
    re.compile(r"^\s*(?:(?:give|show|make|build)\s+(?:me\s+)?)?(?:a\s+|the\s+)?(?:timeline|chronology)\s+(?:of|for|on)\s+"
               r"(?P<topic>.+?)\s*[?.!]*\s*$", re.I),
    re.compile(r"^\s*(?P<topic>.+?)\s+timeline\s*[?.!]*\s*$", re.I),
    re.compile(r"^\s*what\s+(?:has\s+|have\s+)?happened\s+(?:with|to|in)\s+(?P<topic>.+?)\s*[?.!]*\s*$", re.I),
    re.compile(r"^\s*how\s+(?:did|has|have)\s+(?P<topic>.+?)\s+(?:unfold|unfolded|develop|developed|evolve|evolved)"
               r"\s*[?.!]*\s*$", re.I),
]
ABOUT_WORDS = 0.5  # share of the topic's content words a sentence holds from which it is about the topic
ABOUT_MEANING = 0.55  # or its cosine similarity to the topic (MiniLM)
SAME_EVENT = 0.5  # Jaccard overlap of two same-day sentences' content words from which they tell one event
MAX_EVENTS = 15


@dataclass(frozen=True)
class Event:
    day: int  # epoch seconds, UTC midnight
    tellings: tuple[tuple[Passage, str], ...]  # each article telling it and its sentence, first published first

    @property
    def date(self) -> str:
        return datetime.fromtimestamp(self.day, tz=timezone.utc).date().isoformat()

    @property
    def sentence(self) -> str:
        """As the first outlet told it."""
        return self.tellings[0][1]


def timeline_topic(question: str) -> str | None:
    """The topic of a question asking for a timeline; None for any other question. A question naming a day
    ("what happened to the ferry on Monday?") asks for that day's fact, not a timeline."""
    for pattern in _ASKS:
        match = pattern.match(question)
        if match and not named_periods(match.group("topic")):
            return match.group("topic").strip()
    return None


def _published_day(passage: Passage) -> int | None:
    ts = passage.chunk.published_ts
    return ts - ts % DAY if ts is not None else None


def _event_day(sentence: str, passage: Passage) -> int | None:
    """The first day the sentence names (relative days resolved from its article's date), else its article's."""
    for period in named_periods(with_dates(sentence, passage.chunk.published_at)):
        if period.since is not None and period.until == period.since + DAY:
            return period.since
    return _published_day(passage)


def events(topic: str, passages: Sequence[Passage], embed: Embed, stored: Mapping[str, np.ndarray]) -> list[Event]:
    """The topic's dated events in these passages, oldest first (at most ``MAX_EVENTS``, the most relevant kept).
    ``stored``: the sentence vectors the index holds (``topic_sentences``)."""
    if not content_words(topic):
        return []
    found: list[tuple[float, int, frozenset[str], list[tuple[Passage, str]]]] = []  # relevance, day, words, tellings
    for told in topic_sentences(topic, passages, embed, stored):
        day = _event_day(told.text, told.passage)
        if day is None or (told.share < ABOUT_WORDS and told.meaning < ABOUT_MEANING):
            continue
        same = next((e for e in found if e[1] == day and word_overlap(e[2], told.words) >= SAME_EVENT), None)
        if same is None:
            found.append((told.relevance, day, told.words, [(told.passage, told.text)]))
        elif all(p.chunk.article_id != told.passage.chunk.article_id for p, _ in same[3]):
            same[3].append((told.passage, told.text))  # another outlet (or article) telling the same event
    kept = sorted(found, key=lambda e: -e[0])[:MAX_EVENTS]

    def published(telling: tuple[Passage, str]) -> int:
        return telling[0].chunk.published_ts or 0

    ordered = sorted(kept, key=lambda e: (e[1], min(map(published, e[3]))))
    return [Event(day, tuple(sorted(tellings, key=published))) for _, day, _, tellings in ordered]
