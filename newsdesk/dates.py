"""Publication dates in whatever form sources give them, normalised to ISO 8601."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime


def normalise_date(raw: str) -> str:
    """ISO 8601 for any common date form (ISO, RFC 2822 as in RSS, "June 29, 2022"); "" for an empty value.

    A date without a time zone is kept as given (naive). Raises ValueError for text that is not a date.
    """
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).isoformat()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(raw).isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    from dateutil import parser as dateutil_parser

    try:
        return dateutil_parser.parse(raw).isoformat()
    except (ValueError, OverflowError):
        raise ValueError(f"unrecognised date {raw!r} (use ISO 8601, e.g. 2023-10-04T23:32:53+00:00)") from None


def epoch_seconds(raw: str) -> int:
    """The moment a date names, in epoch seconds (a date without a time zone is UTC); ValueError as
    ``normalise_date``."""
    iso = normalise_date(raw)
    if not iso:
        raise ValueError("no date given")
    moment = datetime.fromisoformat(iso)
    return int((moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp())


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.I)
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400, "": 60}


def parse_duration(text: str) -> float:
    """Seconds in "30s", "15m", "2h", "1d" (a bare number is minutes); ValueError saying what is accepted."""
    match = _DURATION.match(str(text))
    if not match or float(match.group(1)) <= 0:
        raise ValueError(f"{text!r} is not a duration; use a number with s, m, h or d, e.g. 30s, 15m, 2h")
    return float(match.group(1)) * _UNIT[match.group(2).lower()]
