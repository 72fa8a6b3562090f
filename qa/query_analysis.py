"""Reading a question the way a news desk would, without the model: which of the stored sources it names, and
which days it names ("the TechCrunch report published on October 7, 2023").

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


_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY_FORMS = [
    (re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I), (3, 1, 2)),  # October 7, 2023
    (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\.?,?\s+(\d{{4}})\b", re.I), (3, 2, 1)),  # 7 October 2023
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), (1, 2, 3)),  # 2023-10-07
]
DAY = 86_400


def named_days(question: str) -> list[int]:
    """The calendar days the question names, as UTC midnight epoch seconds, in order of mention."""
    days: list[int] = []
    for pattern, (y, m, d) in _DAY_FORMS:
        for match in pattern.finditer(question):
            month = match.group(m)
            month_number = int(month) if month.isdigit() else _MONTHS[month.lower()]
            try:
                day = calendar.timegm(date(int(match.group(y)), month_number, int(match.group(d))).timetuple())
            except ValueError:  # "June 31", month 13
                continue
            if day not in days:
                days.append(day)
    return days


@dataclass(frozen=True)
class Reading:
    """What retrieval understood of a question, for ``newsdesk ask --json``: the stored sources each mention
    names, and the days named (ISO dates)."""

    sources: list[list[str]]
    days: list[str]


def read_question(question: str, stored_sources: Iterable[str]) -> Reading:
    groups = named_sources(question, source_aliases(stored_sources))
    return Reading([sorted(group) for group in groups], [_iso_day(day) for day in named_days(question)])


def _iso_day(day: int) -> str:
    return datetime.fromtimestamp(day, tz=timezone.utc).date().isoformat()
