"""One claim checked against the passages: supported, contradicted, or not stated, and the sentence that decided.

Code decides what it can see: a claim whose name, place, number or date no passage holds is not borne out, and
is contradicted when the sentence closest to it states another of the same kind in its place ("Pakistan" where
the claim says "India", "75" where it says "50"); a claim whose specifics a sentence holds, with most of its
other words, is supported, unless it asserts a negation the sentence does not make. What is left (the
specifics are there but the words around them differ) goes to the model as one narrow question, and the model
can only choose among the three labels; a sentence it has not seen is never cited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from newsdesk.sentences import split_sentences
from newsdesk.qa.answer import Passage
from newsdesk.qa.evidence import closeness
from newsdesk.qa.judge import Label
from newsdesk.qa.lexical import content_words, negated
from newsdesk.qa.relative_dates import with_dates
from newsdesk.qa.specifics import Holder, Kind, Specific, held, publication_day, specifics_of

WORD_WEIGHT = 0.03  # each content word a sentence shares with the claim adds this to its cosine
TERM_SHARE = 0.7  # share of the claim's other words a sentence must hold to support it without the model
JUDGED_WINDOWS = 2  # sentences the model may be asked about, per claim
# Words that say who reported, not what happened: a claim "The Verge article suggests that…" is about the rest.
_REPORTING = content_words(
    "article articles report reports reported reporting suggest suggests suggested indicate indicates indicated "
    "claim claims claimed mention mentions mentioned state states stated say says said discuss discusses "
    "discussed describe describes described highlight highlights highlighted note notes noted portray portrayal "
    "imply implies implied reveal reveals revealed publish published piece story news outlet coverage according "
    "it that this there something someone"
)
_DENIAL = content_words("denied deny denies rejected rejects dismissed dismisses refuted refutes false untrue")

Embed = Callable[[list[str]], list[list[float]]]
Judge = Callable[[str, str], Label]  # (the claim as a yes/no question, the passage text) -> label


@dataclass(frozen=True)
class Window:
    """A sentence of a passage with the one before it (a name is often in the sentence before: "Todd D.
    Robinson … The Assistant Secretary will meet…"), and what each can vouch for."""

    passage: Passage
    sentence: str
    near: Holder  # the sentence, the one before it, and the article's title, source and date
    wider: Holder  # the whole passage with the same metadata
    sentence_words: frozenset[str]
    next_words: frozenset[str]  # the sentence after it: "… accused the US. The US has denied the allegations."


@dataclass(frozen=True)
class ClaimCheck:
    claim: str
    label: Label
    passage: Passage | None
    sentence: str  # the sentence that decided; empty when no passage addresses the claim
    reason: str  # in a few words, for the reader: "the articles name Pakistan, not India"
    decided_by: str  # "code" or "model"


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
                                  frozenset(content_words(dated[i])), frozenset(content_words(after))))
    return windows


def claim_specifics(claim: str) -> list[Specific]:
    """The claim's specifics, without the words that only say who reported it."""
    return [s for s in specifics_of(claim) if not set(s.words) <= _REPORTING]


def _terms(claim: str, specifics: list[Specific]) -> set[str]:
    named = {w for s in specifics for w in s.words}
    return content_words(claim) - _REPORTING - named


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


def check_claim(
    claim: str, asked_as: str, windows: list[Window], claim_vector: list[float], vectors: list[list[float]],
    judge: Judge | None,
) -> ClaimCheck:
    """The label of one claim; ``asked_as`` is the claim as a yes/no question, for the model; ``vectors`` are the
    windows' sentence vectors, in order."""
    specifics = claim_specifics(claim)
    terms = _terms(claim, specifics)
    ranked = nearest_first(claim, claim_vector, windows, vectors)
    complete = [i for i in ranked if all(held(s, windows[i].near, windows[i].wider) for s in specifics)]
    if complete:
        return _check_complete(claim, asked_as, [windows[i] for i in complete], terms, judge)
    return _check_missing(claim, asked_as, specifics, terms, [windows[i] for i in ranked], judge)


def _check_complete(claim: str, asked_as: str, complete: list[Window], terms: set[str], judge: Judge | None) -> ClaimCheck:
    """Some sentence holds every specific of the claim: its other words, polarity and the model decide."""
    best = max(complete[: 2 * JUDGED_WINDOWS], key=lambda w: term_share(terms, w))
    if negated(claim) and not negated(best.sentence):
        # One direction only: a claim of absence or failure ("never", "failed to") against a sentence that states
        # the thing plainly; a stray "not" in the article's sentence is no sign of the opposite.
        return ClaimCheck(claim, Label.CONTRADICTED, best.passage, best.sentence,
                          "the articles state it without the question's negation", "code")
    denial = bool(_DENIAL & (best.sentence_words | best.next_words)) and not (_DENIAL & content_words(claim))
    if term_share(terms, best) >= TERM_SHARE and not denial:
        return ClaimCheck(claim, Label.SUPPORTED, best.passage, best.sentence, "the articles state it", "code")
    if judge is None:
        return ClaimCheck(claim, Label.NOT_STATED, best.passage, best.sentence,
                          "no sentence states it in so many words", "code")
    tried = [best] + [w for w in complete if w is not best][: JUDGED_WINDOWS - 1]
    for window in tried:
        label = judge(asked_as, _shown(window))
        if label is Label.SUPPORTED:
            return ClaimCheck(claim, label, window.passage, window.sentence, "the articles state it", "model")
        if label is Label.CONTRADICTED:
            return ClaimCheck(claim, label, window.passage, window.sentence, "the articles say otherwise", "model")
    return ClaimCheck(claim, Label.NOT_STATED, best.passage, best.sentence, "no sentence states it", "model")


def _shown(window: Window) -> str:
    """What the model reads: the article's title, source and date, then the sentence with the ones around it."""
    chunk = window.passage.chunk
    head = ", ".join(x for x in (chunk.title, chunk.source, chunk.published_at[:10]) if x)
    sentences = split_sentences(chunk.text)
    at = next((i for i, s in enumerate(sentences) if s.strip() == window.sentence.strip()), None)
    body = " ".join(sentences[max(0, at - 1): at + 2]) if at is not None else window.sentence
    return f"{head}\n{with_dates(body, chunk.published_at)}"


def _check_missing(
    claim: str, asked_as: str, specifics: list[Specific], terms: set[str], ranked: list[Window], judge: Judge | None
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
    for window in top:
        if 2 * held_count(window) < len(specifics) or held_count(window) == 0:
            break
        missing = [s for s in specifics if not held(s, window.near, window.wider)]
        instead = [s for s in specifics_of(window.sentence)
                   if not set(s.words) & claimed and not set(s.words) <= _REPORTING]
        for m in missing:
            same_kind = [s for s in instead if s.kind is m.kind]
            if not same_kind:
                continue
            reason = f"the articles say {same_kind[0].text}, not {m.text}"
            if m.kind is not Kind.NAME:
                return ClaimCheck(claim, Label.CONTRADICTED, window.passage, window.sentence, reason, "code")
            if judge is not None and judge(asked_as, _shown(window)) is Label.CONTRADICTED:
                return ClaimCheck(claim, Label.CONTRADICTED, window.passage, window.sentence, reason, "model")
            break
    best = top[0]
    missing = [s.text for s in specifics if not held(s, best.near, best.wider)]
    names = " or ".join(missing)
    if not held_count(best):
        return ClaimCheck(claim, Label.NOT_STATED, None, "", f"no passage mentions {names}", "code")
    return ClaimCheck(claim, Label.NOT_STATED, best.passage, best.sentence, f"no passage mentions {names} in this", "code")
