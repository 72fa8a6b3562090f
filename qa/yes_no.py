"""Yes/no questions decided in code, claim by claim, from the passages, not by the model.

Asked "Does A suggest X, while B reports Y?", the 1.5B model said "No" to half the questions whose claims the
sources bear out: 0.46 on MultiHop-RAG yes/no questions, below the 0.59 of always answering "Yes". So the
question is split into its claims; each claim is matched to the passage sentence closest to it in meaning and
words; the answer is "No" when a claim asserts a negation its sentence does not make (the question says "never",
"failed to", "no change", "inconsistent", and the article says the thing happened), or when the question orders
two reports ("… before …") that the articles' dates order the other way; otherwise "Yes".
The sentences that decided it are quoted and cited, so a reader can check the verdict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from qa.answer import Citation, Passage
from newsdesk.sentences import split_sentences
from qa.citations import citation
from qa.evidence import closeness
from qa.lexical import content_words

_AUXILIARY = r"is|are|was|were|do|does|did|has|have|had|can|could|will|would|should|shall|may|might"
# "Does …?", and "Between the report on … and the one on …, was there …?" / "After X reported …, did Y …?"
_YES_NO = re.compile(
    rf"^\s*(?:(?P<lead>(?:between|after|before|following|since|when|while|in)\b[^?]*?),\s*)?(?P<aux>{_AUXILIARY})\s+"
    r"(?:there\s+)?",
    re.I,
)
# "…, or does it claim …?", "consistent or inconsistent": a choice between answers, not a yes/no question.
_CHOICE = re.compile(
    rf",?\s+or\s+(?:{_AUXILIARY})\b|\b(\w+)\s+or\s+(?:in|un|non-?)?\1\b|\bor\s+(?:not|the other)\b", re.I
)
_CONNECTORS = re.compile(
    r",?\s+(?:while|whereas|in contrast to|compared to|compared with|similar(?:ly)? to how|similar to|and does|"
    r"and did|and do|and is|and was|but)\s+",
    re.I,
)
_ORDER = re.compile(r",?\s+(before|after)\s+", re.I)
_NEGATION = re.compile(
    r"\b(no|not|never|fail(?:s|ed|ing)?|without|inconsisten\w*|lack\w*|other than|none|neither|nor|"
    r"contradict\w*|disagree\w*|cannot)\b|n't\b",
    re.I,
)
WORD_WEIGHT = 0.03  # each content word a sentence shares with the claim adds this to its cosine
MIN_CLAIM_WORDS = 3

Embed = Callable[[list[str]], list[list[float]]]


def is_yes_no(question: str) -> bool:
    """Questions whose main clause opens with an auxiliary verb ("Does the article suggest…", "After the report
    on …, did …") and that offer no choice of answers want Yes or No."""
    return bool(_YES_NO.match(question)) and not _CHOICE.search(question)


def negated(text: str) -> bool:
    return bool(_NEGATION.search(text))


@dataclass(frozen=True)
class Finding:
    claim: str
    passage: Passage
    sentence: str  # the passage sentence closest to the claim


@dataclass(frozen=True)
class Verdict:
    yes: bool
    findings: list[Finding]  # one per claim, in the question's order
    reason: str  # why, in a few words: shown in logs and in the answer


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


def _best_sentence(claim: str, vector: list[float], sentences: list[tuple[Passage, str, list[float]]]) -> Finding:
    words = content_words(claim)
    passage, sentence, _ = max(sentences, key=lambda item: closeness(vector, words, item[2], item[1], WORD_WEIGHT))
    return Finding(claim, passage, sentence)


def decide(question: str, passages: list[Passage], embed: Embed) -> Verdict:
    """Yes or No for ``question`` from ``passages`` (at least one), with the sentences that decided it."""
    claims = claims_of(question)
    order = _ordering(question)
    if order:
        claims = [order[0], order[2]]
    sentences = [(p, s) for p in passages for s in split_sentences(p.chunk.text) if s.strip()]
    vectors = embed(claims + [s for _, s in sentences])
    scored = [(p, s, v) for (p, s), v in zip(sentences, vectors[len(claims):])]
    findings = [_best_sentence(c, v, scored) for c, v in zip(claims, vectors[: len(claims)])]
    for finding in findings:
        # One direction only: a claim of absence or change ("never", "failed to") against a sentence that states
        # the thing plainly is false; a stray "not" in the article's sentence proved no sign of the opposite
        # (right 17 times, wrong 40 on the MultiHop-RAG dev questions).
        if negated(finding.claim) and not negated(finding.sentence):
            return Verdict(False, findings, "the articles do not bear out the negation in the question")
    if order:
        first, second = findings
        a, b = first.passage.chunk, second.passage.chunk
        if a.article_id != b.article_id and a.published_ts is not None and b.published_ts is not None:
            in_order = a.published_ts < b.published_ts if order[1] == "before" else a.published_ts > b.published_ts
            if not in_order:
                return Verdict(False, findings, "the reports were published in the other order")
    return Verdict(True, findings, "the articles bear out each claim")


def explain(verdict: Verdict) -> tuple[str, list[Citation]]:
    """The verdict and its reason, then each deciding sentence quoted under its citation:
    'Yes, the articles bear out each claim [1][2]. The Verge, 2023-09-26: “…” [1]. TechCrunch: “…” [2].'"""
    citations: list[Citation] = []
    quotes: list[str] = []
    for finding in verdict.findings:
        if any(c.quote == finding.sentence for c in citations):
            continue
        cited = citation(len(citations) + 1, finding.passage, finding.sentence)
        citations.append(cited)
        label = ", ".join(x for x in (cited.source or cited.title, cited.published_at[:10]) if x)
        quotes.append(f"{label}: “{finding.sentence.rstrip('.')}” [{cited.n}].")
    marks = "".join(f"[{c.n}]" for c in citations)
    return " ".join([f"{'Yes' if verdict.yes else 'No'}, {verdict.reason} {marks}.", *quotes]), citations
