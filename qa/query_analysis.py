"""Reading a question the way a news desk would, without the model: which of the stored sources it names, which
stretches of time ("the TechCrunch report published on October 7, 2023", "in October 2023", "after
November 5, 2023", "last week"), and its clauses.

A multi-hop question strings its facts together in clauses ("…accused of using a front at Alameda Research
according to Fortune, and previously established a persona of trustworthiness as per The Verge"): each clause
is also matched on its own, so the fact behind every clause can be found, not only the one that shares most words
with the whole question.

"…as reported by both Fortune and TechCrunch?" names two sources; each gets its own evidence, so a multi-source
question is not answered from whichever source happens to rank first. Short forms count: "CNBC" names
"Cnbc | World Business News Leader", "Verge" names "The Verge", "FOX News" names every "FOX News - …" feed.
"""

from __future__ import annotations

import calendar
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Iterable

from newsdesk.filters import DAY
from newsdesk.keyword_index import tokenize
from newsdesk.qa.publications import publications_not_stored

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


def source_mentions(question: str, aliases: dict[str, set[str]]) -> list[tuple[int, int, set[str]]]:
    """Each place the question names a source: (start, end, the sources that name may be), in order; the longest
    alias wins where two overlap ('The Independent - Sports' over 'Independent')."""
    text = question.lower()
    found: list[tuple[int, int, set[str]]] = []
    for alias in sorted(aliases, key=len, reverse=True):
        for match in re.finditer(rf"(?<![\w]){re.escape(alias)}(?![\w])", text):
            start, end = match.span()
            if all(end <= s or start >= e for s, e, _ in found):
                found.append((start, end, aliases[alias]))
    return sorted(found, key=lambda item: item[0])


def named_sources(question: str, aliases: dict[str, set[str]]) -> list[set[str]]:
    """The sources the question names, one set per source, in the order they first appear."""
    groups: list[set[str]] = []
    for _, _, sources in source_mentions(question, aliases):
        if sources not in groups:
            groups.append(sources)
    return groups


_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY_FORMS = [  # October 7, 2023 / 7 October 2023 / 2023-10-07
    re.compile(rf"\b(?P<m>{_MONTH})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})\b", re.I),
    re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m>{_MONTH})\.?,?\s+(?P<y>\d{{4}})\b", re.I),
    re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b"),
]
_MONTH_FORM = re.compile(rf"\b(?P<m>{_MONTH})\.?,?\s+(?P<y>\d{{4}})\b", re.I)  # October 2023
# "after the report on Nov 5, 2023": a connective a few words before the date opens a range from it
_SIDE = re.compile(r"\b(after|since|before|until|prior to)\b(?:[^,.;?]{0,40}?\b(?:on|of|from|in))?\s*$", re.I)
# each side word's range as (since, until) offsets from the named day's midnight; None: open
_SIDES = {"after": (DAY, None), "since": (0, None), "before": (None, 0), "prior to": (None, 0), "until": (None, DAY)}
_RECENT = re.compile(
    r"\b(?:(?:last|past|this|previous)\s+(week|month)"
    r"|(?:latest|most recent|newest)\s+(?:news|reports?|articles?|stor(?:y|ies)|coverage|updates?)|the latest on)\b",
    re.I,
)
_SPAN_DAYS = {"week": 7, "month": 30}  # "latest" and "most recent" count as the last week
# "today" and "yesterday" as words of the question, not of a name ("USA Today", "Business Today"): lower case, or
# opening a sentence
_DAY_WORDS = re.compile(r"\b(today|yesterday)\b|(?:^|[.?!]\s+)(Today|Yesterday)\b")
_DAY_WORD_OFFSET = {"today": 0, "yesterday": -DAY}


@dataclass(frozen=True)
class Period:
    """A stretch of publication time a question names: ``since`` inclusive, ``until`` exclusive (epoch seconds,
    UTC midnights); ``None`` leaves that side open."""

    since: int | None
    until: int | None
    said: str  # the question's words for it

    def holds(self, published_ts: int | None) -> bool:
        if published_ts is None:
            return False
        return (self.since is None or published_ts >= self.since) and (self.until is None or published_ts < self.until)

    def as_json(self) -> dict[str, str | None]:
        """Inclusive ISO dates, as a reader would say them."""
        return {
            "said": self.said,
            "since": _iso_day(self.since) if self.since is not None else None,
            "until": _iso_day(self.until - DAY) if self.until is not None else None,
        }


def named_periods(question: str, asked_ts: int | None = None) -> list[Period]:
    """The days, months and ranges the question names, in order of mention: a day ("on October 7, 2023"), a month
    ("in October 2023"), a side of a date ("after November 5, 2023" is from November 6 on, "since" from the 5th,
    "before" until the 4th; the day itself is also kept: it usually names a report), and "today", "yesterday",
    "last/past/this week/month" (the seven or thirty days ending on the day asked) or "latest news" (the last week),
    counted from ``asked_ts``, when the question is asked (``RetrievalFilter.anchor``: now, or the reader's "as
    of" date); without it, none of these."""
    found: list[tuple[int, Period]] = []
    spans = []
    for day, match in _days_with_spans(question):
        spans.append(match.span())
        found.append((match.start(), Period(day, day + DAY, match.group(0))))
        side = _SIDE.search(question[: match.start()])
        if side:
            said, word = question[side.start(): match.end()], side.group(1).lower()
            since, until = _SIDES[word]
            found.append((match.start(), Period(day + since if since is not None else None,
                                                day + until if until is not None else None, said)))
    for match in _MONTH_FORM.finditer(question):
        if any(s <= match.start() < e for s, e in spans):
            continue  # the month of a full date already read as a day
        year, month = int(match.group("y")), _MONTHS[match.group("m").lower()]
        first = calendar.timegm(date(year, month, 1).timetuple())
        last = calendar.monthrange(year, month)[1]
        found.append((match.start(), Period(first, first + last * DAY, match.group(0))))
    if asked_ts is not None:
        asked_day = asked_ts - asked_ts % DAY
        for match in _RECENT.finditer(question):
            days = _SPAN_DAYS[(match.group(1) or "week").lower()]
            found.append((match.start(), Period(asked_day - (days - 1) * DAY, asked_day + DAY, match.group(0))))
        for match in _DAY_WORDS.finditer(question):
            word = (match.group(1) or match.group(2)).lower()
            day = asked_day + _DAY_WORD_OFFSET[word]
            found.append((match.start(), Period(day, day + DAY, word)))
    return list(dict.fromkeys(period for _, period in sorted(found, key=lambda item: item[0])))


def _days_with_spans(question: str) -> list[tuple[int, re.Match[str]]]:
    found = []
    for pattern in _DAY_FORMS:
        for match in pattern.finditer(question):
            month = match.group("m")
            month_number = int(month) if month.isdigit() else _MONTHS[month.lower()]
            try:
                day = calendar.timegm(date(int(match.group("y")), month_number, int(match.group("d"))).timetuple())
            except ValueError:  # "June 31", month 13
                continue
            found.append((day, match))
    return sorted(found, key=lambda item: item[1].start())


# clause boundaries of a question: punctuation, conjunctions and relative pronouns; a comma before a number is
# inside a date ("October 13, 2023") or a figure ("1,200"), not between clauses
_PART_BREAK = re.compile(r",(?!\s*\d)|[;?]|\b(?:and|while|but|whereas|also|who|which|that)\b", re.I)
# A clause with fewer indexed words ("which company", "as reported by Fortune") says too little to match on its own.
MIN_PART_WORDS = 3


def question_parts(question: str) -> list[str]:
    """The question's clauses with enough indexed words to be matched on their own, in order; the whole question
    when none has."""
    parts = [part.strip() for part in _PART_BREAK.split(question) if part.strip()]
    words = tokenize(parts) if parts else []
    return [p for p, w in zip(parts, words) if len(w) >= MIN_PART_WORDS] or [question]


@dataclass(frozen=True)
class Reading:
    """What retrieval understood of a question, for ``newsdesk ask --json``: the stored sources each mention
    names, the stretches of time it names, the clauses matched on their own, and the publications it cites that
    no stored source is (``qa.publications``)."""

    sources: list[list[str]]
    periods: list[dict[str, str | None]]
    parts: list[str]
    publications_not_stored: list[str]


def read_question(question: str, stored_sources: Iterable[str], asked_ts: int | None = None) -> Reading:
    aliases = source_aliases(stored_sources)
    groups = named_sources(question, aliases)
    periods = [p.as_json() for p in named_periods(question, asked_ts)]
    return Reading([sorted(group) for group in groups], periods, question_parts(question),
                   publications_not_stored(question, aliases))


def _iso_day(day: int) -> str:
    return datetime.fromtimestamp(day, tz=timezone.utc).date().isoformat()
