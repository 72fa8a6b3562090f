"""Near-duplicate articles across sources: the same wire story under two outlets, or a story republished with a
paragraph more, recognised at ingest and kept as one story with several sources.

Each article's text gets a MinHash signature of its five-word shingles (datasketch); an article whose estimated
Jaccard similarity to a stored one reaches ``SAME_STORY`` joins that article's story (the story id is the id of the
story's first stored article). The signature is stored with the article (``ArticleStore.write_articles``), so the
comparison needs no other file and follows the store to a server.
"""

from __future__ import annotations

import base64
import re

import numpy as np

PERMUTATIONS = 128
SHINGLE_WORDS = 5
# Estimated Jaccard similarity of the shingle sets from which two articles are one story: a story and its copy
# with one paragraph of ten added share ~0.9 (one sentence added to five: ~0.8); two outlets' own reports of one
# event rarely pass 0.2. In MultiHop-RAG's 609 articles the closest pair, two Engadget deal round-ups (Black Friday,
# Cyber Monday) sharing their boilerplate, shares 0.64: siblings, not one story.
SAME_STORY = 0.7
_WORD = re.compile(r"\w+")


def signature(text: str) -> np.ndarray:
    """The MinHash signature of the text's five-word shingles (words lower-cased: case and punctuation edits do not
    count)."""
    from datasketch import MinHash

    words = _WORD.findall(text.lower())
    shingles = {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(max(len(words) - SHINGLE_WORDS + 1, 1))}
    minhash = MinHash(num_perm=PERMUTATIONS, seed=1)
    minhash.update_batch([s.encode("utf-8") for s in shingles])
    return np.asarray(minhash.hashvalues, dtype=np.uint32)


def encode(values: np.ndarray) -> str:
    """A signature as text, for a Chroma metadata field."""
    return base64.b64encode(np.asarray(values, dtype="<u4").tobytes()).decode("ascii")


def decode(text: str) -> np.ndarray | None:
    """A stored signature; None for one of another length or not one at all."""
    try:
        values = np.frombuffer(base64.b64decode(text, validate=True), dtype="<u4")
    except ValueError:
        return None
    return values if len(values) == PERMUTATIONS else None


class Stories:
    """The stored articles' signatures and stories, grown as an ingest stores more."""

    def __init__(self, stored: dict[str, tuple[str, np.ndarray]]) -> None:
        self._ids = list(stored)
        self._stories = [story for story, _ in stored.values()]
        self._signatures = np.array([s for _, s in stored.values()], dtype=np.uint32).reshape(-1, PERMUTATIONS)

    def story_of(self, article_id: str, values: np.ndarray) -> str:
        """The story an article belongs to: that of the most similar other article when it is similar enough,
        else a story of its own (its id)."""
        if not self._ids:
            return article_id
        similarity = (self._signatures == values).mean(axis=1)
        for i in np.argsort(-similarity, kind="stable"):
            if similarity[i] < SAME_STORY:
                break
            if self._ids[i] != article_id:
                return self._stories[i]
        return article_id

    def add(self, article_id: str, story: str, values: np.ndarray) -> None:
        if article_id in self._ids:  # an article stored again: its new text replaces the old signature
            row = self._ids.index(article_id)
            self._stories[row] = story
            self._signatures[row] = values
            return
        self._ids.append(article_id)
        self._stories.append(story)
        self._signatures = np.vstack([self._signatures, values[None, :]])
