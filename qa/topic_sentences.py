"""The statements of some passages, each with how much it tells of a topic: the share of the topic's content words
it holds and its cosine similarity to the topic (MiniLM). Timelines, coverage comparisons and outlet counts are
built from these sentences, quoted as they stand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from newsdesk.qa.answer import Passage
from newsdesk.qa.lexical import content_words
from newsdesk.qa.sentence_vectors import Embed, passage_sentence_vectors, unit_rows
from newsdesk.sentences import is_statement


@dataclass(frozen=True)
class TopicSentence:
    text: str
    passage: Passage
    vector: np.ndarray  # unit length
    words: frozenset[str]  # content words
    share: float  # of the topic's content words it holds (1.0 for no topic)
    meaning: float  # cosine similarity to the topic (1.0 for no topic)

    @property
    def relevance(self) -> float:
        return max(self.share, self.meaning)


def topic_sentences(topic: str, passages: Sequence[Passage], embed: Embed,
                    stored: Mapping[str, np.ndarray]) -> list[TopicSentence]:
    """Every statement of the passages in their order (headings, captions and questions left out; a sentence two
    overlapping chunks share, once). ``stored``: the sentence vectors the index holds (``passage_sentence_vectors``)."""
    wanted = content_words(topic)
    topic_vector = unit_rows(np.asarray(embed([topic]), dtype=np.float32))[0] if topic else None
    found: list[TopicSentence] = []
    seen: set[tuple[str, str]] = set()
    for passage, (texts, vectors) in zip(passages, passage_sentence_vectors(passages, embed, stored)):
        for text, vector in zip(texts, vectors):
            key = (passage.chunk.article_id, text)
            if key in seen or not is_statement(text):
                continue
            seen.add(key)
            words = frozenset(content_words(text))
            share = len(wanted & words) / len(wanted) if wanted else 1.0
            meaning = float(vector @ topic_vector) if topic_vector is not None else 1.0
            found.append(TopicSentence(text, passage, vector, words, share, meaning))
    return found


def word_overlap(one: frozenset[str] | set[str], other: frozenset[str] | set[str]) -> float:
    """Jaccard overlap of two sentences' content words."""
    return len(one & other) / max(len(one | other), 1)

