"""What a question takes for granted that no passage holds: "Why is Robinson visiting India?" over articles that
put him in Pakistan.

Answering such a question as asked repeats its error with a citation beside it. Its names, places, numbers and
dates (``qa.specifics``, short forms matched: "US" and "United States", "Biden" and "Joe Biden") are looked for
in the passages found, with their titles, sources and dates; what none holds is a premise the articles do not
bear out, and the answer says so instead of answering.
"""

from __future__ import annotations

from typing import Callable, Iterable

from newsdesk.qa.answer import Citation, Passage
from newsdesk.qa.citations import citation, quoted
from newsdesk.qa.claim_check import nearest_first, windows_of
from newsdesk.qa.lexical import content_words
from newsdesk.qa.relative_dates import with_dates
from newsdesk.qa.sentence_vectors import Embed
from newsdesk.qa.specifics import Holder, held, publication_day, specifics_of


def unsupported_premises(
    question: str, passages: list[Passage], sources: Iterable[str] = (), mentioned: Callable[[str], bool] | None = None
) -> list[str]:
    """The question's specifics, as it writes them, that no passage holds and that the collection never mentions
    (``mentioned``: the keyword index's word check), leaving out the stored ``sources`` it names. A name the
    collection holds elsewhere is only not retrieved (MultiHop-RAG dev: 28 of 279 answerable questions named
    something outside their five passages), not a premise the articles deny."""
    holders = [
        Holder.of(p.chunk.title, p.chunk.source, publication_day(p.chunk.published_at),
                  with_dates(p.chunk.text, p.chunk.published_at))
        for p in passages
    ]
    source_words = set().union(*(content_words(s) for s in sources)) if sources else set()
    return [
        s.text for s in specifics_of(question)
        if not set(s.words) <= source_words and not any(held(s, h) for h in holders)
        and not (mentioned and mentioned(s.text))
    ]


def premise_refusal(question: str, premises: list[str], passages: list[Passage], embed: Embed) -> tuple[str, list[Citation]]:
    """The refusal naming what the articles do not mention, then what the passage closest to the question does
    say, quoted and cited, so the reader sees what the articles hold instead."""
    names = premises[0] if len(premises) == 1 else ", ".join(premises[:-1]) + " or " + premises[-1]
    text = f"The articles don't say: none of the passages found mentions {names}."
    windows = windows_of(passages)
    if not windows:
        return text, []
    vectors = embed([question] + [w.sentence for w in windows])
    best = nearest_first(question, vectors[0], windows, vectors[1:])[0]
    cited = citation(1, windows[best].passage, windows[best].sentence)
    return f"{text} What they say nearest to the question: {quoted(cited)}", [cited]
