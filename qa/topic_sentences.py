"""The statements of some passages, each with how much it tells of a topic: the share of the topic's content words
it holds and its cosine similarity to the topic (MiniLM). Timelines, coverage comparisons and outlet counts are
built from these sentences, quoted as they stand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import numpy as np

from newsdesk.qa.answer import Passage
from newsdesk.qa.lexical import content_words
from newsdesk.sentences import is_statement, split_sentences

Embed = Callable[[list[str]], list[list[float]]]


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
    overlapping chunks share, once). ``stored``: the sentence vectors the index holds for a chunk, used when they
    are the passage's sentences (the rest are embedded: ~2 s for 20 passages here)."""
    wanted = content_words(topic)
    topic_vector = _unit(np.asarray(embed([topic]), dtype=np.float32))[0] if topic else None
    found: list[TopicSentence] = []
    seen: set[tuple[str, str]] = set()
    for passage in passages:
        texts = split_sentences(passage.chunk.text)
        held = stored.get(passage.chunk.chunk_id)
        if held is None or len(held) != len(texts):
            held = np.asarray(embed(texts), dtype=np.float32) if texts else np.zeros((0, 1), dtype=np.float32)
        for text, vector in zip(texts, _unit(np.asarray(held, dtype=np.float32))):
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


def _unit(vectors: np.ndarray) -> np.ndarray:
    return vectors / (np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-12)
