"""Citations attached in code, not trusted to the model: every [n] in a printed answer points to a real source
that shares the sentence's words, and each citation quotes the article sentences that support it.

Small models rarely cite on their own, and when they do the numbers can point nowhere; so each answer
sentence is matched to the passage that supports it best, markers the model wrote are checked the same way,
and the final markers are renumbered 1..m in order of first use.
"""

from __future__ import annotations

import re

from newsdesk.sentences import split_sentences
from newsdesk.qa.answer import Citation, Passage
from newsdesk.qa.lexical import content_words, specifics, support
from newsdesk.qa.relative_dates import with_dates

_MARKERS = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_REFUSAL = re.compile(
    r"\b(articles|sources|passages|text|context)\s+(don'?t|do not|does not|doesn'?t)\s+(say|mention|contain|provide|specify)"
    r"|\bnot (mentioned|provided|stated|specified) in the (articles|sources|text|context)"
    r"|\binsufficient information\b|\bno information\b|\bcannot (be )?answer",
    re.IGNORECASE,
)
SUPPORT_THRESHOLD = 0.5
UNSUPPORTED = "[unsupported]"  # put where a sentence no source supports would have its markers


def is_refusal(text: str) -> bool:
    return bool(_REFUSAL.search(text))


def strip_markers(text: str) -> str:
    return _MARKERS.sub("", text)


def quote_for(sentences: list[str], passage_text: str, max_sentences: int = 2) -> str:
    """The passage sentences (in article order) that cover most of the cited claims' words."""
    candidates = split_sentences(passage_text)
    needed = set().union(*(content_words(s) for s in sentences)) if sentences else set()
    chosen: list[int] = []
    while len(chosen) < max_sentences and needed:
        gains = [(len(needed & content_words(c)), i) for i, c in enumerate(candidates) if i not in chosen]
        if not gains:
            break
        gain, best = max(gains)
        if gain == 0:
            break
        chosen.append(best)
        needed -= content_words(candidates[best])
    return " ".join(candidates[i] for i in sorted(chosen)) if chosen else (candidates[0] if candidates else "")


def _supporting(sentence: str, claimed: list[int], passages: dict[int, Passage], question: str) -> list[int]:
    """The passage numbers this sentence may cite: the model's own markers if they hold up, else the best match.

    Support is judged on what the sentence adds to the question (its new names, numbers and terms), and every
    name and number it adds must be in the source; a sentence that only restates the question is judged on the
    question's words instead.
    """
    asked = content_words(question)
    novel = content_words(sentence) - asked
    claim = " ".join(sorted(novel)) if novel else f"{sentence} {question}"
    # A sentence adding nothing to the question ("Yes.") needs only the passage closest to the question.
    threshold = SUPPORT_THRESHOLD if novel else 1e-9
    # Every name and number the sentence adds must be in the source: "Kim Jong Nam" from nowhere is not cited.
    names = specifics(sentence) - asked
    candidates = {n: p for n, p in passages.items() if names <= source_words(p)}
    kept = [n for n in claimed if n in candidates and support(claim, _dated_text(candidates[n])) >= threshold]
    if kept:
        return kept
    scored = [(support(claim, _dated_text(p)), p.number) for p in candidates.values()]
    score, best = max(scored, default=(0.0, 0))
    return [best] if score >= threshold else []


def _dated_text(passage: Passage) -> str:
    """The passage text with the dates its relative words stand for ("on Monday" in an article of Wednesday,
    October 4, 2023 vouches for "October 2, 2023")."""
    return with_dates(passage.chunk.text, passage.chunk.published_at)


def source_words(passage: Passage) -> set[str]:
    """Every word a passage can vouch for: its article's title, source and day (as its label gives them to the
    model), the other outlets that ran its story, and its dated text."""
    chunk = passage.chunk
    outlets = " ".join(passage.also_reported_by)
    return content_words(f"{chunk.title} {chunk.source} {chunk.published_at[:10]} {outlets} {_dated_text(passage)}")


def cite(answer: str, passages: list[Passage], question: str = "") -> tuple[str, list[Citation]]:
    """The answer with checked, renumbered [n] markers, and the citations they point to."""
    by_number = {p.number: p for p in passages}
    order: list[int] = []  # passage numbers in order of first citation
    claims: dict[int, list[str]] = {}
    out: list[str] = []
    for sentence in split_sentences(answer):
        claimed = [int(n) for group in _MARKERS.findall(sentence) for n in re.split(r"[,;]", group)]
        bare = strip_markers(sentence).strip()
        if not bare:  # a stray "[2]" after the full stop: the sentence before already got its own check
            continue
        cited = _supporting(bare, claimed, by_number, question)
        for number in cited:
            if number not in order:
                order.append(number)
            claims.setdefault(number, []).append(bare)
        marks = "".join(f"[{order.index(n) + 1}]" for n in dict.fromkeys(cited)) or UNSUPPORTED
        out.append(attach(bare, marks))
    citations = [
        citation(i + 1, by_number[number], quote_for(claims[number], by_number[number].chunk.text))
        for i, number in enumerate(order)
    ]
    return " ".join(out), citations


def citation(n: int, passage: Passage, quote: str) -> Citation:
    chunk = passage.chunk
    return Citation(n, chunk.article_id, chunk.title, chunk.source, chunk.published_at, chunk.url, quote,
                    list(passage.also_reported_by))


def quoted(cited: Citation) -> str:
    """A citation's quote as a line of an answer: 'The Nation, 2022-06-30: “…” [1].'"""
    label = ", ".join(x for x in (cited.source or cited.title, cited.published_at[:10]) if x)
    return f"{label}: “{cited.quote.rstrip('.')}” [{cited.n}]."


def attach(sentence: str, marks: str) -> str:
    """Put markers before the sentence's closing punctuation: '... July 2.' becomes '... July 2 [1].'"""
    if not marks:
        return sentence
    match = re.search(r"[.!?]+[\"'”’)]*$", sentence)
    if match:
        return f"{sentence[: match.start()]} {marks}{sentence[match.start():]}"
    return f"{sentence} {marks}"
