"""One claim checked against the passages: supported, contradicted, or not stated, and the sentence that decided.

Code decides what it can see: a claim whose name, place, number or date no passage holds is not borne out, and
is contradicted when the sentence closest to it states another of the same kind in its place ("Pakistan" where
the claim says "India", "75" where it says "50"). A claim whose specifics a sentence holds is contradicted when
that sentence negates it, counts the same thing with another figure, or states its outcome the other way
("approved" for "rejected", "fell" for "rose", the claim's winner beaten, "reopened" for "is closed", "still needs
approval" for "approved"); else supported when the sentence holds all of its other words. Where the words say
the outcome went the other way but code cannot settle it, no model reply makes the claim true. What is left (the
specifics are there but the words around them differ) goes to the model as narrow questions: yes / no / not stated;
then, where it says "not stated" and no sentence denies or undoes the claim ("called off"), whether the sentence
restates it in other words (yes / no). The model chooses only among those labels, and a sentence it has not seen
is never cited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from newsdesk.sentences import split_sentences
from newsdesk.qa.answer import Passage
from newsdesk.qa.evidence import closeness
from newsdesk.qa.judge import Judge, Label
from newsdesk.qa.lexical import STOPWORDS, content_words, negated
from newsdesk.qa.query_analysis import source_aliases, source_mentions
from newsdesk.qa.relative_dates import PERIOD, with_dates
from newsdesk.qa.specifics import Holder, Kind, Specific, count_of, held, publication_day, specifics_of

WORD_WEIGHT = 0.03  # each content word a sentence shares with the claim adds this to its cosine
TERM_SHARE = 0.7  # share of the claim's other words a sentence must hold to state it, as far as words can tell
# A negation before one of half the claim's words keeps the model's "yes" from counting ("said he would not stand
# again" against "Will Webb stand again for mayor?"); only TERM_SHARE of them answers "No" in code.
NEGATED_SHARE = 0.5
NEGATION_SCOPE = 8  # words before a claim's word that a negation may stand and still govern it
JUDGED_WINDOWS = 2  # sentences the model may be asked about, per claim
ROLE_REACH = 4  # words either side of a name or place that say what it does in a claim or a sentence
# Words that say who reported, not what happened: a claim "The Verge article suggests that…" is about the rest.
_REPORTING = content_words(
    "article articles report reports reported reporting suggest suggests suggested indicate indicates indicated "
    "claim claims claimed mention mentions mentioned state states stated say says said discuss discusses "
    "discussed describe describes described highlight highlights highlighted note notes noted portray portrayal "
    "imply implies implied reveal reveals revealed publish published piece story news outlet coverage according "
    "it that this there something someone"
)
# Words that deny, or undo, what a sentence otherwise states: "The US has denied the allegations", "workers have
# called off a strike planned for October 3". Beside them the sentence's words cannot vouch for the claim.
_DISPUTING = re.compile(
    r"\b(?:den(?:y|ies|ied|ial)|reject\w*|dismiss(?:ed|es)|refut\w*|false|untrue|cancel+(?:ed|s|ing|ation)?|"
    r"call(?:ed|s|ing)?\s+off|scrap+(?:ed|s)|postpon\w*|suspend\w*|halt(?:ed|s)|abandon\w*|withdr[ae]w\w*|"
    r"revers(?:ed|es|al)|overturn\w*)\b",
    re.I,
)
# The direction of a change or comparison: a claim of "reduced ease" against a sentence saying "more easily" is
# disputed by it, however many words they share.
_UP = re.compile(r"\b(?:more(?!\s+than)|higher|increas\w*|ris(?:e|en|es|ing)|rose|grow\w*|grew|greater|larger|bigger|"
                 r"boost\w*|climb\w*|soar\w*|doubl\w*|tripl\w*|up\s+from)\b", re.I)
_DOWN = re.compile(r"\b(?:less(?!\s+than)|lower|reduc\w*|decreas\w*|fall(?:s|en|ing)?|fell|drop\w*|declin\w*|"
                   r"fewer(?!\s+than)|smaller|shr[aiu]nk\w*|slow(?:s|ed|ing)?|plung\w*|slump\w*|halv\w*|down\s+from)\b",
                   re.I)
# Whether a change is for the better or the worse: a claim of a "negative impact on sleep quality" against a sentence
# saying it "can improve the quality of sleep" is disputed by it, however many words they share.
_BETTER = re.compile(r"\b(?:improv\w*|better|benefi\w*|positive(?:ly)?|healthier|strengthen\w*)\b", re.I)
_WORSE = re.compile(r"\b(?:worsen\w*|worse|negative(?:ly)?|harm\w*|hurt\w*|impair\w*|damag\w*|detriment\w*|"
                    r"weaken\w*)\b", re.I)
# Outcomes that exclude each other: a claim that a council "rejected" a budget against a sentence saying it
# "approved" it, that a harbour is "closed" against "open". Who won is read from where each name stands (below).
_OUTCOMES = [
    (re.compile(r"\b(?:accept\w*|approv\w*|agree[ds]?|endors\w*|ratif\w*)\b", re.I),
     re.compile(r"\b(?:reject\w*|refus\w*|veto\w*|vote[ds]?\s+(?:down|against))\b", re.I)),
    (re.compile(r"\b(?:confirm\w*|admit\w*|acknowledg\w*)\b", re.I), re.compile(r"\b(?:den(?:y|ies|ied|ial))\b", re.I)),
    (re.compile(r"\b(?:(?:re-?)?open(?:s|ed|ing)?)\b", re.I),
     re.compile(r"\b(?:clos(?:e|es|ed|ing|ure)|shut\w*)\b", re.I)),
    (re.compile(r"\b(?:allow\w*|permit\w*|legali[sz]\w*)\b", re.I),
     re.compile(r"\b(?:ban(?:s|ned|ning)?|prohibit\w*|forb[ia]d\w*|outlaw\w*)\b", re.I)),
    (re.compile(r"\b(?:convict\w*|guilty)\b", re.I), re.compile(r"\b(?:acquit\w*|innocent)\b", re.I)),
    (re.compile(r"\b(?:healthy|uninjured|injury-free)\b", re.I),
     re.compile(r"\b(?:injur(?:ed|y|ies)|strain(?:ed)?|sprain(?:ed)?|fractur\w*|concussion|sidelined|ruled\s+out)\b",
                re.I)),
]
# Who won and who lost, from where a name stands: "Lindqvist won", "Rovers beat City" (after the name: it won);
# "defeating the incumbent Jonas Berg", "beat Ashby City" (before it: it lost), and "lost to Rovers" (it won).
_WINS = re.compile(r"^(?:\W*\w+){0,2}?\W*\b(?:w[io]n|wins|winning|beat|beats|defeat(?:s|ed)?|oust(?:s|ed)|unseat\w*|"
                   r"(?:re-?)?elected)\b", re.I)
_LOSES = re.compile(r"^(?:\W*\w+){0,2}?\W*\b(?:los[et]|loses|losing)\b", re.I)
_BEATEN = re.compile(r"\b(?:beat(?:s|ing)?|defeat(?:s|ed|ing)?|oust(?:s|ed|ing)?|unseat\w*|ahead\s+of)\b"
                     r"(?:\W+\w+){0,3}\W*$", re.I)
_LOST_TO = re.compile(r"\blos[et]\s+to\W*$", re.I)
# A state ended: "The harbour reopened on Monday after a storm closed it" no longer bears out "the harbour is closed".
_RESTORED = re.compile(r"\b(?:re-?open\w*|resum\w*|restart\w*|reinstat\w*|restor\w*|lift(?:s|ed|ing)?)\b", re.I)
# Only a state ("is closed", "was banned"), not the event that began it ("Did the storm close the harbour?").
_INTERRUPTED = re.compile(r"\b(?:closed|shut|halted|suspended|stopped|banned)\b", re.I)
# What has yet to happen: "The deal still needs approval from regulators" does not say it was approved.
_PENDING = re.compile(r"\b(?:needs?|needed|await\w*|pending|yet)\b", re.I)
# Asked for or possible, not done: "Operators had asked for a rise to £2.40", "Ministers proposed a ban", "The
# merger may cost 2,000 jobs" do not say fares rose, vapes were banned or jobs went, which the model read them as
# saying. Lower case only: "May" is a month. Not "could", as often a past ability ("how much water they could
# absorb") as a possibility.
_UNDECIDED = re.compile(r"(?:asked|sought|seeks?|urg(?:ed|es|ing)|demand(?:ed|s|ing)?|propos(?:ed|es|ing|al)|may|might)")
_UNDECIDED_CLAIM = re.compile(r"\b(?:ask\w*|sought|seek\w*|urg\w*|demand\w*|propos\w*|could|may|might|call\w*\s+for)\b",
                              re.I)
# A part of a whole: "won only two of his 15 games", "three out of the 10 schools"; against a claim of most or all.
_PART_OF = re.compile(r"\b(?P<part>[\d,]+|[a-z]+)\s+(?:out\s+)?of\s+(?:the\s+|his\s+|her\s+|its\s+|their\s+)?"
                      r"(?P<whole>[\d,]+|[a-z]+)\b", re.I)
_MOST = re.compile(r"\b(?:most|majority)\b", re.I)
_ALL = re.compile(r"\b(?:all|every|each|unanimous\w*)\b", re.I)
# Prefixes that turn or temper a word ("in" and "im" start too many other words to count).
_ALTERING = re.compile(r"(?:un|dis|non|mis|luke|anti|semi|half)-?")
# Turning prefixes of a claim's word whose sentence has the word without them ("illegal" against "acted legally"):
# these, and "in", "im", "il" and "ir" before five letters or more ("inaccurate", not "income" or "impact").
_TURNED = re.compile(r"(?:un|dis|non|mis|anti)-?(?=\w{4})|(?:in|im|il|ir)(?=\w{5})")
# "… without mentioning X", "Michigan's performance without Harbaugh": what a report leaves out or a circumstance,
# not a claim that something did not happen, so no sentence can state it "without the negation".
_WITHOUT = re.compile(r"\bwithout\b", re.I)
# A date that says when a report came out ("the report published on October 1", "the Fortune article on
# September 26"): the article's date holds it; a date in the sentence is of something else, never "instead".
_PUBLISHED = re.compile(r"\b(?:published|posted|dated|report\w*|article|story|piece|column)\b(?:\W+\S+){0,4}\W*$", re.I)
# A question about a state now: "Is the harbour closed?", "… still closed", not "Is it true that it was closed".
_PRESENT_STATE = re.compile(r"^\s*(?:is|are)\b(?!\s+it\s+true\b)|\b(?:is|are|remains?|still|now|currently|any\s?more|"
                            r"any longer)\b", re.I)
# The words that say which way an outcome went: a sentence that states it the other way differs from the claim in them.
_TURNING = [_UP, _DOWN, _BETTER, _WORSE, *(p for pair in _OUTCOMES for p in pair), _RESTORED, _INTERRUPTED, _PENDING,
            re.compile(r"\b(?:w[io]n\w*|los[et]|los(?:es|ing)|beat\w*|defeat\w*|oust\w*|unseat\w*|elect\w*)\b", re.I)]
SETTLE_SHARE = 0.3  # share of a claim's words that do not turn, which a sentence must hold to answer "No" in code
# Neither up nor down: "Unemployment was unchanged at 4.2 percent" against "Did unemployment rise to 4.2 percent?"
_STEADY = re.compile(r"\b(?:unchanged|steady|flat|stable)\b", re.I)
# What the reader is told when the sentence states the claim's outcome the other way (``_opposition``).
_OPPOSITE = {
    "direction": "the articles say it goes the other way",
    "steady": "the articles say it was unchanged",
    "outcome": "the articles state the opposite outcome",
    "restored": "the articles say that has since ended",
    "name": "the articles state the result the other way round",
    "pending": "the articles say it has yet to happen",
    "share": "the articles count fewer than the question says",
    "negates": "the articles state it with a negation the question lacks",
}
FIGURE = re.compile(r"[$€£]?\d[\d,.]*%?")  # a figure as news writes it: 75, 1,200, $2, 4.5%
_WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}


@dataclass(frozen=True)
class Window:
    """A sentence of a passage with the one before it (a name is often in the sentence before: "Todd D.
    Robinson … The Assistant Secretary will meet…"), and what each can vouch for."""

    passage: Passage
    sentence: str
    near: Holder  # the sentence, the one before it, and the article's title, source and date
    wider: Holder  # the whole passage with the same metadata
    sentence_words: frozenset[str]
    after: str  # the sentence after it: "… accused the US. The US has denied the allegations."


@dataclass(frozen=True)
class ClaimCheck:
    claim: str
    label: Label
    passage: Passage | None
    sentence: str  # the sentence that decided; empty when no passage addresses the claim
    reason: str  # in a few words, for the reader: "the articles name Pakistan, not India"
    decided_by: str  # "code" or "model"
    missing: tuple[str, ...] = ()  # not stated for want of these names, places, numbers or dates in any one sentence


def check_json(check: ClaimCheck) -> dict[str, str]:
    """A check as ``--json`` and the web chat show it."""
    return {"claim": check.claim, "label": check.label.value, "sentence": check.sentence,
            "article_id": check.passage.chunk.article_id if check.passage else "", "reason": check.reason,
            "decided_by": check.decided_by}


def windows_of(passages: list[Passage]) -> list[Window]:
    windows: list[Window] = []
    for p in passages:
        meta = f"{p.chunk.title} {p.chunk.source} {publication_day(p.chunk.published_at)}"
        wider = Holder.of(meta, with_dates(p.chunk.text, p.chunk.published_at))
        sentences = [s for s in split_sentences(p.chunk.text) if s.strip()]  # quoted as the article writes them
        dated = [with_dates(s, p.chunk.published_at) for s in sentences]  # read with "Monday" as its date
        for i, sentence in enumerate(sentences):
            before = dated[i - 1] if i else ""
            after = dated[i + 1] if i + 1 < len(sentences) else ""
            windows.append(Window(p, sentence, Holder.of(meta, before, dated[i]), wider,
                                  frozenset(content_words(dated[i])), after))
    return windows


def claim_specifics(claim: str) -> list[Specific]:
    """The claim's specifics, without the words that only say who reported it."""
    return [s for s in specifics_of(claim) if not set(s.words) <= _REPORTING]


def _terms(claim: str, specifics: list[Specific]) -> set[str]:
    """The claim's other words: not who reported it, not its specifics (also as written: "two" for 2), not its
    negation words, whose polarity is compared on its own."""
    named = {w for s in specifics for w in s.words} | content_words(" ".join(s.text for s in specifics))
    said = PERIOD.sub(" ", claim)  # "this year (2024)": the year is a specific, "year" no word a sentence must hold
    return {w for w in content_words(said) - _REPORTING - named if not negated(w)}


def _shares(term: str, words: frozenset[str]) -> bool:
    """The same word, or the same first five letters ("accuse" and "accused", which the stemmer parts)."""
    return term in words or (len(term) >= 5 and any(w[:5] == term[:5] for w in words if len(w) >= 5))


def term_share(terms: set[str], window: Window) -> float:
    return sum(_shares(t, window.sentence_words) for t in terms) / len(terms) if terms else 1.0


def nearest_first(text: str, vector: list[float], windows: list[Window], vectors: list[list[float]]) -> list[int]:
    """The windows' places, the sentence closest to ``text`` (meaning and shared words) first."""
    words = content_words(text)
    return sorted(range(len(windows)), key=lambda i: closeness(vector, words, vectors[i], windows[i].sentence,
                                                                WORD_WEIGHT), reverse=True)


@dataclass(frozen=True)
class Part:
    """One check of a claim: the claim as checked, the windows (and their sentence vectors) it is checked against,
    and the specifics a sentence must hold; a claim made of several outlets at once has a part for each."""

    claim: str
    windows: list[Window]
    vectors: list[list[float]]
    specifics: list[Specific]


# What may stand between outlets named together, of which a claim is made: "The Verge and TechCrunch", "the
# CBSSports.com and the second Sporting News article", "'The Age' and 'TechCrunch' articles".
_JOINING = {"and", "the", "article", "articles", "report", "reports", "from", "by", "in", "other", "second",
            "another", "first", "both", "as", "well"}


def parts_of(claim: str, windows: list[Window], vectors: list[list[float]], by_outlet: bool = True) -> list[Part]:
    """A claim made of two outlets or more of the passages at once ("both The Verge and TechCrunch report that a
    court fined Epic") is checked in each outlet's articles, as that outlet's claim ("The Verge report that …"): no
    one sentence holds both names, so checked whole it is never stated. Outlets named apart ("the Age confirms what
    TechCrunch reported") are not: that claim compares them. Any other claim, or any with ``by_outlet`` False (how
    two reports relate, or in which order they came out, read from both at once), is one part: the claim whole."""
    specifics = claim_specifics(claim)
    whole = [Part(claim, windows, vectors, specifics)]
    if not by_outlet:
        return whole
    named = source_mentions(claim, source_aliases({w.passage.chunk.source for w in windows if w.passage.chunk.source}))
    if len({frozenset(sources) for _, _, sources in named}) < 2:
        return whole
    between = [claim[a[1]:b[0]].lower() for a, b in zip(named, named[1:])]
    if not all(set(words) <= _JOINING and ("and" in words or "," in text)
               for text in between for words in [re.findall(r"[a-z]+", text)]):
        return whole
    before = re.sub(r"\bboth\s+((?:the\s+)?['\"‘“]?)$", r"\1", claim[: named[0][0]], flags=re.I)
    after = re.sub(r"^(\W*(?:(?:articles?|reports?)\s+)?)both\s+", r"\1", claim[named[-1][1]:], flags=re.I)
    parts = []
    for n, (start, end, sources) in enumerate(named):
        places = [i for i, w in enumerate(windows) if w.passage.chunk.source in sources]
        # the other outlets' names are no specifics of this outlet's part
        elsewhere = [(a, b) for a, b, _ in named if a != start]
        kept = [s for s in specifics if not any(a <= claim.find(s.text) < b for a, b in elsewhere)]
        # "the TechCrunch article and The Age …": the words after a name up to "and" are that outlet's own
        own = re.split(r",|\band\b", claim[end:named[n + 1][0]])[0].rstrip() if n + 1 < len(named) else ""
        lead = before[:-4] if claim.startswith("The ", start) and before.lower().endswith("the ") else before
        parts.append(Part(lead + claim[start:end] + (own if re.search(r"\w", own) else "") + after,
                          [windows[i] for i in places], [vectors[i] for i in places], kept))
    return parts


def check_claim(
    part: Part, asked_as: str, claim_vector: list[float], judge: Judge | None, restate: bool = True,
) -> ClaimCheck:
    """The label of one claim, or one outlet's part of it (``parts_of``); ``asked_as`` is it as a yes/no question,
    for the model. ``restate`` False: the model is asked only the three-way question, where only a contradiction could
    still change the answer."""
    claim, windows, vectors, specifics = part.claim, part.windows, part.vectors, part.specifics
    terms = _terms(claim, specifics)
    ranked = nearest_first(claim, claim_vector, windows, vectors)
    complete = [i for i in ranked if all(held(s, windows[i].near, windows[i].wider) for s in specifics)]
    if complete:
        return _check_complete(claim, asked_as, [windows[i] for i in complete], terms, judge, restate)
    return _check_missing(claim, asked_as, specifics, terms, [windows[i] for i in ranked], judge)


def _check_complete(
    claim: str, asked_as: str, complete: list[Window], terms: set[str], judge: Judge | None, restate: bool,
) -> ClaimCheck:
    """Some sentence holds every specific of the claim: its other words, polarity and the model decide."""
    best = max(complete[: 2 * JUDGED_WINDOWS], key=lambda w: term_share(terms, w))
    if _asserts_negation(claim) and not negated(_near(best.sentence, claim, back=NEGATION_SCOPE)):
        # One direction only: a claim of absence or failure ("never", "failed to") against a sentence that states
        # the thing plainly. A negation shortly before the claim's words may be the claim's own ("nor had attempts
        # been made to branch out beyond the series' core audience"); one about something else ("keep this post
        # updated … if our pick doesn't sound like your jam") is not.
        return ClaimCheck(claim, Label.CONTRADICTED, best.passage, best.sentence,
                          "the articles state it without the question's negation", "code")
    if _negates_claim(claim, best, terms):
        # the other direction: "No accidents have been linked to the fault" against "accidents have been linked"
        return ClaimCheck(claim, Label.CONTRADICTED, best.passage, best.sentence,
                          "the articles state it with a negation the question lacks", "code")
    swapped = _figure_instead(claim, best)
    if swapped:
        # "offer to sell 140 stores" against "offered to sell 60 stores", 140 being in the sentence before
        return ClaimCheck(claim, Label.CONTRADICTED, best.passage, best.sentence,
                          f"the articles say {swapped[0]}, not {swapped[1]}", "code")
    redated = _date_instead(claim, best)
    if redated:
        # "Did Tom Ellery win the prize in 2024?" over "Last year's prize went to Tom Ellery" in an article of 2024:
        # the year is the article's, the sentence dates the win otherwise. Not "No": a sentence's other date may be
        # of something else ("approved the 2025 budget"), so only no "Yes", and no model asked to give one.
        return ClaimCheck(claim, Label.NOT_STATED, best.passage, best.sentence,
                          f"the sentence dates it {redated[0]}, not {redated[1]}", "code")
    altered = _altered(terms, best)
    if altered:
        return ClaimCheck(claim, Label.NOT_STATED, best.passage, best.sentence,
                          f"the articles say {altered[1]}, not {altered[0]}", "code")
    stated = term_share(terms, best) == 1.0
    # a sentence further off may answer "No" only when the closest does not hold the claim's words: "The museum had
    # closed in April 2022" does not undo "The museum reopened … after a two-year refit"
    for window in [best] if stated else complete[:JUDGED_WINDOWS]:
        turned = _opposition(window, claim)
        if turned and _settles(turned, window, claim, terms, asked_as, closest=window is best):
            return ClaimCheck(claim, Label.CONTRADICTED, window.passage, window.sentence, _OPPOSITE[turned], "code")
    if stated and not _disputed(best, claim) and not _undecided(best, asked_as, terms):
        # every other word: the one missing may be what the claim asserts ("refuse" in "the US refuse to continue
        # working with Pakistan's government", against "We look forward to continuing that work with …")
        return ClaimCheck(claim, Label.SUPPORTED, best.passage, best.sentence, "the articles state it", "code")
    if judge is None:
        return ClaimCheck(claim, Label.NOT_STATED, best.passage, best.sentence,
                          "no sentence states it in so many words", "code")
    tried = [best] + [w for w in complete if w is not best][: JUDGED_WINDOWS - 1]
    for window in tried:
        disputed = _disputed(window, claim)
        label = judge(asked_as, _shown(window), True)
        if label is Label.NOT_STATED and restate and not disputed:
            label = judge(asked_as, _shown(window), False)  # the small model says "not stated" to most restatements
        if label is Label.SUPPORTED and _undecided(window, asked_as, terms):
            return ClaimCheck(claim, Label.NOT_STATED, window.passage, window.sentence,
                              "the articles report it as asked for or possible, not as done", "model")
        if label is Label.SUPPORTED and _opposed(window, claim):
            # the model read "more easily" as bearing out "reduced ease": a change the other way is never support
            return ClaimCheck(claim, Label.NOT_STATED, window.passage, window.sentence,
                              "the articles say it goes the other way", "model")
        if label is Label.SUPPORTED:
            return ClaimCheck(claim, label, window.passage, window.sentence, "the articles state it", "model")
        if label is Label.CONTRADICTED:
            return ClaimCheck(claim, label, window.passage, window.sentence, "the articles say otherwise", "model")
        if disputed:  # a sentence that denies or undoes it outweighs another sentence's wording
            return ClaimCheck(claim, Label.NOT_STATED, window.passage, window.sentence,
                              "a sentence beside it disputes it", "model")
    return ClaimCheck(claim, Label.NOT_STATED, best.passage, best.sentence, "no sentence states it", "model")


def _figure_instead(claim: str, window: Window) -> tuple[str, str] | None:
    """(the sentence's figure, the claim's) where the sentence counts the same thing as the claim with another
    figure ("60 stores" for "140 stores"), the claim's own being only in the sentence before it or the title."""
    for claimed in claim_specifics(claim):
        if claimed.kind is not Kind.NUMBER or not FIGURE.fullmatch(claimed.text) or \
                held(claimed, Holder.of(window.sentence)):
            continue
        for stated in specifics_of(window.sentence):
            if stated.kind is Kind.NUMBER and figure_value(stated.text) != figure_value(claimed.text) and \
                    _same_role(claimed, claim, stated, window.sentence, {}):
                return stated.text, claimed.text
    return None


def _date_instead(claim: str, window: Window) -> tuple[str, str] | None:
    """(the sentence's date, the claim's) where the claim's date is only the article's (its publication date) and
    the sentence, its relative dates read, gives another of the same precision in the same role."""
    dated = with_dates(window.sentence, window.passage.chunk.published_at)
    for claimed in claim_specifics(claim):
        if claimed.kind is not Kind.DATE or held(claimed, Holder.of(dated)):
            continue
        for stated in specifics_of(dated):
            if stated.kind is Kind.DATE and _same_role(claimed, claim, stated, dated, {}):
                return stated.text, claimed.text
    return None


def _altered(terms: set[str], window: Window) -> tuple[str, str] | None:
    """(the claim's word, the sentence's) where one is the other turned or tempered by a prefix: the sentence says
    "lukewarm" for "warm", "unlikely" for "likely", "disagree" for "agree", or "legally" for the claim's "illegal".
    Such a sentence states something else, and neither its other words nor the model (which read "lukewarm" as
    "warm", and "acted legally" as bearing out "illegal") can make the claim true."""
    for term in sorted(terms):
        if _shares(term, window.sentence_words):
            continue
        turned = _TURNED.match(term)
        rest = term[turned.end():] if turned else ""
        for word in sorted(window.sentence_words):
            if len(term) >= 4 and word.endswith(term) and _ALTERING.fullmatch(word[: -len(term)]):
                return term, word
            if rest and word.startswith(rest) and len(word) - len(rest) <= 2:  # "legal", "legally"
                return term, word
    return None


def _asserts_negation(claim: str) -> bool:
    return negated(_WITHOUT.sub(" ", claim))


def _disputed(window: Window, claim: str) -> bool:
    """A denial or an undoing in or after the sentence ("The US has denied the allegations", "called off") that
    the claim does not make, or a change the other way ("reduced" against "more"): the sentence alone cannot make
    the claim true, and the model is asked whether it is contradicted, not only whether it restates the claim."""
    if _DISPUTING.search(f"{window.sentence} {window.after}") and not _DISPUTING.search(claim):
        return True
    return _opposed(window, claim)


def _undecided(window: Window, asked_as: str, terms: set[str]) -> bool:
    """The sentence puts a request or a possibility before the claim's words ("asked for a rise", "may cost"),
    which the claim as asked ("May the merger cost …?") does not ask about: it does not say the thing happened."""
    return _marks(window.sentence, terms, _UNDECIDED.fullmatch) and not _UNDECIDED_CLAIM.search(asked_as)


def _opposed(window: Window, claim: str) -> bool:
    """The sentence says the claim's outcome the other way (``_opposition``): it never makes the claim true,
    whatever the model reads into it. The small model said yes to "Did Jonas Berg win?" over "Lindqvist won …,
    defeating the incumbent Jonas Berg"."""
    return _opposition(window, claim) is not None


def _opposition(window: Window, claim: str) -> str | None:
    """How the sentence says the claim's outcome the other way, or None: "direction", only more where the claim
    says only less, only better where it says worse; "outcome", "approved" where it says "rejected"
    (``_OUTCOMES``); "restored", reopened where the claim has it closed; "name", a name the claim has winning is
    beaten in the sentence, or the other way round; "share", a part where the claim says most or all ("two of his
    15"); "pending", it has yet to happen ("still needs approval");
    "negates", the sentence negates a word of a claim that negates nothing ("No accidents have been linked"
    against "accidents have been linked")."""
    specifics = claim_specifics(claim)
    terms = _terms(claim, specifics)
    near = _near(window.sentence, claim)
    if _turned(claim, near, window.sentence, [(_UP, _DOWN), (_BETTER, _WORSE)]):
        return "direction"
    if _direction(claim, _UP, _DOWN) and _STEADY.search(near) and not _direction(near, _UP, _DOWN):
        return "steady"
    if _fewer(claim, _near(window.sentence, claim, reach=5)):  # "Three of the nine board members"
        return "share"
    if _turned(claim, near, window.sentence, _OUTCOMES):
        return "outcome"
    if _RESTORED.search(window.sentence) and _INTERRUPTED.search(claim) and not _RESTORED.search(claim):
        return "restored"
    names = [s.text for s in specifics if s.kind is Kind.NAME]
    if any(_outcome(claim, name) * _outcome(window.near.text, name) < 0 for name in names):
        return "name"
    if _marks(window.sentence, terms, _PENDING.fullmatch) and not _PENDING.search(claim):
        return "pending"
    return "negates" if _negates_claim(claim, window, terms, NEGATED_SHARE) else None


def _fewer(claim: str, near: str) -> bool:
    """The claim says most or all, the words beside its own count a part that is not: "won only two of his 15"
    against "Did Ray Cole win most of his games?"."""
    for match in _PART_OF.finditer(near):
        part, whole = count_of(match.group("part")), count_of(match.group("whole"))
        if part is None or not whole or part > whole:
            continue
        if (_MOST.search(claim) and 2 * part <= whole) or (_ALL.search(claim) and part < whole):
            return True
    return False


def _settles(turned: str, window: Window, claim: str, terms: set[str], asked_as: str, closest: bool) -> bool:
    """Whether an opposition found in code answers "No" without the model. The sentence must be about what the
    claim is about: it holds SETTLE_SHARE of the claim's other words, those that turn (approved, more) aside. More
    or less, better or worse are words of many sentences, so they count only in the sentence closest to the
    claim. A negation in the claim, or in the sentence beside the claim's words, turns an outcome back ("did not
    approve" is no approval to set against "rejected"). An ended state answers only a question about the state
    now ("Is the harbour closed?", not "Was the harbour closed for a week?", which the reopening does not settle).
    The model is asked about the others, and its "yes" is still not taken."""
    plain = {t for t in terms if not any(p.search(t) for p in _TURNING)}
    if term_share(plain, window) < SETTLE_SHARE:
        return False
    if turned in ("direction", "steady", "outcome", "restored", "name") and \
            (negated(_near(window.sentence, claim)) or _asserts_negation(claim)):
        return False
    if turned == "negates":
        return _negates_claim(claim, window, terms)
    if turned in ("direction", "steady", "share"):
        return closest
    if turned == "restored":
        return bool(_PRESENT_STATE.search(asked_as))
    return True


def _negates_claim(claim: str, window: Window, terms: set[str], share: float = TERM_SHARE) -> bool:
    """The sentence states the claim, as much as its words can tell, and negates it: "No accidents have been linked
    to the fault" against "accidents have been linked to the brake fault"."""
    return not _asserts_negation(claim) and term_share(terms, window) >= share and \
        _negates(window.sentence, terms)


def _outcome(text: str, name: str) -> int:
    """1 where ``text`` has ``name`` winning, -1 losing, 0 where it says neither or both."""
    won = lost = False
    for at in re.finditer(rf"(?<![\w]){re.escape(name)}(?![\w])", text):
        before, after = text[: at.start()], text[at.end():]
        won |= bool(_WINS.match(after) or _LOST_TO.search(before))
        lost |= bool(_LOSES.match(after) or _BEATEN.search(before))
    return won - lost


def _negates(sentence: str, terms: set[str]) -> bool:
    """A negation word stands before one of ``terms`` with nothing but function words between: "No accidents have
    been linked", "did not approve"; not "not only … but", a "not" about something else, or "without" (the Reds
    are "without Andy Robertson": a circumstance, not a denial)."""
    return _marks(sentence, terms, lambda word: negated(word) and word.lower() != "without")


def _marks(sentence: str, terms: set[str], mark: Callable[[str], object]) -> bool:
    """A word ``mark`` accepts stands before one of ``terms``, with nothing but function words between."""
    words = re.findall(r"[\w'’]+", sentence)
    for i, word in enumerate(words):
        if not mark(word):
            continue
        following = [w for w in words[i + 1: i + 4] if w.lower() not in STOPWORDS]
        if following and _shares(next(iter(content_words(following[0])), ""), frozenset(terms)):
            return True
    return False


def _near(sentence: str, claim: str, reach: int = 3, back: int | None = None) -> str:
    """The sentence's words within ``reach`` of a word of the claim (``back`` words before it, when given): which
    way "passenger numbers had risen 8 percent on last year, but margins had shrunk" says the numbers went, not the
    margins; whether a "not" is about the claim's matter ("loans that may not be repaid" is not about a profit that
    fell)."""
    back = reach if back is None else back
    specifics = claim_specifics(claim)
    terms = _terms(claim, specifics) | {w for s in specifics for w in s.words}
    words = re.findall(r"[\w'’]+", sentence)
    kept: set[int] = set()
    for i, word in enumerate(words):
        if _shares(next(iter(content_words(word)), ""), frozenset(terms)):
            kept.update(range(max(0, i - back), min(len(words), i + reach + 1)))
    return " ".join(words[i] for i in sorted(kept))


def _turned(claim: str, near: str, sentence: str, pairs: list[tuple[re.Pattern[str], re.Pattern[str]]]) -> bool:
    """One of ``pairs`` has the claim one way and the sentence the other: read beside the claim's words (``near``)
    where they say a way, else from the whole sentence."""
    return any(_direction(claim, up, down) * (_direction(near, up, down) or _direction(sentence, up, down)) < 0
               for up, down in pairs)


def _direction(text: str, up: re.Pattern[str], down: re.Pattern[str]) -> int:
    """1 when the text has words of ``up`` only, -1 of ``down`` only, else 0."""
    return bool(up.search(text)) - bool(down.search(text))


def _shown(window: Window) -> str:
    """What the model reads: the article's title, source and date, then the sentence with the ones around it."""
    chunk = window.passage.chunk
    head = ", ".join(x for x in (chunk.title, chunk.source, chunk.published_at[:10]) if x)
    sentences = split_sentences(chunk.text)
    at = next((i for i, s in enumerate(sentences) if s.strip() == window.sentence.strip()), None)
    body = " ".join(sentences[max(0, at - 1): at + 2]) if at is not None else window.sentence
    return f"{head}\n{with_dates(body, chunk.published_at)}"


def _same_role(
    claimed: Specific, claim: str, stated: Specific, sentence: str, outlets: dict[str, set[str]],
) -> bool:
    """A specific of the sentence can stand in place of the claim's: a place for a place; a figure for a figure
    with the same unit ("75 years" for "50 years", "$3 billion" for "$2 billion", not "Week 4" for a 6-4 record);
    a date for a date of the same precision (a day for a day, a year for a year), unless the claim's date is when a
    report came out: "the report published on …", "discussed in Business World on …" (one of ``outlets``, which
    maps each outlet of the passages to the days its articles came out), or the day an article of an outlet the
    claim names came out ("TechCrunch reported on October 31 that …, and again on December 15"); a place for one
    that does what the claim's does, seen in the words around each ("Robinson is visiting India" against
    "Robinson is in Pakistan"; not "England defeating" against "Fiji wins"). A name for a name is left to the
    model, which reads the roles."""
    if claimed.kind is Kind.NUMBER:
        return all(FIGURE.fullmatch(x.text) for x in (claimed, stated)) and \
            unit_of(claim, claimed.text) == unit_of(sentence, stated.text)
    if claimed.kind is Kind.DATE:
        at = claim.find(claimed.text)
        before = claim[:at] if at >= 0 else ""
        published = _PUBLISHED.search(before) or any(
            re.search(rf"\b{re.escape(outlet)}\W+(?:\S+\W+){{0,2}}$", before) for outlet in outlets if outlet)
        named_day = any(held(claimed, Holder.of(day)) for outlet, days in outlets.items()
                        if outlet and outlet.lower() in claim.lower() for day in days)
        return _precision(claimed) == _precision(stated) and not published and not named_day
    return claimed.kind is not Kind.PLACE or bool(_around(claim, claimed) & _around(sentence, stated))


def _around(text: str, specific: Specific, reach: int = ROLE_REACH) -> set[str]:
    """The content words within ``reach`` words either side of the specific in ``text``, its own words aside."""
    at = re.search(rf"(?<![\w]){re.escape(specific.text)}(?![\w])", text)
    if at is None:
        return set()
    before, after = (re.findall(r"[\w'’-]+", part) for part in (text[: at.start()], text[at.end():]))
    nearby = content_words(" ".join(before[-reach:] + after[:reach])) - set(specific.words) - _REPORTING
    return {w for w in nearby if len(w) > 1}  # not the "s" a possessive leaves


def unit_of(text: str, figure: str) -> str:
    """What a figure counts in ``text``: its currency or per cent sign and the word after it ("years" in "75
    years", "$billion" in "$2 billion"); a function word after it counts nothing ("$1000 in bonus bets": "$")."""
    after = re.search(rf"{re.escape(figure)}\s*(\w*)", text)
    word = after.group(1).lower() if after else ""
    return "".join(c for c in figure if c in "$€£%") + ("" if word in STOPWORDS else word)


def figure_value(figure: str) -> str:
    """A figure without what only formats it: "$1,000" and "1000" are one value."""
    return re.sub(r"[$€£%,]", "", figure)


def _precision(date: Specific) -> str:
    words = set(date.words)
    if words & _WEEKDAYS:
        return "weekday"
    has_day = any(w.isdigit() and len(w) <= 2 for w in words)
    return "day" if has_day else "year" if all(w.isdigit() for w in words) else "month"


def _check_missing(
    claim: str, asked_as: str, specifics: list[Specific], terms: set[str], ranked: list[Window],
    judge: Judge | None,
) -> ClaimCheck:
    """No sentence holds every specific: contradicted where a sentence close to the claim, holding at least half of
    its specifics, has another place, number or date in place of a missing one; another name in place of a
    missing name is not enough in code ("Merkel met Robinson" against "Robinson met officials"): the model must
    call it a contradiction, and nothing it says makes such a claim true. Else not stated."""
    def held_count(w: Window) -> int:
        return sum(held(s, w.near, w.wider) for s in specifics)

    top = sorted(ranked[: 3 * JUDGED_WINDOWS], key=held_count, reverse=True)  # stable: closest first among equals
    if not top:
        return ClaimCheck(claim, Label.NOT_STATED, None, "", "no passage addresses it", "code")
    claimed = {w for s in specifics for w in s.words}
    claimed_as = {s.words for s in specifics}
    outlets: dict[str, set[str]] = {}
    for w in ranked:
        outlets.setdefault(w.passage.chunk.source, set()).add(publication_day(w.passage.chunk.published_at))

    def in_its_place(s: Specific) -> bool:
        """A specific of the sentence that is none of the claim's: a date or figure may share a word with one
        ("Oct. 10, 2023" where the claim says "May 10, 2023"), a name or place may not ("Robinson" for "Todd
        Robinson")."""
        if set(s.words) <= _REPORTING:
            return False
        if s.kind is Kind.DATE:  # "Thursday, September 28" is the claim's own "September 28, 2023"
            day = set(s.words) - _WEEKDAYS
            return not (day and any(day <= set(c) for c in claimed_as))
        return s.words not in claimed_as if s.kind is Kind.NUMBER else not set(s.words) & claimed

    for window in top:
        if 2 * held_count(window) < len(specifics) or held_count(window) == 0:
            break
        if _asserts_negation(claim) and not negated(window.sentence) and term_share(terms, window) >= TERM_SHARE:
            return ClaimCheck(claim, Label.CONTRADICTED, window.passage, window.sentence,
                              "the articles state it without the question's negation", "code")
        missing = [s for s in specifics if not held(s, window.near, window.wider)]
        instead = [s for s in specifics_of(window.sentence) if in_its_place(s)]
        for m in missing:
            same_kind = [s for s in instead if s.kind is m.kind and _same_role(m, claim, s, window.sentence, outlets)]
            if not same_kind:
                continue
            reason = f"the articles say {same_kind[0].text}, not {m.text}"
            if m.kind is not Kind.NAME:
                return ClaimCheck(claim, Label.CONTRADICTED, window.passage, window.sentence, reason, "code")
            if judge is not None and judge(asked_as, _shown(window), True) is Label.CONTRADICTED:
                return ClaimCheck(claim, Label.CONTRADICTED, window.passage, window.sentence, reason, "model")
            break
    best = top[0]
    missing = tuple(s.text for s in specifics if not held(s, best.near, best.wider))
    names = " or ".join(missing)
    if not held_count(best):
        return ClaimCheck(claim, Label.NOT_STATED, None, "", f"no passage mentions {names}", "code", missing)
    return ClaimCheck(claim, Label.NOT_STATED, best.passage, best.sentence, f"no passage mentions {names} in this",
                      "code", missing)
