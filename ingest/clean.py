"""Boilerplate removal: the cookie banners, share bars and "Read More" lines that extractors leave behind.

Small models get derailed by them (the seed article ends in a cookie banner), and they waste chunk space.
"""

from __future__ import annotations

import re

# A line is dropped when it is short and matches one of these; long lines are article prose that happens
# to mention cookies or newsletters, and stay.
_BOILERPLATE = [
    r"\b(this|our) (web)?site uses cookies\b",
    r"\bwe use cookies\b",
    r"\b(accept|allow|manage) (all )?cookies\b",
    r"\bcookie (policy|settings|preferences)\b",
    r"\bby continuing to (use|browse) (this|our) (web)?site\b",
    r"^(read more|continue reading|show more|load more)\W*$",
    r"^(share|share this|share this article|share on \w+|tweet|email|print)\W*$",
    r"^(advertisement|sponsored|related( articles| stories)?|recommended( for you)?)\W*$",
    r"\bsubscribe to (our|the) newsletter\b",
    r"^sign up (for|to) (our|the) .*newsletter",
    r"^follow us on\b",
    r"^(all rights reserved|©|copyright ©?\s*\d{4})",
    r"^click here to\b",
]
_PATTERN = re.compile("|".join(f"(?:{p})" for p in _BOILERPLATE), re.IGNORECASE)
_MAX_BOILERPLATE_CHARS = 300
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def is_boilerplate(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and len(stripped) <= _MAX_BOILERPLATE_CHARS and bool(_PATTERN.search(stripped))


def clean_text(text: str) -> str:
    """Normalise whitespace, drop boilerplate lines, keep paragraphs (blank-line separated) intact."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    kept = [line for line in lines if not is_boilerplate(line)]
    return _BLANK_LINES.sub("\n\n", "\n".join(kept)).strip()
