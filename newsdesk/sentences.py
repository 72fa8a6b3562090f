"""Splitting text into sentences: one rule for ingest (which embeds each chunk's sentences), the reorder (which
scores them) and the citations (which quote them), so a sentence means the same thing everywhere."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[A-Z0-9\"“‘(\[])")
_NOT_AN_END = re.compile(
    r"(\b[A-Z]|\b(Mr|Mrs|Ms|Dr|Prof|St|Jr|Sr|Gen|Gov|Sen|Rep|Lt|Col|Capt|Sgt|Inc|Corp|Co|Ltd|No|vs|etc|[A-Z]\.[A-Z]))\.$"
)
MONTH_ABBREVIATIONS = ("Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec")
_MONTH_ABBREVIATION = re.compile(rf"\b(?:{'|'.join(MONTH_ABBREVIATIONS)})\.$")  # "Oct. 10, 2023"


def split_sentences(text: str) -> list[str]:
    """Sentences, without breaking after initials ("Todd D. Robinson"), common abbreviations ("Mr.", "U.S.") or a
    month's before its day ("on Oct. 10, 2023")."""
    sentences: list[str] = []
    pieces = [piece for line in text.strip().split("\n") for piece in _SENTENCE_END.split(line)]
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        if sentences and (_NOT_AN_END.search(sentences[-1]) and piece[:1].isupper()
                          or _MONTH_ABBREVIATION.search(sentences[-1]) and piece[:1].isdigit()):
            sentences[-1] = f"{sentences[-1]} {piece}"
        else:
            sentences.append(piece)
    return sentences


_STATEMENT_END = re.compile(r"[.!][\"'”’)\]]*$")


def is_statement(sentence: str) -> bool:
    """A sentence that states something: it ends as a statement does. Headings, captions and list items in
    article text end without one, and a question asks."""
    return bool(_STATEMENT_END.search(sentence.strip()))
