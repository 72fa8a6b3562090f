"""Answers about stories rather than single facts (a story's timeline, outlets' coverage compared, which outlets
reported something, what is new), built in code from the articles' own sentences, quoted and cited, without the
answer model: nothing in them can be invented, and each is there in well under a second. ``Newsdesk.stream`` hands
every question here first (``story_answer``); the modules named below recognise the questions and do the reading.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Iterator

from newsdesk.filters import RetrievalFilter
from newsdesk.qa.answer import Answer, AnswerEvent, Citation, Finished, SourcesFound
from newsdesk.qa.citations import attach, citation
from newsdesk.qa.coverage import POINTS, CoverageQuestion, compare, coverage_question
from newsdesk.qa.digest import digest_request, stories, story_passages
from newsdesk.qa.outlets import OutletsQuestion, outlets_question, reporting
from newsdesk.qa.prompt import REFUSAL
from newsdesk.qa.timeline import events, timeline_topic

if TYPE_CHECKING:
    from newsdesk.qa.engine import Newsdesk

log = logging.getLogger(__name__)

TIMELINE_PASSAGES = 20  # passages a timeline reads: a story's events are spread over more articles than one fact
COVERAGE_PASSAGES = 4  # passages read from each outlet compared
OUTLET_PASSAGES = 20  # passages read to count the outlets that told of something
DIGEST_STORIES = 10  # stories a digest lists
DIGEST_TOPIC_PASSAGES = 50  # passages searched for a digest's topic: its articles of the period are among them


def story_answer(desk: Newsdesk, question: str, standalone: str,
                 keep: RetrievalFilter | None) -> Iterator[AnswerEvent] | None:
    """The events answering a question about stories; None for any other question (``Newsdesk`` answers it)."""
    topic = timeline_topic(standalone)
    if topic is not None:
        return timeline(desk, question, standalone, topic, keep)
    desk.keyword_index.ensure_current(desk.store)  # its sources name the outlets a question may compare
    compared = coverage_question(standalone, desk.keyword_index.sources())
    if compared is not None:
        return coverage(desk, question, standalone, compared, keep)
    counting = outlets_question(standalone)
    if counting is not None:
        return outlets(desk, question, standalone, counting, keep)
    asked_for_news = digest_request(standalone)
    if asked_for_news is not None:
        answer = digest(desk, asked_for_news[0], asked_for_news[1], keep, question=question)
        return iter([SourcesFound(answer.passages, standalone), Finished(answer)])
    return None


def _iso_moment(ts: int) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).isoformat(timespec="minutes")


def digest(desk: Newsdesk, seconds: float, topic: str | None = None, keep: RetrievalFilter | None = None,
           limit: int = DIGEST_STORIES, question: str = "") -> Answer:
    """What's new: the stories published in the ``seconds`` before the moment asked (now, or as of), on
    ``topic`` when given, biggest first, each with its outlets and its lead quoted and cited (no model call)."""
    keep = keep or RetrievalFilter()
    end = keep.anchor() + 1
    start = int(end - seconds)
    question = question or f"What's new{f' on {topic}' if topic else ''}?"
    first = [(c, v) for c, v in desk.store.first_chunks(start, end)
             if keep.sources is None or c.source in keep.sources]
    if topic:
        period = replace(keep, since_ts=start, until_ts=end)
        about = {p.chunk.article_id for p in desk.retrieve(topic, DIGEST_TOPIC_PASSAGES, period)
                 if desk.is_evidence(topic, p)}
        first = [(c, v) for c, v in first if c.article_id in about]
    found = stories(first, limit)
    period_read = {"since": _iso_moment(start), "until": _iso_moment(end - 1), "topic": topic or ""}
    if not found:
        log.info("digest %s: nothing published in that period", period_read)
        return Answer(question, f"The articles don't say: none was published between {period_read['since']} and "
                      f"{period_read['until']}" + (f" about {topic}." if topic else "."), refused=True,
                      understood={"digest": [period_read]})
    passages = story_passages(found)
    lines, citations, rows = [], [], []
    for story, passage in zip(found, passages):
        quote = " ".join(story.summary)
        citations.append(citation(passage.number, passage, quote))
        count = len(story.articles)
        told = f"{', '.join(story.sources) or 'no source named'}; {count} article{'s' if count > 1 else ''}"
        lines.append(f"- **{story.lead.title}** ({told}): {attach(quote, f'[{passage.number}]')}")
        rows.append({"title": story.lead.title, "sources": story.sources, "summary": quote,
                     "articles": [a.article_id for a in story.articles], "citation": passage.number})
    log.info("digest %s: %d stories from %d articles", period_read, len(found), len(first))
    return Answer(question, "\n".join(lines), citations, passages=passages, understood={"digest": [period_read]},
                  stories=rows)


def coverage(desk: Newsdesk, question: str, standalone: str, asked: CoverageQuestion,
             keep: RetrievalFilter | None) -> Iterator[AnswerEvent]:
    """Each outlet's points about the topic side by side, its own points marked (no model call)."""
    about = asked.topic or standalone
    by_outlet = []
    for outlet in asked.outlets:
        scope = (keep or RetrievalFilter()).narrowed_to(outlet)
        by_outlet.append(desk.evidence_for(about, COVERAGE_PASSAGES, scope)[1])
    passages = [replace(p, number=i) for i, p in enumerate((p for each in by_outlet for p in each), start=1)]
    yield SourcesFound(passages, standalone)
    stored = desk.stored_sentences(passages)
    points = compare(asked.topic, by_outlet, desk.embed_model.get_text_embedding_batch, stored)
    names = [" / ".join(sorted(outlet)) for outlet in asked.outlets]
    understood = {"coverage_of": [asked.topic], "sources": [sorted(o) for o in asked.outlets]}
    if not any(points):
        yield Finished(Answer(question, f"The articles don't say: none from {' or '.join(names)} is about "
                              f"{about}.", refused=True, passages=passages, standalone_question=standalone,
                              understood=understood))
        return
    shown = [(names[0], [p for p in points[0] if p.only_here][:POINTS])] if asked.only_first else \
        [(name, own[:POINTS]) for name, own in zip(names, points)]
    lines, citations, rows = [], [], []
    for name, own in shown:
        lines += [""] if lines else []
        lines.append(f"**{name}**")
        if not own:
            lines.append(f"- nothing that {' or '.join(names[1:])} does not say too" if asked.only_first
                         else f"- nothing about {about} in its articles")
        points_shown = []
        for point in own:
            citations.append(citation(len(citations) + 1, point.passage, point.sentence))
            mark = f" (only {name})" if point.only_here and not asked.only_first else ""
            lines.append(f"- {attach(point.sentence, f'[{len(citations)}]')}{mark}")
            points_shown.append({"sentence": point.sentence, "citation": len(citations), "only_here": point.only_here})
        rows.append({"source": name, "points": points_shown})
    log.info("coverage of %r by %s: %s points", about, names, [len(p) for p in points])
    yield Finished(Answer(question, "\n".join(lines), citations, passages=passages, standalone_question=standalone,
                          understood=understood, coverage=rows))


def outlets(desk: Newsdesk, question: str, standalone: str, asked: OutletsQuestion,
            keep: RetrievalFilter | None) -> Iterator[AnswerEvent]:
    """Which outlets told of the topic, and how many, counted in code, each cited where it tells it."""
    found, evidence = desk.evidence_for(asked.topic, OUTLET_PASSAGES, keep)
    yield SourcesFound(evidence, standalone)
    stored = desk.stored_sentences(evidence)
    told = reporting(asked.topic, evidence, desk.embed_model.get_text_embedding_batch, stored)
    understood = {"outlets_reporting": [asked.topic]}
    if not told:
        yield Finished(Answer(question, REFUSAL, refused=True, passages=found, standalone_question=standalone,
                              understood=understood))
        return
    citations = [citation(n, r.passage, r.sentence) for n, r in enumerate(told, start=1)]
    outlets = [o for r in told for o in r.outlets]
    listed = "; ".join(f"{', '.join(r.outlets)} [{n}]" for n, r in enumerate(told, start=1))
    text = f"{len(outlets)} outlet{'s' if len(outlets) > 1 else ''}: {listed}."
    short = str(len(outlets)) if asked.count else ", ".join(outlets)
    yield Finished(Answer(question, text, citations, passages=evidence, standalone_question=standalone,
                          short_answer=short, understood=understood))


def timeline(desk: Newsdesk, question: str, standalone: str, topic: str, keep: RetrievalFilter | None) -> Iterator[AnswerEvent]:
    """The topic's dated events as lines, each quoting and citing every article that tells it (no model call)."""
    found, evidence = desk.evidence_for(topic, TIMELINE_PASSAGES, keep)
    yield SourcesFound(evidence, standalone)
    stored = desk.stored_sentences(evidence)
    told = events(topic, evidence, desk.embed_model.get_text_embedding_batch, stored)
    if not told:
        yield Finished(Answer(question, REFUSAL, refused=True, passages=found, standalone_question=standalone))
        return
    citations: list[Citation] = []
    lines, rows = [], []
    for event in told:
        numbers = []
        for passage, sentence in event.tellings:
            numbers.append(len(citations) + 1)
            citations.append(citation(numbers[-1], passage, sentence))
        lines.append(f"- {event.date}: " + attach(event.sentence, "".join(f"[{n}]" for n in numbers)))
        rows.append({"date": event.date, "sentence": event.sentence, "citations": numbers})
    log.info("timeline of %r: %d events from %d passages", topic, len(told), len(evidence))
    yield Finished(Answer(question, "\n".join(lines), citations, passages=found, standalone_question=standalone,
                          understood={"timeline_of": [topic]}, timeline=rows))
