"""The specifics a claim or question rests on (names, places, numbers, dates) and whether a text holds them.

A claim is only as true as its specifics: "Robinson is visiting India" and "Robinson is in Pakistan" share every
word but the one that matters. MiniLM finds the sentence about Robinson's visit; these functions tell whether
that sentence names the same place, person, number and date, allowing the short forms news writes ("Biden" for
"Joe Biden", "US" for "United States", "FTX" for "Futures Exchange" spelt out).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from newsdesk.qa.lexical import STOPWORDS, content_words
from newsdesk.qa.places import ALIASES, PLACES
from newsdesk.sentences import MONTH_ABBREVIATIONS


class Kind(Enum):
    NAME = "name"  # a person, organisation, product or event: capitalised words
    PLACE = "place"
    NUMBER = "number"
    DATE = "date"


@dataclass(frozen=True)
class Specific:
    text: str  # as the claim writes it: "Todd Robinson"
    kind: Kind
    words: tuple[str, ...]  # its words in ``content_words`` form, titles dropped: ("todd", "robinson")


_ISO_DATE = re.compile(
    r"(?<![\w-])(?P<year>(?:19|20)\d\d)-(?P<month>0[1-9]|1[0-2])-(?P<day>0[1-9]|[12]\d|3[01])"
    r"(?:T\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?(?![\w-])"
)
_TOKEN = re.compile(r"\$?[A-Za-z0-9][A-Za-z0-9'’.&-]*[A-Za-z0-9%]|\$?[A-Za-z0-9]")
_MONTH_NAMES = set(
    "january february march april may june july august september october november december".split()
) | {a.lower() for a in MONTH_ABBREVIATIONS}
_MONTHS = _MONTH_NAMES | set("monday tuesday wednesday thursday friday saturday sunday".split())  # date words
# "in May", "since May": the month; a "May" with no date or preposition beside it is the verb opening a sentence.
_BEFORE_A_MONTH = re.compile(r"\b(?:in|on|since|until|by|of|from|to|early|late|mid|last|next|this)\W*$", re.I)
_NUMBER_WORDS = {
    w: str(n) for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split())
} | {"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80", "ninety": "90",
     "hundred": "100", "thousand": "1000"}


def count_of(word: str) -> int | None:
    """A count as news writes it, in figures or in words: "15", "1,200", "two"; None for anything else."""
    low = word.lower().replace(",", "")
    return int(low) if low.isdigit() else int(_NUMBER_WORDS[low]) if low in _NUMBER_WORDS else None


# Inside a name ("Bureau of International Narcotics", "Prince of Wales").
_NAME_JOINERS = {"of", "de", "del", "da", "di", "al", "bin", "van", "von", "la", "le", "&"}
# Titles and capitalised words that say what, not who: "President Biden" is Biden; "The Verge article" is The Verge.
_TITLES = set(
    """mr mrs ms dr prof president vice prime minister secretary assistant senator sen rep gov governor ceo chief
    former foreign general gen judge king queen prince princess pope chairman chair director spokesperson
    spokesman spokeswoman deputy ambassador minister commissioner officer head founder co-founder coach captain
    manager analyst reporter editor columnist state department""".split()
)
# Words that end an organisation's name and that news drops after the first mention: "Alameda" for "Alameda
# Research", "Caesars" for "Caesars Sportsbook".
_DESIGNATORS = content_words(  # in the stemmed form a specific's words take: "holdings" is "holding"
    """research group holdings capital partners bank sportsbook inc corp corporation company co ltd llc plc labs
    technologies motors airlines university institute foundation ventures media network studios systems"""
)
# Capitalised words that open a question or clause without naming anything.
_OPENERS = STOPWORDS | {"according", "after", "before", "between", "following", "since", "while", "in", "on", "as",
                        "despite", "considering", "given", "if", "yes", "no", "article", "report", "story"}


def _is_name_token(token: str, first: bool) -> bool:
    bare = token.strip("$.'’")
    if not bare[:1].isupper():
        return False
    if bare.lower().rstrip("s'’") in _OPENERS or bare.lower() in _OPENERS:
        return False
    return not first or bare.lower() not in STOPWORDS


def _kind_of_name(words: tuple[str, ...], text: str) -> Kind:
    return Kind.PLACE if text.lower().strip(" .") in PLACES or " ".join(words) in PLACES else Kind.NAME


def specifics_of(text: str) -> list[Specific]:
    """The names, places, numbers and dates ``text`` states, in order, each once. Consecutive capitalised words
    make one name; a month with its day ("June 29") one date; a year is a date; numbers may be spelt out."""
    tokens = [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    stamps = {m.start(): m for m in _ISO_DATE.finditer(text)}
    found: list[Specific] = []
    i = 0
    while i < len(tokens):
        token, start, end = tokens[i]
        if start in stamps:  # "2023-10-04T20:07:42+00:00" is October 4, 2023, not five numbers
            stamp = stamps[start]
            day = date(*(int(stamp.group(g)) for g in ("year", "month", "day")))
            written = _make(f"{day:%B} {day.day}, {day.year}", Kind.DATE)  # held where "October 4, 2023" is
            found.append(Specific(stamp.group(0), Kind.DATE, written.words))
            while i < len(tokens) and tokens[i][1] < stamp.end():
                i += 1
            continue
        low = token.lower().strip("$.'’")
        first = i == 0 or re.search(r"[.?!:;\"“”]\s*$", text[: start])
        if low in _MONTHS and token[:1].isupper():
            span = [token]
            j = i + 1
            while j < len(tokens) and re.fullmatch(r"\d{1,4}(st|nd|rd|th)?,?", tokens[j][0]) and \
                    text[tokens[j - 1][2]:tokens[j][1]].strip(" ,." if j == i + 1 else " ,") == "":  # "Oct. 10"
                span.append(tokens[j][0])
                j += 1
            if len(span) > 1 or low != "may" or _BEFORE_A_MONTH.search(text[:start]):
                found.append(_make(text[start:tokens[j - 1][2]], Kind.DATE))  # as written: "Oct. 10, 2023"
            i = j
            continue
        if re.fullmatch(r"(19|20)\d\d", low):
            found.append(_make(token, Kind.DATE))
        elif any(c.isdigit() for c in low):
            found.append(_make(token.lstrip("$").rstrip(".,"), Kind.NUMBER))
        elif low in _NUMBER_WORDS and low not in ("one", "zero"):
            found.append(Specific(token, Kind.NUMBER, (_NUMBER_WORDS[low],)))
        elif _is_name_token(token, bool(first)):
            span_end = i
            j = i + 1
            while j < len(tokens):
                gap = text[tokens[j - 1][2]:tokens[j][1]]
                initial = gap.strip() == "." and re.fullmatch(r"[A-Z]", tokens[j - 1][0])  # "Todd D. Robinson"
                if gap.strip() != "" and not initial:
                    break
                nxt = tokens[j][0]
                if _is_name_token(nxt, False):
                    span_end = j
                    j += 1
                elif nxt.lower() in _NAME_JOINERS and j + 1 < len(tokens) and _is_name_token(tokens[j + 1][0], False) \
                        and text[tokens[j][2]:tokens[j + 1][1]].strip() == "":
                    j += 1
                else:
                    break
            name = text[start:tokens[span_end][2]]
            name = re.sub(r"['’]s?$", "", name)
            specific = _make(name, Kind.NAME)
            if specific.words:
                found.append(Specific(specific.text, _kind_of_name(specific.words, name), specific.words))
            i = span_end + 1
            continue
        i += 1
    unique: list[Specific] = []
    for specific in found:
        if specific.words and specific.words not in [u.words for u in unique]:
            unique.append(specific)
    return unique


def _make(text: str, kind: Kind) -> Specific:
    words = [w for w in _words(text) if w not in _NAME_JOINERS]
    if kind is Kind.NAME:
        untitled = [w for w in words if w not in _TITLES]
        words = untitled or words
    return Specific(text, kind, tuple(words))


def _words(text: str) -> list[str]:
    """``content_words`` in the order written, numbers spelt out as digits, a month by its first three letters
    ("Oct." and "October" are one month; "May" is one, not a stop word, when capitalised)."""
    out = []
    for token in _TOKEN.findall(text):
        word = re.sub(r"^(\d+)(?:st|nd|rd|th)$", r"\1", token.lstrip("$").rstrip(".,"))  # "13th" is 13
        if word[:1].isupper() and word.lower() in _MONTH_NAMES:
            out.append(word.lower()[:3])
            continue
        for w in content_words(word) or ({word.lower()} if word.lower() in _NUMBER_WORDS else set()):
            out.append(_NUMBER_WORDS.get(w, w))
    return out


@dataclass(frozen=True)
class Holder:
    """A stretch of article text, ready to be asked whether it holds a specific: its words, its text, and the
    initials of its capitalised runs (for acronyms)."""

    text: str
    words: frozenset[str]

    @classmethod
    def of(cls, *texts: str) -> "Holder":
        text = " ".join(t for t in texts if t)
        return cls(text, frozenset(_words(text)))

    def holds_word(self, word: str) -> bool:
        return word in self.words

    def holds_phrase(self, phrase: str) -> bool:
        return re.search(rf"(?<![\w]){re.escape(phrase)}(?![\w])", self.text, re.I) is not None

    def holds_acronym(self, letters: str) -> bool:
        """"FTX" in a text with "Futures Trading eXchange"-like runs: the initials of consecutive capitalised words."""
        words = re.findall(r"[A-Za-z][\w'’-]*", self.text)
        initials = "".join(w[0] for w in words)
        capital = "".join("1" if w[0].isupper() else "0" for w in words)
        at = 0
        while (at := initials.upper().find(letters, at)) >= 0:
            if capital[at:at + len(letters)] == "1" * len(letters):
                return True
            at += 1
        return False


def publication_day(published_at: str) -> str:
    """An article's date written out ("October 4, 2023"), so "the October 4 report" is held by its metadata."""
    try:
        day = datetime.fromisoformat(published_at)
    except ValueError:
        return ""
    return f"{day:%B} {day.day}, {day.year} {day:%A} {published_at[:10]}"


def held(specific: Specific, near: Holder, wider: Holder | None = None) -> bool:
    """``near`` (the sentence and the one before it) holds the specific; for a name of several words, its last
    word in ``near`` and every word in ``wider`` (the passage) will do: "Robinson" after "Todd D. Robinson"; for
    an organisation's, the name without its designator: "Alameda" for "Alameda Research"."""
    wider = wider or near
    if specific.kind is Kind.NAME or specific.kind is Kind.PLACE:
        key = " ".join(specific.words)
        if key in ALIASES and (near.holds_word(key) or any(near.holds_phrase(a) for a in ALIASES[key])):
            return True
        for short, longs in ALIASES.items():
            if key in longs and near.holds_phrase(short.replace(".", "")) and re.search(
                    rf"\b{short.upper()}\b", near.text.replace(".", "")):
                return True
        bare = specific.text.replace(".", "")
        if len(specific.words) == 1 and bare.isupper() and 2 <= len(bare) <= 5 and near.holds_acronym(bare):
            return True
        initials = "".join(part[0] for part in re.split(r"[\s-]+", bare) if part[:1].isupper())
        if len(initials) >= 2 and re.search(rf"\b{initials}\b", near.text):  # "SBF" for "Sam Bankman-Fried"
            return True
        if len(specific.words) >= 2 and specific.words[-1] in _DESIGNATORS and \
                near.holds_phrase(" ".join(specific.text.split()[:-1])):
            return True
        return near.holds_word(specific.words[-1]) and all(wider.holds_word(w) for w in specific.words)
    return all(near.holds_word(w) for w in specific.words)
