"""Yes/no questions about how reports relate: did one come before the other, do they agree, did something change.

"Did TechCrunch report on X before The Verge discussed Y?" and "Between the Fortune report on X and the TechCrunch
report on Y, was there a discrepancy in Z?" name reports and ask how they relate. Each named report is found: a
passage from that outlet holding the description's dates and most of its names, the closest to it in meaning and
words. Then what the reports show can contradict the question: they were published in the other order; or each
report's sentence closest to what is compared says the same kind of thing (close in meaning) with other figures,
or one negates what the other states, where the question says they agree; or with the same figure and polarity
where it asks whether they differ. That gives "No", with both sentences quoted. Where code cannot settle whether
two reports agree (sentences on one topic in other words, with no figure or negation to compare), the model reads
what each report says on the matter, labelled with its outlet and date, and answers the question itself: yes, no or
not stated, as it judges a claim (``qa.judge``). Code finds the reports and chooses the sentences it reads, so what
is cited is what was compared; a report not found, or a relation in time, is never the model's to decide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsdesk.qa.answer import Passage
from newsdesk.qa.claim_check import (
    FIGURE, ClaimCheck, Judge, Window, figure_value, nearest_first, unit_of, windows_of,
)
from newsdesk.qa.judge import Label
from newsdesk.qa.lexical import content_words, negated
from newsdesk.qa.query_analysis import source_aliases, source_mentions
from newsdesk.qa.sentence_vectors import Embed
from newsdesk.qa.specifics import Kind, held, specifics_of

# The relation asked about; the words of difference come first, so "inconsistent" is not read as "consistent".
_RELATION = re.compile(
    r"\b(?:(?P<different>inconsisten\w*|disagree\w*|discrepan\w*|contradict\w*|chang(?:e|ed|es|ing)|"
    r"shift(?:ed|s|ing)?|differ(?:ed|s|ence|ences)?)"
    r"|(?P<same>consisten(?:t|cy)|agree(?:s|d|ment)?|align(?:s|ed|ment)?))\b",
    re.I,
)
_TOPIC_BEFORE = re.compile(r"\b(?:climate|regime|sea)\s+$", re.I)  # "climate change" is what a report is about
_NEGATED_BEFORE = re.compile(r"\b(?:no|not|never|fail(?:s|ed|ing)?\s+to)\b(?:\W+\w+){0,2}\W*$", re.I)
# "… and the same source's report on …": a second report from the outlet named before.
_SAME_SOURCE = re.compile(r"\bthe\s+same\s+(?:news\s+)?(?:source|publication|outlet|newspaper|site|paper)\b", re.I)
PARALLEL = 0.6  # cosine at which two reports' sentences say the same kind of thing, so their figures must match
MIN_ASPECT_WORDS = 3
SUBJECT_WORDS = 4  # an ordered part is a report when it opens with its outlet: "the TechCrunch report on …"


@dataclass(frozen=True)
class Relation:
    kind: str  # "order" or "agreement"
    reports: list[tuple[str, frozenset[str]]]  # each report's description and the sources its outlet may be
    later: bool = False  # order: the question says the first report came after the second
    asks_difference: bool = False  # agreement: the question asks whether they differ ("changed", "inconsistent")
    aspect: str = ""  # agreement: what is compared ("… consistency in the reported amount Google spent")


def relation_of(question: str, order: tuple[str, str, str] | None, passages: list[Passage]) -> Relation | None:
    """The relation the question asks about between reports of outlets among the passages, or None when it
    names fewer than two reports (then its claims are checked one by one)."""
    aliases = source_aliases({p.chunk.source for p in passages if p.chunk.source})
    if order:
        first, word, second = order
        groups = [source_mentions(part, aliases) for part in (first, second)]
        if all(g and len(part[: g[0][0]].split()) <= SUBJECT_WORDS for g, part in zip(groups, (first, second))):
            return Relation("order", [(first, frozenset(groups[0][0][2])), (second, frozenset(groups[1][0][2]))],
                            later=word == "after")
    relation = next((m for m in _RELATION.finditer(question) if not _TOPIC_BEFORE.search(question[: m.start()])),
                    None)
    mentions = _mentions(question, aliases)
    if relation is None or len(mentions) < 2:
        return None
    negative = bool(_NEGATED_BEFORE.search(question[: relation.start()]))
    starts = [0] + [start for start, _ in mentions[1:]] + [len(question)]
    reports = [(question[starts[i]: starts[i + 1]].strip(" ,?"), frozenset(sources))
               for i, (_, sources) in enumerate(mentions)]
    aspect = question[relation.start():]
    if len(content_words(aspect)) < MIN_ASPECT_WORDS:
        aspect = question
    return Relation("agreement", reports, asks_difference=bool(relation.group("different")) != negative,
                    aspect=aspect)


def _mentions(question: str, aliases: dict[str, set[str]]) -> list[tuple[int, set[str]]]:
    """(where, which sources) for each report the question names; "the same source" repeats the one before."""
    found = [(start, sources) for start, _, sources in source_mentions(question, aliases)]
    for match in _SAME_SOURCE.finditer(question):
        before = [m for m in found if m[0] < match.start()]
        if before:
            found.append((match.start(), before[-1][1]))
    return sorted(found, key=lambda m: m[0])


def decide_relation(
    question: str, relation: Relation, passages: list[Passage], embed: Embed, judge: Judge | None = None,
) -> tuple[Label, list[ClaimCheck], str] | None:
    """The label, a check per report (the sentence that identifies it, or the one compared) and the reason in a few
    words; None when a report is not found. "No" when the reports contradict what the question says of how they
    relate; for agreement, "Yes" or "No" where the model, reading what each report says on the matter, answers the
    question; "not stated" with the reports found when nothing settles it. Unless "No", the question's claims are
    then checked one by one; the reports found are what a reader is shown when those claims are not borne out for
    want of a name or date no one sentence holds."""
    windows = windows_of(passages)
    descriptions = [d for d, _ in relation.reports]
    vectors = embed(descriptions + [relation.aspect] + [w.sentence for w in windows])
    sentence_vectors = vectors[len(descriptions) + 1:]
    found: list[Window] = []
    for (description, sources), vector in zip(relation.reports, vectors):
        report = _find_report(description, sources, {w.passage.chunk.article_id for w in found}, windows, vector,
                              sentence_vectors)
        if report is None:
            return None
        found.append(report)
    if relation.kind == "order":
        return _out_of_order(relation, found) or _unsettled(relation, found, "all the question says of them")
    aspect_vector = vectors[len(descriptions)]
    closest = [_closest_in_article(relation.aspect, aspect_vector, w, windows, sentence_vectors) for w in found]
    compared = [_compared(windows[a], windows[b], sentence_vectors[a], sentence_vectors[b])
                for a, b in zip(closest, closest[1:])]
    difference = next((c for c in compared if c), "")
    if None not in compared and bool(difference) != relation.asks_difference:
        checks = [_report_check(d, windows[i]) for d, i in zip(descriptions, closest)]
        return Label.CONTRADICTED, checks, f"the reports differ: {difference}" if difference else \
            "the reports say the same on this"
    read = [[w] if windows[i] is w else [w, windows[i]] for w, i in zip(found, closest)]
    label = judge(question, _reports_shown(read), True) if judge is not None else Label.NOT_STATED
    if label is Label.NOT_STATED:
        asked = "anything changed" if relation.asks_difference else "they agree"
        return _unsettled(relation, [windows[i] for i in closest], f"whether {asked}")
    checks = [_report_check(d, ws[-1], label, "model") for d, ws in zip(descriptions, read)]
    differ = (label is Label.SUPPORTED) == relation.asks_difference
    return label, checks, "the reports differ on this" if differ else "the reports say the same on this"


def _find_report(
    description: str, sources: frozenset[str], taken: set[str], windows: list[Window], vector: list[float],
    vectors: list[list[float]],
) -> Window | None:
    """The sentence of an article from ``sources`` (not one already taken by another report) closest to the
    description, among those whose window holds its dates and at least half of its other names and places."""
    specifics = [s for s in specifics_of(description) if s.kind is not Kind.NUMBER]
    dates = [s for s in specifics if s.kind is Kind.DATE]
    others = [s for s in specifics if s.kind is not Kind.DATE]
    for i in nearest_first(description, vector, windows, vectors):
        w = windows[i]
        if w.passage.chunk.source not in sources or w.passage.chunk.article_id in taken:
            continue
        if all(held(s, w.near, w.wider) for s in dates) and \
                2 * sum(held(s, w.near, w.wider) for s in others) >= len(others):
            return w
    return None


def _report_check(
    description: str, window: Window, label: Label = Label.SUPPORTED, decided_by: str = "code",
) -> ClaimCheck:
    """A report's sentence as a check: found by code, or read by the model to compare the reports."""
    chunk = window.passage.chunk
    return ClaimCheck(description, label, window.passage, window.sentence,
                      f"found: {chunk.source}, {chunk.published_at[:10] or 'undated'}", decided_by)


def _reports_shown(reports: list[list[Window]]) -> str:
    """What the model reads to compare reports: each report's outlet, date and title, then its sentences that
    identify it and that speak of what is compared."""
    shown = []
    for n, windows in enumerate(reports, start=1):
        chunk = windows[0].passage.chunk
        head = ", ".join(x for x in (chunk.source, chunk.published_at[:10], chunk.title) if x)
        shown.append(f"Report {n} ({head}): " + " ".join(w.sentence for w in windows))
    return "\n".join(shown)


def _unsettled(relation: Relation, reports: list[Window], what: str) -> tuple[Label, list[ClaimCheck], str]:
    """"Not stated", with the reports found and ``what`` they do not say."""
    checks = [_report_check(d, w) for (d, _), w in zip(relation.reports, reports)]
    return Label.NOT_STATED, checks, f"the reports are found, but neither says {what}"


def _out_of_order(relation: Relation, reports: list[Window]) -> tuple[Label, list[ClaimCheck], str] | None:
    """"No" when the reports were published in the other order than the question says."""
    first, second = (w.passage.chunk for w in reports)
    if first.published_ts is None or second.published_ts is None or first.published_ts == second.published_ts:
        return None
    first_later = first.published_ts > second.published_ts
    if first_later == relation.later:
        return None
    earlier, later = (second, first) if first_later else (first, second)
    checks = [_report_check(d, w) for (d, _), w in zip(relation.reports, reports)]
    return Label.CONTRADICTED, checks, (f"{earlier.source} published its report first ({earlier.published_at[:10]}), "
                                        f"{later.source} later ({later.published_at[:10]})")


def _closest_in_article(text: str, vector: list[float], report: Window, windows: list[Window],
                        vectors: list[list[float]]) -> int:
    """The place of the sentence of the report's article closest to what is compared."""
    article = report.passage.chunk.article_id
    return next(i for i in nearest_first(text, vector, windows, vectors)
                if windows[i].passage.chunk.article_id == article)


def _compared(a: Window, b: Window, va: list[float], vb: list[float]) -> str | None:
    """How two reports' sentences on what is compared disagree ("Fortune gives $2 billion, The Age $3 billion";
    "one negates what the other states"), "" when they give the same figure, None when they are not about the
    same thing or share no figure to compare (then nothing is read from them: two sentences on one topic, neither
    negated, do not show that nothing changed)."""
    if sum(x * y for x, y in zip(va, vb)) < PARALLEL:
        return None
    figures = [_figures(w.sentence) for w in (a, b)]
    shared = False
    for unit, values in figures[0].items():
        other = figures[1].get(unit)
        if other and not values.keys() & other.keys():
            return f"{a.passage.chunk.source} gives {', '.join(values.values())}, " \
                   f"{b.passage.chunk.source} {', '.join(other.values())}"
        shared = shared or bool(other)
    if negated(a.sentence) != negated(b.sentence):
        return "one negates what the other states"
    return "" if shared else None


def _figures(sentence: str) -> dict[str, dict[str, str]]:
    """The sentence's figures by what they count: {"$billion": {"2": "$2 billion"}}."""
    found: dict[str, dict[str, str]] = {}
    for match in re.finditer(rf"(?<![\w.]){FIGURE.pattern}", sentence):
        figure = match.group(0).rstrip(",.")
        unit = unit_of(sentence, figure)
        found.setdefault(unit, {})[figure_value(figure)] = f"{figure} {unit.strip('$€£%')}".strip()
    return found
