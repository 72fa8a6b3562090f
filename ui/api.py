"""An OpenAI-compatible chat endpoint (POST /v1/chat/completions, model "newsdesk"), served beside the web chat,
so other chat front ends and scripts can use Newsdesk as a backend.

The answer text carries [n] markers; the citations travel in an extra top-level field, ``newsdesk``:
``{"short_answer", "citations": [{"n", "article_id", "title", "source", "published_at", "url", "quote",
"also_reported_by"}], "refused", "standalone_question", "verdict", "checks", "unsupported_premises", "timeline",
"stories", "coverage"}``. A request may carry its own ``newsdesk`` object:
``{"sources": [...], "since", "until", "as_of"}`` (dates in any common form; ``as_of`` is when "today", "this week",
"the latest" in the question are read from, now by default). ``GET /v1/digest?since=24h&topic=&as_of=&limit=10``
returns what's new, as ``newsdesk digest --json`` prints it.

Nothing a request needs lives in the serving process (the history comes with the messages, the filters with the
request), so ``newsdesk chat --workers N`` serves this API from N processes on one address (``app_from_environment``),
all reading one Chroma server and sending answers to one answer server. When streaming, text deltas come as the model writes them (without markers), and the
last chunk before ``[DONE]`` carries ``newsdesk`` with ``answer`` (the final text with markers) and the citations.
"""

from __future__ import annotations

import json
import secrets
import time
import uuid
from typing import Any, Iterator

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.security import HTTPBasic, HTTPBasicCredentials

from newsdesk.dates import parse_duration
from newsdesk.settings import load_settings
from newsdesk.filters import RetrievalFilter, reader_filter
from newsdesk.qa.answer import Finished, TextDelta
from newsdesk.qa.engine import Newsdesk, Turn

MODEL = "newsdesk"


def _turns(messages: list[dict[str, Any]]) -> tuple[str, list[Turn]]:
    """The last user message as the question; earlier user/assistant pairs as the history."""
    said = [(m.get("role"), str(m.get("content") or "")) for m in messages if m.get("role") in ("user", "assistant")]
    if not said or said[-1][0] != "user" or not said[-1][1].strip():
        raise HTTPException(400, "the last message must be a non-empty user message")
    history = [Turn(q, a) for (r1, q), (r2, a) in zip(said[:-1:2], said[1:-1:2]) if r1 == "user" and r2 == "assistant"]
    return said[-1][1].strip(), history


def _keep(options: Any) -> RetrievalFilter:
    """The request's ``newsdesk`` object as the reader's filter; HTTP 400 saying what is wrong."""
    if options is None:
        return RetrievalFilter()
    if not isinstance(options, dict) or not isinstance(options.get("sources") or [], list):
        raise HTTPException(400, 'newsdesk must be an object: {"sources": [...], "since", "until", "as_of"}')
    try:
        return reader_filter([str(s) for s in options.get("sources") or []], options.get("since"),
                             options.get("until"), options.get("as_of"),
                             ("newsdesk.since", "newsdesk.until", "newsdesk.as_of"))
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None


def _extra(answer: Any) -> dict[str, Any]:
    payload = answer.to_json()
    return {"short_answer": payload["short_answer"], "citations": payload["citations"], "refused": payload["refused"],
            "standalone_question": payload["standalone_question"], "verdict": payload["verdict"],
            "checks": payload["checks"], "unsupported_premises": payload["understood"].get("unsupported_premises", []),
            "timeline": payload["timeline"], "stories": payload["stories"], "coverage": payload["coverage"]}


def build_router(desk: Newsdesk, auth: tuple[str, str] | None) -> APIRouter:
    security = HTTPBasic(auto_error=False)

    def check(credentials: HTTPBasicCredentials | None = Depends(security)) -> None:
        if auth is None:
            return
        if credentials is None or not (
            secrets.compare_digest(credentials.username, auth[0]) and secrets.compare_digest(credentials.password, auth[1])
        ):
            raise HTTPException(401, "authentication required", headers={"WWW-Authenticate": "Basic"})

    router = APIRouter(dependencies=[Depends(check)])

    @router.get("/v1/models")
    def models() -> dict[str, Any]:
        return {"object": "list", "data": [{"id": MODEL, "object": "model", "owned_by": "newsdesk"}]}

    @router.get("/v1/digest")
    async def digest(since: str = "24h", topic: str = "", as_of: str = "", limit: int = 10) -> Any:
        """What's new, as `newsdesk digest --json` prints it."""
        try:
            seconds = parse_duration(since)
            keep = reader_filter(None, None, None, as_of, ("since", "until", "as_of"))
        except ValueError as exc:
            raise HTTPException(400, str(exc)) from None
        answer = await _in_thread(lambda: desk.digest(seconds, topic or None, keep, max(1, min(limit, 50))))
        return JSONResponse(answer.to_json())

    @router.post("/v1/chat/completions")
    async def chat_completions(request: Request) -> Any:
        try:
            body = await request.json()
        except json.JSONDecodeError:
            raise HTTPException(400, "the body must be JSON") from None
        question, history = _turns(body.get("messages") or [])
        keep = _keep(body.get("newsdesk"))
        created, completion_id = int(time.time()), f"chatcmpl-{uuid.uuid4().hex}"
        if not body.get("stream"):
            answer = await _in_thread(lambda: desk.ask(question, history, keep))
            return JSONResponse({
                "id": completion_id, "object": "chat.completion", "created": created, "model": MODEL,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": answer.answer}, "finish_reason": "stop"}],
                "newsdesk": _extra(answer),
            })

        def events() -> Iterator[str]:
            def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
                data = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": MODEL,
                        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
                return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"

            yield chunk({"role": "assistant", "content": ""})
            for event in desk.stream(question, history, keep):
                if isinstance(event, TextDelta):
                    yield chunk({"content": event.text})
                elif isinstance(event, Finished):
                    yield chunk({}, "stop", newsdesk={"answer": event.answer.answer, **_extra(event.answer)})
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    return router


async def _in_thread(work: Any) -> Any:
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(work)


def credentials(raw: str | None) -> tuple[str, str] | None:
    """USER:PASSWORD as a pair; None when not given; ValueError for anything else."""
    if not raw:
        return None
    user, sep, password = raw.partition(":")
    if not sep or not user or not password:
        raise ValueError("--auth (or NEWSDESK_AUTH) must be USER:PASSWORD")
    return user, password


def app_from_environment() -> Any:
    """The API alone, as each of ``newsdesk chat --workers N``'s processes serves it: settings from the
    ``NEWSDESK_*`` variables the command set, credentials from ``NEWSDESK_AUTH``."""
    import os

    from fastapi import FastAPI

    desk = Newsdesk.from_settings(load_settings())
    api = FastAPI(title="Newsdesk", docs_url=None, redoc_url=None)
    api.include_router(build_router(desk, credentials(os.environ.get("NEWSDESK_AUTH"))))
    return api
