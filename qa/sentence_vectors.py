"""The MiniLM vectors of passages' sentences, taken from the keyword index's stored copy where it holds them.

Ingest embeds every chunk's sentences once; embedding them again at question time cost about 0.1 s a passage here,
spent before the model reads a word. A passage whose text no longer splits into the stored sentences (sentences
addressed to the assistant set aside, a chunk the index does not hold) is embedded, all such passages in one batch.
"""

from __future__ import annotations

from typing import Callable, Mapping, Sequence

import numpy as np

from newsdesk.qa.answer import Passage
from newsdesk.sentences import split_sentences

Embed = Callable[[list[str]], list[list[float]]]


def passage_sentence_vectors(passages: Sequence[Passage], embed: Embed, stored: Mapping[str, np.ndarray]
                             ) -> list[tuple[list[str], np.ndarray]]:
    """Each passage's sentences and their unit vectors (one row a sentence), in the passages' order."""
    sentences = [split_sentences(p.chunk.text) for p in passages]
    held: list[np.ndarray | None] = []
    for passage, texts in zip(passages, sentences):
        vectors = stored.get(passage.chunk.chunk_id)
        held.append(vectors if vectors is not None and len(vectors) == len(texts) else None)
    missing = [s for texts, vectors in zip(sentences, held) if vectors is None for s in texts]
    embedded = np.asarray(embed(missing), dtype=np.float32) if missing else np.zeros((0, 1), dtype=np.float32)
    found, start = [], 0
    for texts, vectors in zip(sentences, held):
        if vectors is None:
            vectors, start = embedded[start:start + len(texts)], start + len(texts)
        found.append((texts, unit_rows(np.asarray(vectors, dtype=np.float32)) if texts else np.zeros((0, 1))))
    return found


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    return vectors / (np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-12)
