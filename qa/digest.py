"""What's new: the stories of a period, biggest first, each with its outlets and a cited summary.

Articles are grouped into stories when they are copies of one story (``ingest.near_duplicates``) or their first
chunks are close in meaning (the same event told by several outlets); a story's size is how many articles and
outlets told it. Its summary is the lead of the article nearest the story's centre: the first sentence that says
something (news is written lead first), and the next one when the lead is short. Extractive and without the answer
model, so every line is a quote, cited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from newsdesk.articles import Chunk
from newsdesk.filters import DAY
from newsdesk.qa.answer import Passage
from newsdesk.sentences import is_statement, split_sentences

# Cosine similarity of two articles' first chunks (MiniLM, with their title/source/date header) from which they
# tell the same event; two reports of one event by two outlets mostly pass it, two stories on one subject mostly not.
SAME_EVENT = 0.75
LEAD_WORDS = 8  # fewer words than this is a dateline, a byline or a photo credit, not a lead
SHORT_LEAD = 20  # a lead this short is followed by the next sentence
_WORD = re.compile(r"\w+")
# What asks for a digest: "what's new (in/on/about X)?", "(morning/daily/weekly) digest (of/on X)", "what are the
# top stories (today/this week)?"; "this week" or "this month" in it sets the period (else a day).
_ASKS = [
    re.compile(r"^\s*what(?:'s|’s| is)\s+new\b(?:\s+(?:in|on|about|with)\s+(?P<topic>.+?))?\s*(?P<when>today|this week|this month)?"
               r"\s*[?.!]*\s*$", re.I),
    re.compile(r"^\s*(?:(?:the|a|my)\s+)?(?:morning\s+|daily\s+|weekly\s+)?(?:news\s+)?digest\b(?:\s+(?:of|on|about|for)\s+"
               r"(?P<topic>.+?))?\s*(?P<when>today|this week|this month)?\s*[?.!]*\s*$", re.I),
    re.compile(r"^\s*what\s+are\s+the\s+(?:top|main|biggest|latest)\s+(?:news\s+)?stories\b(?:\s+(?:in|on|about)\s+"
               r"(?P<topic>.+?))?\s*(?P<when>today|this week|this month)?\s*[?.!]*\s*$", re.I),
]
_PERIOD = {"today": DAY, "this week": 7 * DAY, "this month": 30 * DAY, None: DAY}


def digest_request(question: str) -> tuple[int, str | None] | None:
    """The period (seconds back from when it is asked) and topic of a question asking what is new; None for any
    other question."""
    for pattern in _ASKS:
        match = pattern.match(question)
        if match:
            when = match.group("when")
            return _PERIOD[when.lower() if when else None], (match.group("topic") or "").strip() or None
    return None


@dataclass(frozen=True)
class Story:
    articles: tuple[Chunk, ...]  # first chunks, the article nearest the story's centre first
    summary: tuple[str, ...]  # one or two sentences of that article's lead

    @property
    def sources(self) -> list[str]:
        return sorted({a.source for a in self.articles if a.source})

    @property
    def lead(self) -> Chunk:
        return self.articles[0]


def stories(first_chunks: Sequence[tuple[Chunk, np.ndarray]], limit: int) -> list[Story]:
    """The period's stories, biggest first (outlets, then articles, then the newest), at most ``limit``."""
    if not first_chunks:
        return []
    chunks = [c for c, _ in first_chunks]
    vectors = np.array([v for _, v in first_chunks], dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-12
    groups = _groups(chunks, vectors @ vectors.T)
    found = []
    for members in groups:
        centre = vectors[members].mean(axis=0)
        ordered = sorted(members, key=lambda i: -float(vectors[i] @ centre))
        summary = lead_sentences(chunks[ordered[0]].text)
        if summary:
            found.append(Story(tuple(chunks[i] for i in ordered), summary))
    found.sort(key=lambda s: (-len(s.sources), -len(s.articles), -max(a.published_ts or 0 for a in s.articles)))
    return found[:limit]


def _groups(chunks: list[Chunk], similarity: np.ndarray) -> list[list[int]]:
    """Articles joined when they are one story's copies or their similarity reaches ``SAME_EVENT`` (transitively)."""
    parent = list(range(len(chunks)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_story: dict[str, int] = {}
    for i, chunk in enumerate(chunks):
        first = by_story.setdefault(chunk.story, i)
        parent[root(i)] = root(first)
    for i, j in zip(*np.nonzero(np.triu(similarity >= SAME_EVENT, k=1))):
        parent[root(int(i))] = root(int(j))
    groups: dict[int, list[int]] = {}
    for i in range(len(chunks)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def lead_sentences(text: str) -> tuple[str, ...]:
    """The article's first sentence that says something, and the next when that one is short."""
    sentences = [s for s in split_sentences(text) if len(_WORD.findall(s)) >= LEAD_WORDS and is_statement(s)]
    if not sentences:
        return ()
    return tuple(sentences[:2]) if len(_WORD.findall(sentences[0])) < SHORT_LEAD else (sentences[0],)


def story_passages(found: Sequence[Story]) -> list[Passage]:
    """Each story's lead article as a numbered passage, for citations and source cards."""
    return [Passage(i + 1, story.lead, 1.0, tuple(s for s in story.sources if s != story.lead.source))
            for i, story in enumerate(found)]
