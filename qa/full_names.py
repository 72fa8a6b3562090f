"""Surnames in the sentences the answer model reads, written as the full name the passages introduce.

News style names a person in full once ("Sam Bankman-Fried, the founder of FTX") and by surname after
("Bankman-Fried was even compared to Warren Buffet"). Evidence selection cuts sentences out of their articles, so
the model often reads only the surname; asked "who …?", the 1.5B model then reaches for a full name it can see,
often another person's ("Sam Altman", from a headline beside it). Each shown sentence gets back the full name the
passages (headlines and text) give for a surname, where they give exactly one and its first word is a known given
name (the US census lists of the ``names`` package: "Loading Google", a page's leftover, names no one). Only the
prompt changes: citations quote the passages as stored.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache
from importlib.resources import files

from newsdesk.qa.answer import Passage
from newsdesk.qa.lexical import STOPWORDS

_NAME_WORD = r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
# A given name and a surname: "Sam Bankman-Fried", "Caroline Ellison" (a middle initial allowed: "Todd D. Robinson").
_FULL_NAME = re.compile(rf"(?<![\w.’'-])({_NAME_WORD})\s+(?:[A-Z]\.\s+)?({_NAME_WORD})(?![\w’'-]|\s+[A-Z])")
# Given names that are also months and days: "In June Robinson visited" names no June Robinson.
_CALENDAR = frozenset({"JANUARY", "APRIL", "MAY", "JUNE", "AUGUST", "SEPTEMBER", "SUNDAY"})
_HONORIFICS = frozenset({"Mr.", "Mrs.", "Ms.", "Dr.", "Prof."})


@cache
def given_names() -> frozenset[str]:
    """The census's ~5,500 given names, upper case ("SAM", "CAROLINE")."""
    lists = files("names")
    return frozenset(line.split(" ", 1)[0] for name in ("dist.male.first", "dist.female.first")
                     for line in (lists / name).read_text().splitlines() if line.strip())


def full_names(texts: list[str]) -> dict[str, str]:
    """Surname → the one full name the texts give it ("Bankman-Fried" → "Sam Bankman-Fried"); a surname given
    with two first names ("Donald Trump", "Eric Trump") is left out, since either could be meant."""
    given: dict[str, set[str]] = {}
    for text in texts:
        for match in _FULL_NAME.finditer(text):
            first, surname = match.groups()
            if first.upper() not in given_names() or first.upper() in _CALENDAR or surname.lower() in STOPWORDS:
                continue
            given.setdefault(surname, set()).add(first)
    return {surname: f"{next(iter(firsts))} {surname}" for surname, firsts in given.items() if len(firsts) == 1}


def with_full_names(shown: list[Passage], passages: list[Passage]) -> list[Passage]:
    """The shown passages with each lone surname written in full, the names read from ``passages`` (all the
    evidence: a full name is often in another passage or a headline)."""
    names = full_names([text for p in passages for text in (p.chunk.title, p.chunk.text)])
    if not names:
        return shown
    # not inside a longer name: "the Trump Organization"
    lone = re.compile(rf"(?<![\w’'-])({'|'.join(map(re.escape, names))})(?![\w-]|\s+[A-Z])")

    def expanded(text: str) -> str:
        return lone.sub(lambda m: names[m.group(1)] if not _after_a_name(text, m.start()) else m.group(1), text)

    return [replace(p, chunk=replace(p.chunk, text=expanded(p.chunk.text))) for p in shown]


def _after_a_name(text: str, start: int) -> bool:
    """The word before ``start`` is capitalised and ends no sentence: the surname is already part of a name ("Sam
    Bankman-Fried", "Eric Trump", "Mr. Bankman-Fried", "The Bankman-Fried trial")."""
    before = re.search(r"(\S+)\s+$", text[:start])
    if not before or not before.group(1)[:1].isupper():
        return False
    return before.group(1) in _HONORIFICS or not before.group(1).endswith((".", "!", "?", ":"))
