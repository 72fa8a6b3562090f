"""llama.cpp settings against the answer prompts readers cause: which threads, batch sizes, flash attention and
KV-cache types make the first word come sooner on this machine, and whether they change what the model writes.

    .venv/bin/python bench/llm_settings.py [--data-dir DIR] [--questions 12] [--write-docs]

The prompts are the ones the answer step builds (the system prompt, the selected evidence sentences, the
question) for MultiHop-RAG dev inference questions (a fixed sample) and the seed questions that reach the model.
Each variant loads the default model afresh, answers one prompt to warm up, then every prompt in turn as the
product does (one slot, the prompt cache keeping the shared system prompt). Reported: prompt tokens computed per
second, time to the first token and to the end (p50), and how many answers are word for word the baseline's.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import newsdesk  # noqa: F401  (sets the offline environment)
import xllamacpp
from newsdesk.embedding import MiniLMEmbedding
from newsdesk.eval.corpus import store_for_articles
from newsdesk.eval.metrics import percentile
from newsdesk.eval.sets import load_set, select
from newsdesk.qa.engine import Newsdesk
from newsdesk.qa.evidence import select_evidence
from newsdesk.qa.model_files import default_gguf_path
from newsdesk.qa.prompt import build_messages
from newsdesk.settings import load_settings
from newsdesk.store import open_store
from doc_section import Report

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "eval" / "multihop-rag"
F16, Q8 = xllamacpp.ggml_type.GGML_TYPE_F16, xllamacpp.ggml_type.GGML_TYPE_Q8_0
FLASH = xllamacpp.llama_flash_attn_type
VARIANTS: dict[str, dict[str, Any]] = {
    "product (2 threads, batch 2048 / ubatch 512, flash auto, f16 cache)": {},
    "1 thread": {"threads": 1},
    "flash attention off": {"flash": FLASH.LLAMA_FLASH_ATTN_TYPE_DISABLED},
    "flash attention on": {"flash": FLASH.LLAMA_FLASH_ATTN_TYPE_ENABLED},
    "ubatch 128": {"ubatch": 128},
    "ubatch 256": {"ubatch": 256},
    "q8_0 KV cache, flash on": {"cache": Q8, "flash": FLASH.LLAMA_FLASH_ATTN_TYPE_ENABLED},
}


@dataclass
class Run:
    first: float
    total: float
    computed: int
    prefill_ms: float
    text: str


def server(model: Path, context: int, max_tokens: int, threads: int = 2, ubatch: int = 512,
           flash: Any = FLASH.LLAMA_FLASH_ATTN_TYPE_AUTO, cache: Any = F16) -> Any:
    params = xllamacpp.CommonParams()
    params.model.path = str(model)
    params.n_ctx = context
    params.n_parallel = 1
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.n_predict = max_tokens
    params.n_ubatch = ubatch
    params.flash_attn_type = flash
    params.cache_type_k = cache
    params.cache_type_v = cache
    params.warmup = False
    params.verbosity = -1
    return xllamacpp.Server(params)


def answer(llm: Any, messages: list[dict[str, str]], max_tokens: int) -> Run:
    started = time.perf_counter()
    state: dict[str, Any] = {"first": None, "text": "", "timings": {}}

    def piece(chunk: dict[str, Any]) -> None:
        delta = (chunk.get("choices") or [{}])[0].get("delta", {}).get("content") or ""
        if delta and state["first"] is None:
            state["first"] = time.perf_counter() - started
        state["text"] += delta
        state["timings"] = chunk.get("timings") or state["timings"]

    llm.handle_chat_completions({"messages": messages, "max_tokens": max_tokens, "temperature": 0.0,
                                 "stream": True}, piece)
    total = time.perf_counter() - started
    timings = state["timings"]
    return Run(state["first"] or total, total, int(timings.get("prompt_n", 0)), float(timings.get("prompt_ms", 0.0)),
               state["text"])


def prompts(settings: Any, count: int) -> list[list[dict[str, str]]]:
    mh = store_for_articles(settings, [SHARED / "articles.jsonl"])
    embed = MiniLMEmbedding(mh.embed_batch_size, mh.cache_dir)
    desk = Newsdesk(mh, open_store(mh), embed, lambda: None)
    questions = select(load_set(str(SHARED / "questions.dev.jsonl"))[0], types=["inference_query"], sample=count,
                       seed=7)
    built = []
    for q in questions:
        evidence = [p for p in desk.retrieve(q.question) if p.similarity >= mh.min_relevance]
        shown = select_evidence(q.question, evidence, embed.get_text_embedding_batch)
        built.append([{"role": m.role.value, "content": m.content or ""} for m in build_messages(q.question, shown)])
    return built


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, help="where the cached MultiHop-RAG eval store lives")
    parser.add_argument("--questions", type=int, default=12, help="MultiHop-RAG dev inference questions")
    parser.add_argument("--variants", help="comma-separated variant numbers (1 = the product's), default all")
    parser.add_argument("--write-docs", action="store_true", help="write the figures into docs/benchmarks.md")
    args = parser.parse_args()
    report = Report("llm-settings", "llama.cpp settings", args.write_docs)
    settings = load_settings({"data_dir": args.data_dir})
    asked = prompts(settings, args.questions)
    model = default_gguf_path(settings.cache_dir)
    names = list(VARIANTS)
    chosen = [names[int(n) - 1] for n in args.variants.split(",")] if args.variants else names
    baseline: list[str] | None = None
    rows = []
    for name in chosen:
        llm = server(model, settings.llm_context, settings.max_answer_tokens, **VARIANTS[name])
        answer(llm, asked[-1], settings.max_answer_tokens)  # warm-up: the system prompt enters the cache
        runs = [answer(llm, messages, settings.max_answer_tokens) for messages in asked]
        del llm
        texts = [r.text for r in runs]
        baseline = baseline if baseline is not None else texts
        speed = sum(r.computed for r in runs) / (sum(r.prefill_ms for r in runs) / 1000)
        rows.append([name, f"{speed:.0f}", f"{percentile([r.computed for r in runs], 50):.0f}",
                     f"{percentile([r.first for r in runs], 50):.2f}", f"{percentile([r.total for r in runs], 50):.2f}",
                     f"{sum(a == b for a, b in zip(texts, baseline))} of {len(runs)}"])
        print(" | ".join(rows[-1]), flush=True)
    report.say(f"The default answer model on {len(asked)} answer prompts of MultiHop-RAG dev inference questions "
               "(stratified sample, seed 7), each variant loaded afresh and warmed up; seconds are p50. "
               "\"Same answer\" counts replies identical to the first variant's.")
    report.say()
    report.table(["variant", "prompt tokens/s", "tokens computed", "first token", "whole reply", "same answer"],
                 rows)
    report.write()


if __name__ == "__main__":
    main()
