"""Publications a question cites that the collection holds nothing from.

"According to a Bloomberg article, …" asks what Bloomberg reported. When no stored article is from Bloomberg and
none of the passages found even mentions Bloomberg, the passages cannot say what Bloomberg reported, however close
to the question they read: the small answer model, given them, answers anyway (MultiHop-RAG dev, 100 inference
and unanswerable questions: six of the seven unanswerable ones it answered cited Bloomberg, The Economist,
Forbes or Reuters, none stored). Query analysis knows the stored sources; this module knows the others by name:
well-known news publications, written out below, since a question's "the Wall Street Journal" looks like any
other name to code that has not heard of it.

A name counts only when it stands alone: "Michael Bloomberg" and "Bloomberg Philanthropies" are not the
publication, "Bloomberg's Mark Gurman" is.
"""

from __future__ import annotations

import re
from typing import Iterable

from newsdesk.qa.lexical import content_words

# English-language news publications, as they are written; "The" is part of a name only where the rest alone is
# a common word or a different publication ("The Times", "The Hindu"). Longer names win where they overlap.
PUBLICATIONS = (
    "9to5Google", "9to5Mac", "ABC News", "AFP", "Agence France-Presse", "Al Jazeera", "Android Authority",
    "Android Police", "AppleInsider", "Arab News", "Ars Technica", "Associated Press", "Axios", "Barron's", "BBC",
    "BBC News", "Benzinga", "Billboard", "Bleacher Report", "Bloomberg", "Bloomberg News", "Business Insider",
    "Business Standard", "BuzzFeed", "BuzzFeed News", "CBC", "CBC News", "CBS News", "CBS Sports",
    "Channel 4 News", "Chicago Tribune", "CNBC", "CNET", "CNN", "CoinDesk", "Cointelegraph", "Cricbuzz",
    "Cricinfo", "Daily Mail", "Daily Telegraph", "Deadline Hollywood", "Deccan Herald", "Der Spiegel",
    "Deutsche Welle", "Digital Trends", "Economic Times", "Engadget", "Entertainment Weekly", "ESPN",
    "ESPNcricinfo", "Eurogamer", "Euronews", "Evening Standard", "Fast Company", "Financial Times", "Forbes",
    "Fortune", "Fox Business", "Fox News", "GameSpot", "Gizmodo", "Global Times", "Globe and Mail", "GSMArena",
    "Gulf News", "Haaretz", "Hindustan Times", "Hollywood Reporter", "HuffPost", "Huffington Post", "IGN",
    "India Today", "Indian Express", "Investor's Business Daily", "ITV News", "Jerusalem Post", "Khaleej Times",
    "Korea Herald", "Kotaku", "Kyodo News", "Le Monde", "Los Angeles Times", "MacRumors", "Mail Online",
    "MarketWatch", "Mashable", "Moneycontrol", "Motley Fool", "MSNBC", "National Post", "NBC News", "NDTV",
    "New Statesman", "New York Post", "New York Times", "Newsweek", "Nikkei", "Nikkei Asia", "NPR", "NYT", "PBS",
    "PC Gamer", "PCMag", "PCWorld", "Pitchfork", "Politico", "Polygon", "ProPublica", "Reuters", "Rolling Stone",
    "Seeking Alpha", "Sky News", "Sky Sports", "Slate", "South China Morning Post", "Sports Illustrated",
    "Straits Times", "TASS", "TechCrunch", "TechRadar", "The Athletic", "The Daily Beast",
    "The Economist", "The Guardian", "The Hindu", "The Independent", "The Japan Times", "The Korea Times",
    "The New Yorker", "The Register", "The Spectator", "The Sunday Times", "The Telegraph", "The Times",
    "The Verge", "Times of India", "Tom's Guide", "Tom's Hardware", "Toronto Star", "USA Today", "Variety",
    "VentureBeat", "Vox", "Wall Street Journal", "Washington Post", "Wired", "WSJ", "Xinhua", "Yahoo Finance",
    "Yahoo News", "Yahoo Sports", "YourStory", "ZDNet",
)


def _bare(name: str) -> str:
    return re.sub(r"^the\s+", "", name.strip(), flags=re.IGNORECASE).lower()


def _name_pattern(name: str) -> str:
    if name.startswith("The "):
        return "[Tt]he " + re.escape(name[4:])
    return "(?:[Tt]he )?" + re.escape(name)


_BY_BARE_NAME = {_bare(name): name for name in PUBLICATIONS}
_CITED = re.compile(
    r"(?<![\w'’-])(?P<name>" + "|".join(_name_pattern(n) for n in sorted(PUBLICATIONS, key=len, reverse=True))
    + r")(?P<possessive>'s|’s|'|’)?(?![\w-])"
)


def cited_publications(question: str) -> list[str]:
    """The publications the question names, in order, each once, as written in ``PUBLICATIONS``."""
    found: list[str] = []
    for match in _CITED.finditer(question):
        if _part_of_a_longer_name(question, match):
            continue
        name = _BY_BARE_NAME[_bare(match.group("name"))]
        if name not in found:
            found.append(name)
    return found


def publications_not_stored(question: str, stored_names: Iterable[str]) -> list[str]:
    """The publications the question cites that no stored source is. ``stored_names`` are the stored sources'
    lower-cased names and short forms (``query_analysis.source_aliases``): "bbc news" holds the BBC and BBC News,
    "bloomberg" holds Bloomberg News."""
    stored = list(stored_names)
    return [name for name in cited_publications(question) if not any(_same_outlet(_bare(name), s) for s in stored)]


def mentions(text: str, publication: str) -> bool:
    """The text names the publication (a stored article quoting "Bloomberg reported…")."""
    core = re.sub(r"^The ", "", publication)
    return re.search(rf"(?<![\w-]){re.escape(core)}(?![\w-])", text) is not None


def _part_of_a_longer_name(question: str, match: re.Match[str]) -> bool:
    """A capitalised word just before the name (only spaces between), other than a sentence's first word or a
    little word ("Michael Bloomberg"), or a capitalised word or a number just after it without a possessive
    ("Bloomberg Philanthropies", "Fortune 500")."""
    sentence = re.split(r"[.?!:;]\s", question[: match.start()])[-1]
    before = re.search(r"([\w'’.-]+)\s+$", sentence)
    if before and sentence[: before.start()].strip() and _capitalised(before.group(1)):
        return True
    after = re.match(r"\s+([\w'’-]+)", question[match.end():])
    if match.group("possessive") or not after:
        return False
    return after.group(1)[:1].isdigit() or _capitalised(after.group(1))


def _capitalised(word: str) -> bool:
    """A capitalised word other than a little one ("The", "And")."""
    return word[:1].isupper() and bool(content_words(word))


def _same_outlet(cited: str, stored: str) -> bool:
    """One name is the other's start, word for word ("bbc" and "bbc news - technology")."""
    short, long = sorted((cited, stored), key=len)
    return long == short or long.startswith(short + " ")
