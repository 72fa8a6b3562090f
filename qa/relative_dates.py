"""Relative dates in an article ("on Monday", "yesterday", "this year") resolved against its publication date.

A reader asking "when did the harbour reopen?" wants a date, but the article says "on Monday"; the small model
cannot count back from the publication date on its own. So the evidence it reads carries the date beside the
word: "reopened on Monday (October 2, 2023)". A weekday is taken as the latest such day on or before the
publication date, as news reports mostly tell what has happened.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_RELATIVE = re.compile(
    r"\b(?:(?:on|last|this|since|from|until|by|next)\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
    r"|\b(today|yesterday|tomorrow)\b|\b(this|last|next) (year|month)\b",
    re.I,
)


def _publication_day(published_at: str) -> date | None:
    try:
        return datetime.fromisoformat(published_at).date() if published_at else None
    except ValueError:
        return None


def _long(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def _resolve(match: re.Match[str], published: date) -> str:
    weekday, near, which, unit = match.group(1), match.group(2), match.group(3), match.group(4)
    if weekday:
        back = (published.weekday() - _WEEKDAYS.index(weekday.lower())) % 7
        if match.group(0).lower().startswith("next"):
            return _long(published + timedelta(days=(7 - back) % 7 or 7))
        return _long(published - timedelta(days=back))
    if near:
        return _long(published + timedelta(days={"today": 0, "yesterday": -1, "tomorrow": 1}[near.lower()]))
    step = {"this": 0, "last": -1, "next": 1}[which.lower()]
    if unit.lower() == "year":
        return str(published.year + step)
    month = published.month - 1 + step
    return f"{date(published.year + month // 12, month % 12 + 1, 1):%B %Y}"


def with_dates(text: str, published_at: str) -> str:
    """``text`` with each relative date followed by the date it means, in parentheses; unchanged when the
    article has no publication date."""
    published = _publication_day(published_at)
    if published is None:
        return text
    return _RELATIVE.sub(lambda m: f"{m.group(0)} ({_resolve(m, published)})", text)
