"""Relative dates in an article ("on Monday", "yesterday", "this year") resolved against its publication date.

A reader asking "when did the harbour reopen?" wants a date, but the article says "on Monday"; the small model
cannot count back from the publication date on its own. So the evidence it reads carries the date beside the
word: "reopened on Monday (October 2, 2023)". A weekday is taken as the latest such day on or before the
publication date, as news reports mostly tell what has happened.

A question's own "this year" or "last month" is the reader's, counted from the moment asked (``periods_asked``).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
PERIOD = re.compile(r"\b(?P<which>this|last|next) (?P<unit>year|month)\b", re.I)
_RELATIVE = re.compile(
    r"\b(?:(?:on|last|this|since|from|until|by|next)\s+)?(?P<weekday>monday|tuesday|wednesday|thursday|friday|"
    rf"saturday|sunday)\b|\b(?P<near>today|yesterday|tomorrow)\b|{PERIOD.pattern}",
    re.I,
)


def _publication_day(published_at: str) -> date | None:
    try:
        return datetime.fromisoformat(published_at).date() if published_at else None
    except ValueError:
        return None


def _long(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def _resolve(match: re.Match[str], day: date) -> str:
    """The date ``match`` means, counted from ``day`` (an article's publication day, or the day a question is asked)."""
    found = match.groupdict()
    weekday, near, which, unit = found.get("weekday"), found.get("near"), found["which"], found["unit"]
    if weekday:
        back = (day.weekday() - _WEEKDAYS.index(weekday.lower())) % 7
        if match.group(0).lower().startswith("next"):
            return _long(day + timedelta(days=(7 - back) % 7 or 7))
        return _long(day - timedelta(days=back))
    if near:
        return _long(day + timedelta(days={"today": 0, "yesterday": -1, "tomorrow": 1}[near.lower()]))
    step = {"this": 0, "last": -1, "next": 1}[which.lower()]
    if unit.lower() == "year":
        return str(day.year + step)
    month = day.month - 1 + step
    return f"{date(day.year + month // 12, month % 12 + 1, 1):%B %Y}"


def with_dates(text: str, published_at: str) -> str:
    """``text`` with each relative date followed by the date it means, in parentheses; unchanged when the
    article has no publication date."""
    published = _publication_day(published_at)
    if published is None:
        return text
    return _RELATIVE.sub(lambda m: f"{m.group(0)} ({_resolve(m, published)})", text)


def periods_asked(question: str, moment: int) -> str:
    """``question`` with each "this year", "last month" … followed by the period it means counted from ``moment``
    (a Unix time: now, or the day the reader reads as of): "Did Tom Ellery win the prize this year (2026)?" is
    then not borne out by an article of 2024 saying "Last year's prize went to Tom Ellery", which the model took
    for a yes. A question's weekday is left as asked: "Did the harbour reopen on Monday?" mostly means the
    Monday of the story the reader has in mind."""
    day = datetime.fromtimestamp(moment, tz=timezone.utc).date()
    return PERIOD.sub(lambda m: f"{m.group(0)} ({_resolve(m, day)})", question)
