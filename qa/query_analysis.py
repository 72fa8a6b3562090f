"""Reading a question the way a news desk would, without the model: which of the stored sources it names.

"…as reported by both Fortune and TechCrunch?" names two sources; each gets its own evidence, so a multi-source
question is not answered from whichever source happens to rank first. Short forms count: "CNBC" names
"Cnbc | World Business News Leader", "Verge" names "The Verge", "FOX News" names every "FOX News - …" feed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Iterable

_SUFFIXES = re.compile(r"\s*(\||:| - | – ).*$")
_MIN_ALIAS = 3


def source_aliases(sources: Iterable[str]) -> dict[str, set[str]]:
    """Lower-cased names a question may use for each source: the full name, the part before a ' | ', ' - ' or
    ':' tagline, and either without a leading 'The'."""
    aliases: dict[str, set[str]] = defaultdict(set)
    for source in sources:
        base = _SUFFIXES.sub("", source).strip()
        for name in {source.strip(), base}:
            for alias in {name, re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)}:
                if len(alias) >= _MIN_ALIAS:
                    aliases[alias.lower()].add(source)
    return dict(aliases)


def named_sources(question: str, aliases: dict[str, set[str]]) -> list[set[str]]:
    """The sources the question names, one set per mention, in the order they appear; the longest alias wins
    where two overlap ('The Independent - Sports' over 'Independent')."""
    text = question.lower()
    found: list[tuple[int, int, set[str]]] = []
    for alias in sorted(aliases, key=len, reverse=True):
        for match in re.finditer(rf"(?<![\w]){re.escape(alias)}(?![\w])", text):
            start, end = match.span()
            if all(end <= s or start >= e for s, e, _ in found):
                found.append((start, end, aliases[alias]))
    groups: list[set[str]] = []
    for _, _, sources in sorted(found, key=lambda item: item[0]):
        if sources not in groups:
            groups.append(sources)
    return groups
