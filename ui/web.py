"""The web chat: a Gradio Blocks app over ``qa.engine.Newsdesk`` that streams answers beside numbered source cards."""

from __future__ import annotations

import html
import logging
import time
from typing import Any, Iterator

import gradio as gr

from qa.answer import Answer, Citation, Passage
from qa.engine import Finished, Newsdesk, SourcesFound, TextDelta, Turn

log = logging.getLogger(__name__)

SEED_QUESTION = "Who is visiting Pakistan and when?"
CSS = """
.source-card {border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 10px 12px; margin-bottom: 10px;}
.source-card .n {font-weight: 700; margin-right: 6px;}
.source-card .meta {color: var(--body-text-color-subdued); font-size: 0.9em;}
.source-card blockquote {margin: 6px 0 0 0; padding-left: 8px; border-left: 3px solid #f59e0b;}
.refusal {border-left: 4px solid #9ca3af; padding-left: 10px; color: var(--body-text-color-subdued);}
"""


def _card(n: int | str, title: str, source: str, published_at: str, url: str, quote: str) -> str:
    meta = " · ".join(html.escape(x) for x in (source, published_at[:10]) if x)
    heading = html.escape(title)
    if url:
        heading = f'<a href="{html.escape(url, quote=True)}" target="_blank" rel="noopener">{heading}</a>'
    return (
        f'<div class="source-card" id="source-{n}"><span class="n">[{n}]</span>{heading}'
        f'<div class="meta">{meta}</div><blockquote><mark>{html.escape(quote)}</mark></blockquote></div>'
    )


def citation_cards(citations: list[Citation]) -> str:
    return "".join(_card(c.n, c.title, c.source, c.published_at, c.url, c.quote) for c in citations)


def passage_cards(passages: list[Passage], heading: str) -> str:
    cards = "".join(
        _card(f"{p.number}", p.chunk.title, p.chunk.source, p.chunk.published_at, p.chunk.url, p.chunk.text[:300])
        for p in passages
    )
    return f"<h4>{html.escape(heading)}</h4>{cards}" if passages else f"<h4>{html.escape(heading)}</h4><p>None.</p>"


def _final_cards(answer: Answer) -> str:
    if answer.refused:
        nearest = passage_cards(answer.passages[:3], "Nearest passages found (they do not answer the question)")
        return f'<div class="nearest-passages">{nearest}</div>'
    return f'<div class="answer-sources"><h4>Sources</h4>{citation_cards(answer.citations)}</div>'



def example_questions(desk: Newsdesk) -> list[str]:
    titles = [a.title for a in desk.store.articles()[:3]]
    examples = [SEED_QUESTION] if any("Pakistan" in t for t in titles) else []
    return examples + [f"What does the article “{t}” report?" for t in titles if "Pakistan" not in t][:2]


def build_app(desk: Newsdesk) -> gr.Blocks:
    def respond(question: str, chat: list[dict[str, Any]], turns: list[Turn]) -> Iterator[tuple[Any, ...]]:
        question = (question or "").strip()
        if not question:
            yield "", chat, turns, gr.update()
            return
        chat = chat + [{"role": "user", "content": question}, {"role": "assistant", "content": ""}]
        yield "", chat, turns, "<p>Searching the articles…</p>"
        try:
            text = ""
            for event in desk.stream(question, turns):
                if isinstance(event, SourcesFound):
                    searched = "" if event.standalone_question == question else (
                        f'<p class="standalone">Searched for: <i>{html.escape(event.standalone_question)}</i></p>'
                    )
                    yield "", chat, turns, searched + passage_cards(event.passages, "Reading these passages…")
                elif isinstance(event, TextDelta):
                    text += event.text
                    chat[-1] = {"role": "assistant", "content": text}
                    yield "", chat, turns, gr.update()
                elif isinstance(event, Finished):
                    answer = event.answer
                    shown = f'<div class="refusal">{html.escape(answer.answer)}</div>' if answer.refused else answer.answer
                    chat[-1] = {"role": "assistant", "content": shown}
                    searched = "" if answer.standalone_question in ("", question) else (
                        f'<details class="standalone"><summary>Understood as</summary>'
                        f"{html.escape(answer.standalone_question)}</details>"
                    )
                    yield "", chat, turns + [Turn(question, answer.answer)], searched + _final_cards(answer)
        except Exception as exc:  # shown in the chat as a message, never as a stack trace
            log.exception("answering %r failed", question)
            chat[-1] = {"role": "assistant", "content": f"⚠️ Newsdesk could not answer: {exc}"}
            yield "", chat, turns, gr.update()

    with gr.Blocks(title="Newsdesk") as app:
        gr.Markdown("## Newsdesk\nAsk about the news articles in the store. Answers cite their sources as [n].")
        turns = gr.State([])
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(label="Chat", height=480, elem_id="chat", sanitize_html=True)
                question = gr.Textbox(placeholder="Ask about the news…", show_label=False, elem_id="question")
                with gr.Row():
                    ask = gr.Button("Ask", variant="primary", elem_id="ask")
                    new_chat = gr.Button("New chat", elem_id="new-chat")
                gr.Examples(example_questions(desk), inputs=question, label="Try")
            with gr.Column(scale=2):
                sources = gr.HTML("<h4>Sources</h4><p>Sources appear here.</p>", elem_id="sources")
        outputs = [question, chatbot, turns, sources]
        ask.click(respond, [question, chatbot, turns], outputs)
        question.submit(respond, [question, chatbot, turns], outputs)
        new_chat.click(lambda: ("", [], [], "<h4>Sources</h4>"), None, outputs, queue=False)
    return app


def serve(desk: Newsdesk, host: str, port: int, auth: tuple[str, str] | None) -> None:
    """Load the models before the first visitor arrives, then serve one generation at a time (others queue)."""
    started = time.perf_counter()
    desk.llm  # noqa: B018  (loads the answer model now, not on the first question)
    log.warning("answer model ready in %.1fs; %d chunks in %s", time.perf_counter() - started, desk.store.count(), desk.store.location)
    app = build_app(desk)
    app.queue(default_concurrency_limit=1, max_size=64)
    print(f"Newsdesk chat on http://{host}:{port}" + (" (login required)" if auth else ""), flush=True)
    app.launch(server_name=host, server_port=port, auth=auth, share=False, css=CSS, footer_links=[], show_error=False)
