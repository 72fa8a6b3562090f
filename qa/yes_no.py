"""Yes/no questions answered Yes, No or "the articles don't say", claim by claim, from the passages.

A news assistant that confirms a false claim with a citation is worse than one with no answer: the citation makes
the error look checked. So "Yes" needs every claim of the question supported by a sentence that states it, with
the same people, places, numbers and dates (``qa.claim_check``); "No" needs a sentence that contradicts one
(another place or number in its stead, the opposite of a negation the question asserts, or reports published in
the other order than the question says). Whether two named reports agree or differ is answered by the model from
what each says on the matter, once code has found both (``qa.report_relations``). Anything else is "the articles
don't say". The question is split into its claims at its connectives ("…, while …", "… before …") and its leading
clause ("After X reported A, did …"). The sentences that decided are quoted and cited, so a reader can check the
verdict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsdesk.qa.answer import Citation, Passage
from newsdesk.qa.citations import citation, quoted
from newsdesk.qa.claim_check import ClaimCheck, Judge, check_claim, parts_of, windows_of
from newsdesk.qa.judge import Label
from newsdesk.qa.lexical import AUXILIARY
from newsdesk.qa.prompt import REFUSAL
from newsdesk.qa.relative_dates import periods_asked
from newsdesk.qa.report_relations import decide_relation, relation_of
from newsdesk.qa.sentence_vectors import Embed

# "Does …?", and "Between the report on … and the one on …, was there …?" / "After X reported …, did Y …?"
_YES_NO = re.compile(
    rf"^\s*(?:(?P<lead>(?:between|after|before|following|since|when|while|in)\b[^?]*?),\s*)?(?P<aux>{AUXILIARY})\s+"
    r"(?:there\s+)?",
    re.I,
)
# "…, or does it claim …?", "consistent or inconsistent": a choice between answers, not a yes/no question.
_CHOICE = re.compile(
    rf",?\s+or\s+(?:{AUXILIARY})\b|\b(\w+)\s+or\s+(?:in|un|non-?)?\1\b|\bor\s+(?:not|the other)\b", re.I
)
_CONNECTORS = re.compile(
    r",?\s+(?:while|whereas|in contrast to|compared to|compared with|similar(?:ly)? to how|similar to|and does|"
    r"and did|and do|and is|and was|but)\s+",
    re.I,
)
_ORDER = re.compile(r",?\s+(before|after)\s+", re.I)
MIN_CLAIM_WORDS = 3


def is_yes_no(question: str) -> bool:
    """Questions whose main clause opens with an auxiliary verb ("Does the article suggest…", "After the report
    on …, did …") and that offer no choice of answers want Yes or No."""
    return bool(_YES_NO.match(question)) and not _CHOICE.search(question)


def _clauses(question: str) -> tuple[str, str, str]:
    """(leading preposition, leading clause, main clause without its auxiliary): "After X reported A, did Y
    report B?" gives ("after", "X reported A", "Y report B")."""
    text = question.strip().rstrip("?")
    match = _YES_NO.match(text)
    if not match:
        return "", "", text
    lead = match.group("lead") or ""
    preposition, _, rest = lead.partition(" ")
    return preposition.lower(), rest.strip(" ,"), text[match.end():].strip()


def claims_of(question: str) -> list[str]:
    """The claims a yes/no question makes, split at its connectives ("…, while …", "… before …") and its
    leading clause ("After X reported A, did …")."""
    _, lead, body = _clauses(question)
    parts = [
        p for piece in _CONNECTORS.split(body) for p in _ORDER.split(piece) if p.lower() not in ("before", "after")
    ]
    claims = [p.strip(" ,") for p in [lead, *parts] if len(p.split()) >= MIN_CLAIM_WORDS]
    return claims or [body]


def _ordering(question: str) -> tuple[str, str, str] | None:
    """(first claim, 'before' or 'after', second claim) for a question that orders two reports in time."""
    _, _, body = _clauses(question)  # a leading "After X reported A, did Y …" mostly asks about consistency
    parts = _ORDER.split(body)
    if len(parts) != 3 or min(len(parts[0].split()), len(parts[2].split())) < MIN_CLAIM_WORDS:
        return None
    return parts[0].strip(" ,"), parts[1].lower(), parts[2].strip(" ,")


@dataclass(frozen=True)
class Verdict:
    label: Label  # SUPPORTED: "Yes"; CONTRADICTED: "No"; NOT_STATED: "The articles don't say."
    checks: list[ClaimCheck]  # one per claim (per outlet it names) checked, in order: a contradicted one ends them
    reason: str  # why, in a few words: shown in logs and in the answer

    @property
    def word(self) -> str:
        """What ``--json`` calls it: "yes", "no" or "not_stated"."""
        return {Label.SUPPORTED: "yes", Label.CONTRADICTED: "no", Label.NOT_STATED: "not_stated"}[self.label]


_FRAME = re.compile(
    r"^(?P<who>.{0,90}?)\b(?:(?:suggest|report|indicate|claim|mention|state|say|allege|highlight|note|discuss|"
    r"describe|portray|reveal|argue|show)(?:es|s|ed|ing)?|said|impl(?:y|ies|ied|ying))\s+(?:that\s+)?", re.I)


def reported(claim: str) -> str:
    """The claim without the frame that says who reported it ("the article from The Age suggest that …"): what the
    model is to find in a sentence of that article, whose source code has already checked."""
    match = _FRAME.match(claim)
    if not match:
        return claim
    framed = re.search(r"\b(?:article|piece|story|post|column)s?\W*$", match.group("who")) or \
        match.group(0).rstrip().lower().endswith("that")  # "the TechCrunch report on …" is a report, not a frame
    return claim[match.end():] or claim if framed else claim


def _asked_as(question: str, claim: str, claims: list[str]) -> str:
    """The claim as a yes/no question of its own, for the model: the question itself when it makes one claim
    with no reporting frame, and ``claim`` is that claim (not one outlet's part of it)."""
    core = reported(claim)
    return question if claims == [claim] and core == claim else f"Is it true that {core}?"


def decide(question: str, passages: list[Passage], embed: Embed, judge: Judge | None = None,
           asked_at: int | None = None) -> Verdict:
    """Yes, No or "don't say" for ``question`` from ``passages`` (at least one), claim by claim, with the sentences
    that decided it. ``judge`` is asked only where code cannot decide; without it, those claims are not stated.
    ``asked_at`` (a Unix time) is the moment the question's "this year" and "last month" are counted from, unless
    the question asks what a report said ("Did The Age report that … last year?": the article's last year)."""
    if asked_at is not None and all(reported(c) == c for c in claims_of(question)):
        question = periods_asked(question, asked_at)
    order = _ordering(question)
    relation = relation_of(question, order, passages)
    related = decide_relation(question, relation, passages, embed, judge) if relation else None
    if related and related[0] is Label.CONTRADICTED:
        return Verdict(*related)
    claims = [order[0], order[2]] if order else claims_of(question)
    windows = windows_of(passages)
    if not windows:
        return Verdict(Label.NOT_STATED, [], "no passage has any text")
    vectors = embed(claims + [w.sentence for w in windows])
    sentence_vectors = vectors[len(claims):]
    asked = [(part, _asked_as(question, part.claim, claims), v) for c, v in zip(claims, vectors[: len(claims)])
             for part in parts_of(c, windows, sentence_vectors, by_outlet=not (relation or order))]
    agreed = bool(related) and related[0] is Label.SUPPORTED  # the model found the reports agree (or differ) as asked
    if judge is not None and (len(asked) > 1 or agreed):
        # One claim the articles contradict makes the answer "No" whatever the others are, the model's reading of
        # the reports included: look for it in code first, so the model is not asked about the others (a model
        # call is ~2 s here). Code's contradictions are the same with or without the model, which only adds its own.
        in_code = (check_claim(part, a, v, None) for part, a, v in asked)
        against = next((c for c in in_code if c.label is Label.CONTRADICTED), None)
        if against:
            return Verdict(Label.CONTRADICTED, [against], against.reason)
    if agreed:
        return Verdict(*related)
    checks: list[ClaimCheck] = []
    for part, asked_as, vector in asked:
        # Once a claim is not stated the answer cannot be "Yes": the model is then asked of the others only whether
        # a sentence contradicts them, not again whether one restates them (a call of ~1.5 s that changes nothing).
        restate = all(c.label is not Label.NOT_STATED for c in checks)
        checks.append(check_claim(part, asked_as, vector, judge, restate))
        if checks[-1].label is Label.CONTRADICTED:
            return Verdict(Label.CONTRADICTED, checks, checks[-1].reason)
    unstated = next((c for c in checks if c.label is Label.NOT_STATED), None)
    if unstated:
        # "no passage mentions TechCrunch or October 7" of a claim naming two reports that were both found would
        # mislead: the reader is shown the reports instead, and that they do not settle the question
        return Verdict(*related) if related and unstated.missing else \
            Verdict(Label.NOT_STATED, checks, unstated.reason)
    if order:
        a, b = (c.passage.chunk for c in checks if c.passage)
        if a.article_id != b.article_id and a.published_ts is not None and b.published_ts is not None:
            in_order = a.published_ts < b.published_ts if order[1] == "before" else a.published_ts > b.published_ts
            if not in_order:
                return Verdict(Label.CONTRADICTED, checks, "the reports were published in the other order")
    return Verdict(Label.SUPPORTED, checks, "the articles state " + ("each claim" if len(checks) > 1 else "it"))


def cited_checks(verdict: Verdict) -> tuple[list[str], list[Citation]]:
    """Each deciding sentence once, quoted under its citation: 'The Nation, 2022-06-30: “…” [1].'"""
    citations: list[Citation] = []
    quotes: list[str] = []
    for check in verdict.checks:
        if not check.passage or not check.sentence or any(c.quote == check.sentence for c in citations):
            continue
        cited = citation(len(citations) + 1, check.passage, check.sentence)
        citations.append(cited)
        quotes.append(quoted(cited))
    return quotes, citations


def explain(verdict: Verdict) -> tuple[str, list[Citation]]:
    """The verdict and its reason, then each deciding sentence quoted under its citation:
    'No — the articles say Pakistan, not India [1]. The Nation, 2022-06-30: “…” [1].'"""
    quotes, citations = cited_checks(verdict)
    marks = "".join(f"[{c.n}]" for c in citations)
    if verdict.label is Label.NOT_STATED:
        lead = f"{REFUSAL} For this claim, {verdict.reason}." + (" The nearest passage:" if quotes else "")
        return " ".join([lead, *quotes]), citations
    word = "Yes" if verdict.label is Label.SUPPORTED else "No"
    return " ".join([f"{word} — {verdict.reason} {marks}.".replace(" .", "."), *quotes]), citations


def presupposed(question: str) -> str | None:
    """What a "why" question takes for granted, as a yes/no question: "Why is Robinson visiting India?" takes
    "Is Robinson visiting India?" for true."""
    match = re.match(rf"^\s*why\s+({AUXILIARY})\b\s*(.+)$", question.strip(), re.I)
    return f"{match.group(1).capitalize()} {match.group(2)}" if match else None
