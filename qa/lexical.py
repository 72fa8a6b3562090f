"""Word-level evidence: which content words a claim or question shares with a passage.

Cheap and exact where the small embedding model is vague: names, numbers and dates either appear or not.
"""

from __future__ import annotations

import re

_NEGATION = re.compile(
    r"\b(no|not|never|fail(?:s|ed|ing)?|without|inconsisten\w*|lack\w*|other than|none|neither|nor|"
    r"contradict\w*|disagree\w*|cannot)\b|n['’]t\b",  # "didn't", and "didn’t" as news sites set it
    re.I,
)
# The verbs that open a yes/no question: "Is …", "Did …", "Has …".
AUXILIARY = r"is|are|was|were|do|does|did|has|have|had|can|could|will|would|should|shall|may|might"
_MARKERS = re.compile(r"\[\d+(?:\s*[,;]\s*\d+)*\]")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’.-]*[A-Za-z0-9]|[A-Za-z0-9]")
STOPWORDS = frozenset(
    """a an the and or but of to in on at by for from with as is are was were be been being it its this that these
    those he she they them his her their him we you i our your not no yes do does did has have had will would can
    could should may might shall also than then there here which who whom whose what when where why how all any
    both each into about over after before between during while said says according say tell me much many
    some""".split()
)


def _stem(word: str) -> str:
    """Crude suffix stripping, enough that 'visits', 'visited' and 'visiting' match each other. A possessive goes
    whatever the length of the name, so "FTX's" matches "FTX" (it became "ftx'", a word no passage holds)."""
    for possessive in ("'s", "’s"):
        if word.endswith(possessive) and len(word) > len(possessive):
            return word[: -len(possessive)]
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> set[str]:
    words = {w.lower().strip(".'’-") for w in _WORD.findall(_MARKERS.sub(" ", text))}
    return {_stem(w) for w in words if w and w not in STOPWORDS}


def support(sentence: str, passage_text: str) -> float:
    """Share of the sentence's content words that the passage contains (1.0: every name, number, term)."""
    return share_held(content_words(sentence), content_words(passage_text))


def share_held(claim: set[str], passage: set[str]) -> float:
    """``support`` on content words already found: a caller comparing each text with many others finds each
    text's words once."""
    return len(claim & passage) / len(claim) if claim else 0.0


def specifics(text: str) -> set[str]:
    """The names and numbers in a sentence (capitalised words after its first, anything with a digit), in
    ``content_words`` form: the words a source must hold before it can be cited for the sentence."""
    tokens = _WORD.findall(_MARKERS.sub(" ", text))
    picked = {t for i, t in enumerate(tokens) if any(c.isdigit() for c in t) or (i > 0 and t[:1].isupper())}
    return content_words(" ".join(picked))


def negated(text: str) -> bool:
    """The text says something did not happen, or failed: "never", "no change", "failed to", "isn't"."""
    return bool(_NEGATION.search(text))
