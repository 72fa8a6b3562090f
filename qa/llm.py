"""Answer models behind llama-index's LLM interface: an embedded GGUF model (xllamacpp) or an OpenAI-compatible server.

``build_llm`` is the one place that decides which runs; the rest of ``qa/`` only sees a llama-index ``LLM``.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import threading
from pathlib import Path
from typing import Any, Iterator, Sequence

from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    ChatResponseGen,
    CompletionResponse,
    CompletionResponseGen,
    LLMMetadata,
    MessageRole,
)
from llama_index.core.llms import LLM, CustomLLM
from llama_index.core.llms.callbacks import llm_chat_callback, llm_completion_callback
from pydantic import PrivateAttr

from newsdesk.settings import Settings
from newsdesk.qa.model_files import ModelFileError, default_gguf_path

log = logging.getLogger(__name__)


class LLMError(RuntimeError):
    """The answer model cannot be loaded or reached; the message says which and what to do."""


def choice_grammar(choices: Sequence[str]) -> str:
    """A GBNF grammar (llama.cpp's constrained decoding) whose only sentences are ``choices``."""
    return "root ::= " + " | ".join(json.dumps(c) for c in choices)


def _to_openai(messages: Sequence[ChatMessage]) -> list[dict[str, str]]:
    return [{"role": m.role.value, "content": m.content or ""} for m in messages]


class LlamaCppLLM(CustomLLM):
    """A GGUF model run in-process by llama.cpp (xllamacpp); chat templates come from the GGUF file.

    One generation runs at a time; each slot keeps its last prompt's KV cache, so a stable system prompt is
    processed once. Two slots by default: one question brings both answer prompts and the judge's short prompts
    (``qa.judge``). With one slot each evicted the other's system prompt, and llama.cpp's RAM prompt cache did not
    restore it (an answer after a judge call reused 4 of its 87 system-prompt tokens); with two, llama.cpp gives each
    kind of prompt the slot that holds its prefix (87 reused).
    """

    model_path: str
    context_window: int = 4096  # per slot
    max_tokens: int = 200
    threads: int = 2
    slots: int = 2  # prompts kept cached side by side; as an answer server, also generations at once
    _server: Any = PrivateAttr()
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    _last_timings: dict[str, Any] = PrivateAttr(default_factory=dict)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        import xllamacpp

        if not Path(self.model_path).is_file():
            raise LLMError(f"model file {self.model_path} does not exist; check --llm-gguf / NEWSDESK_LLM_GGUF")
        params = xllamacpp.CommonParams()
        params.model.path = self.model_path
        params.n_ctx = self.context_window * self.slots
        params.n_parallel = self.slots
        params.cpuparams.n_threads = self.threads
        params.cpuparams_batch.n_threads = self.threads
        params.n_predict = self.max_tokens
        params.warmup = False
        params.verbosity = -1
        try:
            self._server = xllamacpp.Server(params)
        except Exception as exc:  # the binding raises plain RuntimeError/ValueError for unreadable models
            raise LLMError(f"cannot load model {self.model_path}: {exc}") from exc

    @classmethod
    def class_name(cls) -> str:
        return "LlamaCppLLM"

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(
            context_window=self.context_window,
            num_output=self.max_tokens,
            is_chat_model=True,
            model_name=Path(self.model_path).name,
        )

    @property
    def last_timings(self) -> dict[str, Any]:
        """llama.cpp's timings of the last streamed generation (the answer itself, not the short calls around it
        such as a follow-up's rewrite or the short answer): prompt_n (tokens processed), cache_n (reused from the
        prompt cache), predicted_n, and their milliseconds."""
        return dict(self._last_timings)

    @property
    def listening_address(self) -> str:
        """The OpenAI-compatible HTTP endpoint the embedded server also serves (127.0.0.1, a free port)."""
        return str(self._server.listening_address)

    def _request(self, messages: Sequence[ChatMessage], stream: bool, **kwargs: Any) -> dict[str, Any]:
        request = {
            "messages": _to_openai(messages),
            "max_tokens": kwargs.get("max_tokens", self.max_tokens),
            "temperature": kwargs.get("temperature", 0.0),
            "stream": stream,
        }
        if kwargs.get("choices"):  # the reply must be one of these strings
            request["grammar"] = choice_grammar(kwargs["choices"])
        return request

    @llm_chat_callback()
    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        with self._lock:
            result = self._server.handle_chat_completions(self._request(messages, False, **kwargs))
        if "error" in result:
            raise LLMError(f"the model failed: {result['error']}")
        text = result["choices"][0]["message"].get("content") or ""
        return ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT, content=text), raw=result)

    @llm_chat_callback()
    def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        request = self._request(messages, True, **kwargs)
        pieces: queue.Queue[Any] = queue.Queue()
        done = object()

        def run() -> None:
            try:
                with self._lock:
                    self._server.handle_chat_completions(request, pieces.put)
            except Exception as exc:  # surfaced to the consumer below
                pieces.put(exc)
            finally:
                pieces.put(done)

        threading.Thread(target=run, name="llm-stream", daemon=True).start()

        def gen() -> Iterator[ChatResponse]:
            text = ""
            while (piece := pieces.get()) is not done:
                if isinstance(piece, Exception):
                    raise LLMError(f"the model failed: {piece}")
                if "error" in piece:
                    raise LLMError(f"the model failed: {piece['error']}")
                if piece.get("timings"):
                    self._last_timings = piece["timings"]
                delta = (piece.get("choices") or [{}])[0].get("delta", {}).get("content") or ""
                if delta:
                    text += delta
                    yield ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT, content=text), delta=delta)

        return gen()

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        response = self.chat([ChatMessage(role=MessageRole.USER, content=prompt)], **kwargs)
        return CompletionResponse(text=response.message.content or "", raw=response.raw)

    @llm_completion_callback()
    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        for response in self.stream_chat([ChatMessage(role=MessageRole.USER, content=prompt)], **kwargs):
            yield CompletionResponse(text=response.message.content or "", delta=response.delta)


def _openai_compatible() -> type[LLM]:
    """OpenAILike whose connection and API errors surface as LLMError naming the server (imported on demand)."""
    import openai
    from llama_index.llms.openai_like import OpenAILike

    class OpenAICompatibleLLM(OpenAILike):
        def _explain(self, exc: Exception) -> LLMError:
            return LLMError(f"the answer server at {self.api_base} failed: {exc}; check --llm-url / NEWSDESK_LLM_URL")

        def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
            if choices := kwargs.pop("choices", None):  # llama.cpp's server reads a grammar, vLLM a guided choice
                kwargs["extra_body"] = {"grammar": choice_grammar(choices), "guided_choice": list(choices)}
            try:
                return super().chat(messages, **kwargs)
            except openai.OpenAIError as exc:
                raise self._explain(exc) from exc

        def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
            try:
                yield from super().stream_chat(messages, **kwargs)
            except openai.OpenAIError as exc:
                raise self._explain(exc) from exc

    return OpenAICompatibleLLM


def build_llm(settings: Settings) -> LLM:
    """The answer model chosen by configuration: an OpenAI-compatible server if llm_url is set, else a GGUF file
    (llm_gguf, or the bundled default)."""
    if settings.llm_url:
        return _openai_compatible()(
            model=settings.llm_model,
            api_base=settings.llm_url,
            api_key=os.environ.get(settings.llm_api_key_env) or "not-needed",
            is_chat_model=True,
            context_window=settings.llm_context,
            max_tokens=settings.max_answer_tokens,
            temperature=0.0,
            timeout=120.0,
            max_retries=1,
        )
    try:
        path = settings.llm_gguf or default_gguf_path(settings.cache_dir)
    except ModelFileError as exc:
        raise LLMError(str(exc)) from exc
    log.info("loading answer model %s", path)
    return LlamaCppLLM(
        model_path=str(path),
        context_window=settings.llm_context,
        max_tokens=settings.max_answer_tokens,
        threads=settings.llm_threads,
    )
