"""The web chat: a Gradio Blocks app over ``newsdesk.qa.engine.Newsdesk`` (streamed answers beside numbered source cards,
filters, follow-ups) and a Library tab over ``ingest/`` (list, search, remove, upload, ingest a URL or feed)."""

from __future__ import annotations

import calendar
import html
import logging
import re
import threading
import time
from pathlib import Path
from typing import Any, Iterator, Sequence

import gradio as gr

from newsdesk.ingest.pipeline import Ingestor
from newsdesk.ingest.sources import SUPPORTED_SUFFIXES, SourceOptions, read_sources
from newsdesk.ingest.watch import Watcher
from newsdesk.filters import RetrievalFilter
from newsdesk.qa.answer import Answer, Citation, Finished, Passage, SourcesFound, TextDelta
from newsdesk.qa.engine import Newsdesk, Turn
from newsdesk.store import StoredArticle

log = logging.getLogger(__name__)

SEED_QUESTION = "Who is visiting Pakistan and when?"
CSS = """
.source-card {border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 10px 12px; margin-bottom: 10px;}
.source-card .n {font-weight: 700; margin-right: 6px;}
.source-card .meta {color: var(--body-text-color-subdued); font-size: 0.9em;}
.source-card blockquote {margin: 6px 0 0 0; padding-left: 8px; border-left: 3px solid #f59e0b;}
.source-card.highlight {outline: 3px solid #f59e0b;}
.refusal {border-left: 4px solid #9ca3af; padding-left: 10px; color: var(--body-text-color-subdued);}
.claim-checks table {width: 100%; font-size: 0.9em;}
.claim-checks tr.supported td:nth-child(2) {color: #15803d;}
.claim-checks tr.contradicted td:nth-child(2) {color: #b91c1c;}
"""
# Clicking an [n] marker in the chat scrolls to its source card and highlights it.
HEAD = """<script>
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[href^='#source-']");
  if (!link) return;
  event.preventDefault();
  const card = document.getElementById(link.getAttribute("href").slice(1));
  if (!card) return;
  document.querySelectorAll(".source-card.highlight").forEach((c) => c.classList.remove("highlight"));
  card.classList.add("highlight");
  card.scrollIntoView({behavior: "smooth", block: "center"});
}, true);
</script>"""
LIBRARY_COLUMNS = ["title", "source", "date", "chunks", "id"]
LIBRARY_ROWS = 500  # the newest articles the Library shows; a search finds the others (88,305 at 10^6 chunks)
PERIODS = {"24h": 86_400, "7 days": 7 * 86_400, "30 days": 30 * 86_400}  # the What's new tab's choices
EMPTY_STORE = "**The store is empty.** Add articles in the Library tab, or with `newsdesk ingest PATH`."


def _card(n: int | str, title: str, source: str, published_at: str, url: str, quote: str,
          also: Sequence[str] = ()) -> str:
    meta = " · ".join(html.escape(x) for x in (source, published_at[:10]) if x)
    if also:
        meta += f" · also reported by {html.escape(', '.join(also))}"
    heading = html.escape(title)
    if url:
        heading = f'<a href="{html.escape(url, quote=True)}" target="_blank" rel="noopener">{heading}</a>'
    return (
        f'<div class="source-card" id="source-{n}"><span class="n">[{n}]</span>{heading}'
        f'<div class="meta">{meta}</div><blockquote><mark>{html.escape(quote)}</mark></blockquote></div>'
    )


def citation_cards(citations: list[Citation]) -> str:
    return "".join(_card(c.n, c.title, c.source, c.published_at, c.url, c.quote, c.also_reported_by) for c in citations)


def passage_cards(passages: list[Passage], heading: str) -> str:
    cards = "".join(
        _card(f"p{p.number}", p.chunk.title, p.chunk.source, p.chunk.published_at, p.chunk.url, p.chunk.text[:300],
              p.also_reported_by)
        for p in passages
    )
    return f"<h4>{html.escape(heading)}</h4>{cards or '<p>None.</p>'}"


def linked_markers(text: str) -> str:
    """[n] markers as links to their source cards (the page script scrolls to the card)."""
    return re.sub(r"\[(\d+)\]", r"[[\1]](#source-\1)", text)


def _final_cards(answer: Answer) -> str:
    searched = "" if answer.standalone_question in ("", answer.question) else (
        f'<details class="standalone"><summary>Understood as</summary>{html.escape(answer.standalone_question)}</details>'
    )
    checks = claim_checks(answer.checks)
    if answer.refused:
        quoted = (f'<div class="answer-sources"><h4>What the articles say instead</h4>'
                  f'{citation_cards(answer.citations)}</div>') if answer.citations else ""
        nearest = passage_cards(answer.passages[:3], "Nearest passages found (they do not answer the question)")
        return f'{searched}{checks}{quoted}<div class="nearest-passages">{nearest}</div>'
    return f'{searched}{checks}<div class="answer-sources"><h4>Sources</h4>{citation_cards(answer.citations)}</div>'


_LABELS = {"supported": "✔ stated", "contradicted": "✘ contradicted", "not_stated": "? not stated"}


def claim_checks(checks: list[dict[str, str]]) -> str:
    """A yes/no answer's claims, each with its label, who decided it (code or the model) and the sentence read."""
    if not checks:
        return ""
    rows = "".join(
        f'<tr class="{html.escape(c["label"])}"><td>{html.escape(c["claim"])}</td>'
        f'<td>{_LABELS.get(c["label"], html.escape(c["label"]))}<br><small>{html.escape(c["reason"])} '
        f'({html.escape(c["decided_by"])})</small></td><td>{html.escape(c["sentence"]) or "–"}</td></tr>'
        for c in checks
    )
    return ('<div class="claim-checks"><h4>Claim check</h4><table><thead><tr><th>claim</th><th>verdict</th>'
            f'<th>sentence read</th></tr></thead><tbody>{rows}</tbody></table></div>')


def example_questions(articles: Sequence[StoredArticle]) -> list[str]:
    titles = [a.title for a in articles[:3]]
    examples = [SEED_QUESTION] if any("Pakistan" in t for t in titles) else []
    return examples + [f"What does the article “{t}” report?" for t in titles if "Pakistan" not in t][:2]


def _day_ts(raw: str, field: str) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return calendar.timegm(time.strptime(raw, "%Y-%m-%d"))
    except ValueError:
        raise gr.Error(f"{field}: use a date like 2023-10-31") from None


def library_table(articles: Sequence[StoredArticle], search: str = "") -> dict[str, Any]:
    """The Library's rows, newest first, those matching ``search``, at most ``LIBRARY_ROWS`` of them: the page is
    sent whole to the browser, and a newsroom's archive holds tens of thousands of articles. Its label says how
    many match."""
    needle = search.strip().lower()
    matching = [a for a in articles if not needle or needle in f"{a.title} {a.source} {a.article_id}".lower()]
    rows = [[a.title, a.source, a.published_at[:10], a.chunks, a.article_id] for a in matching[:LIBRARY_ROWS]]
    label = (f"{len(matching):,} article{'' if len(matching) == 1 else 's'}" if len(matching) <= LIBRARY_ROWS else
             f"the newest {LIBRARY_ROWS:,} of {len(matching):,} articles: search to find the others")
    return gr.update(value=rows, label=label)


def source_names(articles: Sequence[StoredArticle]) -> list[str]:
    return sorted({a.source for a in articles} - {""})


def build_app(desk: Newsdesk, upload_max_mb: int = 20, watcher: Watcher | None = None) -> gr.Blocks:
    ingestor = Ingestor(desk.store, desk.embed_model, desk.settings.chunk_size, desk.settings.chunk_overlap,
                        desk.keyword_index)

    def respond(
        question: str, chat: list[dict[str, Any]], turns: list[dict[str, str]], sources: list[str], since: str,
        until: str, as_of: str, top_k: int,
    ) -> Iterator[tuple[Any, ...]]:
        question = (question or "").strip()
        if not question:
            yield "", chat, turns, gr.update()
            return
        keep = RetrievalFilter(frozenset(sources) if sources else None, _day_ts(since, "From"), _day_ts(until, "Until"),
                               _day_ts(as_of, "As of"))
        chat = chat + [{"role": "user", "content": question}, {"role": "assistant", "content": ""}]
        if desk.store.count() == 0:
            chat[-1] = {"role": "assistant", "content": EMPTY_STORE}
            yield "", chat, turns, gr.update()
            return
        yield "", chat, turns, "<p>Searching the articles…</p>"
        try:
            text = ""
            history = [Turn(t["question"], t["answer"]) for t in turns or []]
            for event in desk.stream(question, history, keep, int(top_k)):
                if isinstance(event, SourcesFound):
                    searched = "" if event.standalone_question == question else (
                        f'<p class="standalone">Searched for: <i>{html.escape(event.standalone_question)}</i></p>'
                    )
                    if event.passages:  # what the reader waits for, until the first words replace it
                        count = len(event.passages)
                        chat[-1] = {"role": "assistant",
                                    "content": f"*Reading {count} passage{'s' if count > 1 else ''}…*"}
                    yield "", chat, turns, searched + passage_cards(event.passages, "Reading these passages…")
                elif isinstance(event, TextDelta):
                    text += event.text
                    chat[-1] = {"role": "assistant", "content": text}
                    yield "", chat, turns, gr.update()
                elif isinstance(event, Finished):
                    answer = event.answer
                    headline = f"**{html.escape(answer.headline)}**\n\n" if answer.headline else ""
                    shown = (f'<div class="refusal">{html.escape(answer.answer)}</div>' if answer.refused
                             else headline + linked_markers(answer.answer))
                    chat[-1] = {"role": "assistant", "content": shown}
                    turns = [*(turns or []), {"question": question, "answer": answer.answer}]
                    yield "", chat, turns, _final_cards(answer)
        except Exception as exc:  # shown in the chat as a message, never as a stack trace
            log.exception("answering %r failed", question)
            chat[-1] = {"role": "assistant", "content": f"**Newsdesk could not answer:** {exc}"}
            yield "", chat, turns, gr.update()

    def ingest(items: list[Any], names: dict[str, str]) -> tuple[str, dict[str, Any], Any]:
        report = ingestor.ingest(items)
        lines = [f"**{report.articles_added} added, {report.articles_updated} updated, "
                 f"{report.articles_unchanged} unchanged, {report.articles_failed} failed** "
                 f"({report.chunks_written} chunks, {report.seconds:.1f} s)"]
        for problem in report.errors:
            text = str(problem)
            for temp, name in names.items():
                text = text.replace(temp, name)  # the user's file name, never the server's temp path
            lines.append(f"- **error:** {html.escape(text)}")
        stored = desk.store.articles()
        return "\n".join(lines), library_table(stored), gr.update(choices=source_names(stored))

    def upload(files: list[str] | None) -> tuple[str, dict[str, Any], Any]:
        if not files:
            raise gr.Error("Choose one or more files first")
        paths, names, problems = [], {}, []
        for file in files:
            path = Path(file)
            names[str(path)] = path.name
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                problems.append(f"- **error:** {html.escape(path.name)}: unsupported file type; use {', '.join(sorted(SUPPORTED_SUFFIXES))}")
            elif path.stat().st_size > upload_max_mb * 1024 * 1024:
                problems.append(f"- **error:** {html.escape(path.name)}: larger than the {upload_max_mb} MB upload limit")
            else:
                paths.append(str(path))
        summary, table, choices = ingest(list(read_sources(paths)) if paths else [], names)
        return "\n".join([summary, *problems]), table, choices

    def ingest_url(url: str, follow: bool) -> tuple[str, dict[str, Any], Any]:
        url = (url or "").strip()
        if not url.startswith(("http://", "https://")):
            raise gr.Error("Give an http(s) URL of an article page or an RSS/Atom feed")
        return ingest(list(read_sources([url], SourceOptions(follow_links=follow))), {})

    def whats_new(period: str, topic: str, as_of: str) -> tuple[str, str]:
        keep = RetrievalFilter(as_of_ts=_day_ts(as_of, "As of"))
        answer = desk.digest(PERIODS.get(period, PERIODS["24h"]), (topic or "").strip() or None, keep)
        return answer.answer, f"<h4>Sources</h4>{citation_cards(answer.citations)}" if answer.citations else ""

    def remove(article_id: str, search: str) -> tuple[str, dict[str, Any]]:
        article_id = (article_id or "").strip()
        removed = desk.store.remove_article(article_id) if article_id else 0
        if removed:
            desk.keyword_index.update(desk.store, [article_id])
        message = f"Removed {article_id} ({removed} chunks)." if removed else f"**error:** no article with id {article_id!r}."
        return message, library_search(search)

    def library_search(search: str) -> dict[str, Any]:
        return library_table(desk.store.articles(), search)

    def library_reread(search: str) -> dict[str, Any]:
        return library_table(desk.store.articles(reread=True), search)

    stored = desk.store.articles()  # read once as the page is built: examples, source filter and library
    with gr.Blocks(title="Newsdesk") as app:
        gr.Markdown("## Newsdesk\nAsk about the news articles in the store. Answers cite their sources as [n].")
        with gr.Tab("Chat"):
            # the conversation so far lives in the page and comes with every question, so any worker (or this
            # one after a restart) can answer a follow-up: nothing a reader needs is kept in the server's memory
            turns = gr.JSON([], visible=False)
            with gr.Row():
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(label="Chat", height=480, elem_id="chat", sanitize_html=True,
                                         buttons=["copy", "copy_all"])  # no share-to-Hugging-Face button
                    question = gr.Textbox(placeholder="Ask about the news…", show_label=False, elem_id="question")
                    with gr.Row():
                        ask = gr.Button("Ask", variant="primary", elem_id="ask")
                        new_chat = gr.Button("New chat", elem_id="new-chat")
                    gr.Examples(example_questions(stored), inputs=question, label="Try")
                    with gr.Accordion("Filters", open=False, elem_id="filters"):
                        sources = gr.Dropdown(source_names(stored), multiselect=True, label="Sources", elem_id="filter-sources")
                        with gr.Row():
                            since = gr.Textbox(label="From (YYYY-MM-DD)", elem_id="filter-since")
                            until = gr.Textbox(label="Until (YYYY-MM-DD)", elem_id="filter-until")
                        as_of = gr.Textbox(label="As of (YYYY-MM-DD): the day 'today', 'this week', 'the latest' "
                                           "are read from; empty: now", elem_id="filter-as-of")
                        top_k = gr.Slider(1, 10, value=desk.settings.top_k, step=1, label="Number of sources")
                with gr.Column(scale=2):
                    cards = gr.HTML("<h4>Sources</h4><p>Sources appear here.</p>", elem_id="sources")
            inputs = [question, chatbot, turns, sources, since, until, as_of, top_k]
            outputs = [question, chatbot, turns, cards]
            ask.click(respond, inputs, outputs, concurrency_id="answer")
            question.submit(respond, inputs, outputs, concurrency_id="answer")
            new_chat.click(lambda: ("", [], [], "<h4>Sources</h4>"), None, outputs, queue=False)
        with gr.Tab("What's new", elem_id="news-tab"):
            with gr.Row():
                period = gr.Radio(list(PERIODS), value="24h", label="Published in the last", elem_id="news-period")
                topic = gr.Textbox(label="About (optional)", elem_id="news-topic")
                news_as_of = gr.Textbox(label="As of (YYYY-MM-DD; empty: now)", elem_id="news-as-of")
            show_news = gr.Button("Show", variant="primary", elem_id="news-show")
            with gr.Row():
                news = gr.Markdown(elem_id="news")
                news_cards = gr.HTML(elem_id="news-sources")
            show_news.click(whats_new, [period, topic, news_as_of], [news, news_cards], concurrency_id="library")
        with gr.Tab("Library", elem_id="library-tab"):
            with gr.Row():
                search = gr.Textbox(placeholder="Search titles, sources, ids (Enter)…", show_label=False, elem_id="library-search")
                refresh = gr.Button("Refresh", scale=0)
            shown = library_table(stored)
            table = gr.Dataframe(shown["value"], label=shown["label"], headers=LIBRARY_COLUMNS, interactive=False,
                                 elem_id="library")
            with gr.Row():
                with gr.Column():
                    files = gr.File(label=f"Upload articles (up to {upload_max_mb} MB each)", file_count="multiple",
                                    file_types=sorted(SUPPORTED_SUFFIXES), elem_id="upload")
                    upload_button = gr.Button("Ingest files", elem_id="ingest-files")
                with gr.Column():
                    url = gr.Textbox(label="Article page or RSS/Atom feed URL", elem_id="ingest-url")
                    follow = gr.Checkbox(label="Feeds: fetch each entry's page")
                    url_button = gr.Button("Ingest URL", elem_id="ingest-url-button")
                    remove_id = gr.Textbox(label="Remove the article with id", elem_id="remove-id")
                    remove_button = gr.Button("Remove", variant="stop", elem_id="remove")
            status = gr.Markdown(elem_id="library-status")
            library = {"concurrency_id": "library", "concurrency_limit": 2}
            # on Enter, not on each key: the first search after the store changed reads the article list again (20 s
            # at 10^6 chunks); Refresh always does
            search.submit(library_search, search, table, queue=False)
            refresh.click(library_reread, search, table, queue=False)
            upload_button.click(upload, files, [status, table, sources], **library)
            url_button.click(ingest_url, [url, follow], [status, table, sources], **library)
            remove_button.click(remove, [remove_id, search], [status, table], **library)
            if watcher is not None:
                with gr.Accordion("Followed feeds", open=True, elem_id="feeds"):
                    feeds = gr.Dataframe(feed_rows(watcher), headers=FEED_COLUMNS, interactive=False,
                                         elem_id="feed-table")
                    with gr.Row():
                        feed_url = gr.Textbox(label="Feed URL", elem_id="feed-url", scale=3)
                        feed_action = gr.Radio(["follow", "pause", "resume", "stop following"], value="follow",
                                               label="Action", elem_id="feed-action", scale=2)
                        feed_button = gr.Button("Apply", elem_id="feed-apply", scale=0)
                        feed_refresh = gr.Button("Refresh", elem_id="feed-refresh", scale=0)
                    feed_status = gr.Markdown(elem_id="feed-status")
                feed_button.click(lambda u, a: change_feed(watcher, u, a), [feed_url, feed_action],
                                  [feed_status, feeds], queue=False)
                feed_refresh.click(lambda: feed_rows(watcher), None, feeds, queue=False)
    return app


FEED_COLUMNS = ["feed", "state", "last poll (UTC)", "added", "updated", "last error", "next poll (UTC)"]


def feed_rows(watcher: Watcher) -> list[list[Any]]:
    """Each followed feed as the Library shows it: what its last poll found and when the next is due."""

    def when(ts: float | None) -> str:
        return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(ts)) if ts else "–"

    return [[s.url, "paused" if s.paused else (s.last_result or "not polled yet"), when(s.last_poll),
             s.articles_added, s.articles_updated, s.last_error or "", "–" if s.paused else when(s.next_poll)]
            for s in watcher.followed()]


def change_feed(watcher: Watcher, url: str, action: str) -> tuple[str, list[list[Any]]]:
    url = (url or "").strip()
    try:
        if action == "follow":
            watcher.follow(url)
        elif action == "stop following":
            watcher.drop(url)
        else:
            watcher.pause(url, action == "pause")
    except ValueError as exc:
        return f"**error:** {html.escape(str(exc))}", feed_rows(watcher)
    done = {"follow": "Following", "pause": "Paused", "resume": "Resumed", "stop following": "Stopped following"}
    return f"{done.get(action, action)} {html.escape(url)}.", feed_rows(watcher)


def serve(desk: Newsdesk, host: str, port: int, auth: tuple[str, str] | None, upload_max_mb: int = 20,
          watcher: Watcher | None = None) -> None:
    """Load the models before the first visitor arrives, then serve the chat and the OpenAI-compatible API.

    One generation runs at a time (the embedded model is single-stream); other questions wait in Gradio's queue,
    which shows each their place, while the library and retrieval stay responsive. With a ``watcher``, its feeds
    are polled in a thread of their own: questions read the index an ingest swaps in whole.
    """
    import uvicorn
    from fastapi import FastAPI

    from newsdesk.ui.api import build_router

    started = time.perf_counter()
    desk.llm  # noqa: B018  (loads the answer model now, not on the first question)
    log.warning("answer model ready in %.1fs; %d chunks in %s", time.perf_counter() - started, desk.store.count(),
                desk.store.location)
    blocks = build_app(desk, upload_max_mb, watcher)
    blocks.queue(default_concurrency_limit=1, max_size=64)
    api = FastAPI(title="Newsdesk", docs_url=None, redoc_url=None)
    api.include_router(build_router(desk, auth))
    app = gr.mount_gradio_app(api, blocks, path="/", auth=auth, css=CSS, head=HEAD, footer_links=[],
                              show_error=False, max_file_size=f"{upload_max_mb}mb")
    if watcher is not None:
        threading.Thread(target=watcher.run, name="newsdesk-watch", daemon=True).start()
        log.warning("following %d feed(s); their state: %s", len(watcher.urls), watcher.states.path)
    print(f"Newsdesk chat on http://{host}:{port}" + (" (login required)" if auth else ""), flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=3)
