"""Evidence selection: from each retrieved passage keep only the sentences that bear on the question.

A 1.5B model reads a few hundred tokens far better (and faster) than five full chunks: with whole chunks it
refused almost every MultiHop-RAG question. Sentences are scored by meaning (MiniLM cosine to the question)
plus shared words; each passage keeps its best sentences in article order, so its [n] still points to one
article, and every passage keeps at least one sentence, so a question comparing two sources sees both.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Mapping, Sequence

import numpy as np

from newsdesk.qa.answer import Passage
from newsdesk.qa.lexical import content_words
from newsdesk.qa.sentence_vectors import Embed, passage_sentence_vectors, unit_rows

SENTENCES_PER_PASSAGE = 4
TOTAL_SENTENCES = 6
WORD_WEIGHT = 0.05  # each shared content word adds this to a sentence's cosine score


def closeness(
    query: Sequence[float], query_words: set[str], vector: Sequence[float], sentence: str, word_weight: float
) -> float:
    """Cosine of two normalised MiniLM vectors plus ``word_weight`` for each content word the sentence shares with
    the query: meaning and exact names together, since MiniLM alone is vague about names."""
    return float(np.dot(query, vector)) + word_weight * len(query_words & content_words(sentence))


def select_evidence(question: str, passages: list[Passage], embed: Embed,
                    stored: Mapping[str, np.ndarray] | None = None) -> list[Passage]:
    """The passages with their text cut down to the sentences closest to the question. ``stored``: the sentence
    vectors the index holds (``passage_sentence_vectors``)."""
    sentences = passage_sentence_vectors(passages, embed, stored or {})
    flat: list[tuple[int, int, str, np.ndarray]] = []
    seen: set[str] = set()
    for pi, (texts, vectors) in enumerate(sentences):  # neighbouring chunks of an article overlap: a sentence once
        for si, (s, vector) in enumerate(zip(texts, vectors)):
            if (key := " ".join(s.split())) and key not in seen:
                seen.add(key)
                flat.append((pi, si, s, vector))
    if not flat:
        return passages
    query = unit_rows(np.asarray(embed([question]), dtype=np.float32))[0]
    wanted = content_words(question)
    scored = sorted(((closeness(query, wanted, vector, s, WORD_WEIGHT), pi, si) for pi, si, s, vector in flat),
                    reverse=True)
    keep: dict[int, set[int]] = {pi: set() for pi in range(len(passages))}
    for _, pi, si in scored:  # the best sentence of every passage first
        if not keep[pi]:
            keep[pi].add(si)
    for _, pi, si in scored:
        if sum(len(k) for k in keep.values()) >= TOTAL_SENTENCES:
            break
        if len(keep[pi]) < SENTENCES_PER_PASSAGE:
            keep[pi].add(si)
    return [
        replace(p, chunk=replace(p.chunk, text=" ".join(sentences[pi][0][si] for si in sorted(keep[pi]))))
        for pi, p in enumerate(passages)
        if keep[pi]
    ]
