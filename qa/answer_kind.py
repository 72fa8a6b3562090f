"""The kind of thing a question asks for, and a short answer held to it.

"Which newspaper did the diplomat talk to?" wants a publication, "how many" a number, "when" a date; a short
answer of another kind ("Todd D. Robinson" for the newspaper) or one that only repeats the question ("The band
announced this week it's dropping a new single") answers nothing. Such a short answer is replaced by the first
thing of the wanted kind in the cited sentences that the question does not already hold, when there is one.
"""

from __future__ import annotations

import re
from enum import Enum

from newsdesk.qa.lexical import content_words
from newsdesk.qa.publications import cited_publications
from newsdesk.qa.specifics import Kind, specifics_of


class Wanted(Enum):
    PUBLICATION = "publication"
    NUMBER = "number"
    DATE = "date"
    PLACE = "place"
    NAME = "name"  # a person or organisation


_WANTS: list[tuple[re.Pattern[str], Wanted]] = [
    (re.compile(r"^\W*(?:in |to )?(?:what|which) (?:newspaper|publication|outlet|magazine|news ?paper|paper|"
                r"broadcaster|news (?:site|outlet|organi[sz]ation))\b", re.I), Wanted.PUBLICATION),
    (re.compile(r"^\W*(?:how many|how much|what (?:number|percentage|share|amount|price))\b", re.I), Wanted.NUMBER),
    (re.compile(r"^\W*(?:when|(?:on |in )?what (?:date|day|year|month))\b", re.I), Wanted.DATE),
    (re.compile(r"^\W*(?:where|(?:in |to )?(?:what|which) (?:country|state|city|town|region|province|nation))\b",
                re.I), Wanted.PLACE),
    (re.compile(r"^\W*(?:who|whom|(?:which|what)\s+(?:\w+\s+)?(?:individual|person|people|player|athlete|"
                r"celebrit(?:y|ies)|figure|executive|official|leader|compan(?:y|ies)|firm|organi[sz]ation|institution|"
                r"entity|team|brand|band|group|agency)s?)\b", re.I), Wanted.NAME),
]
_KINDS = {Wanted.NUMBER: {Kind.NUMBER}, Wanted.DATE: {Kind.DATE}, Wanted.PLACE: {Kind.PLACE, Kind.NAME},
          Wanted.NAME: {Kind.NAME, Kind.PLACE}}
# "he told The Nation", "according to Reuters", "in an interview with CNN": who a statement was given to.
_OUTLET_AFTER = re.compile(
    r"\b(?:told|telling|according to|in an interview with|speaking to|reported by|wrote in|writing in|said to)\s+"
    r"((?:[Tt]he\s+)?[A-Z][\w'’&-]*(?:\s+[A-Z][\w'’&-]*)*)"
)


def wanted(question: str) -> Wanted | None:
    """What kind of thing answers the question; None when its wording does not say."""
    return next((kind for pattern, kind in _WANTS if pattern.search(question)), None)


# A source's date as its label gives it to the model: "[1] Title (Fortune, 2023-10-01)".
_LABEL_DATE = re.compile(r"\s*\([^()]*\b\d{4}-\d\d-\d\d\b[^()]*\)|\s*,?\s*\b\d{4}-\d\d-\d\d\b")


def trimmed(short: str, question: str) -> str:
    """The short answer without a source's date copied from its label ("Sam Bankman-Fried, 2023-10-01," to "who
    …?"), unless the question asks when, and without the items of a list that the question itself names ("Sam
    Bankman-Fried, TechCrunch" to "who, as reported by TechCrunch, …?"): the model copies what it read around the
    answer, and a reader asked for the one thing new."""
    if wanted(question) is not Wanted.DATE:
        short = _LABEL_DATE.sub("", short).strip(" ,;.")
    items = [item.strip() for item in re.split(r"[,;]", short) if item.strip()]
    asked = content_words(question)
    new = [item for item in items if not content_words(item) <= asked]
    return ", ".join(new) if new and len(new) < len(items) else short


def echoes(short: str, question: str) -> bool:
    """Every content word of the short answer (two or more) is already in the question: it tells nothing new."""
    words = content_words(short)
    return len(words) >= 2 and words <= content_words(question)


def _outlets(sentence: str) -> list[str]:
    return [*cited_publications(sentence), *(m.group(1) for m in _OUTLET_AFTER.finditer(sentence))]


def fits(short: str, question: str, sources: list[str]) -> bool:
    """The short answer is of the kind the question asks for (any answer fits a question that does not say).
    ``sources`` are the passages' publications, which answer "which newspaper" as well as a known name does."""
    kind = wanted(question)
    if kind is None:
        return True
    if kind is Wanted.PUBLICATION:
        return bool(cited_publications(short)) or any(
            s and (s.lower() in short.lower() or short.lower().strip() in s.lower()) for s in sources)
    if kind is Wanted.NUMBER and re.search(r"\d", short):
        return True
    return any(s.kind in _KINDS[kind] for s in specifics_of(f"Answer: {short}"))


def candidate(question: str, sentences: list[str]) -> str | None:
    """The first thing of the wanted kind in the cited sentences that the question does not already name."""
    kind = wanted(question)
    if kind is None:
        return None
    asked = content_words(question)
    for sentence in sentences:
        if kind is Wanted.PUBLICATION:
            found = [o for o in _outlets(sentence) if not content_words(o) <= asked]
        else:
            found = [s.text for s in specifics_of(sentence) if s.kind in _KINDS[kind] and not set(s.words) <= asked]
        if found:
            return found[0]
    return None
