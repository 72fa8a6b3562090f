"""API workers benchmark: answers a minute with one and with two `newsdesk chat --workers` processes, twenty
readers at once, over one `chroma run` server and one answer server.

    .venv/bin/python bench/workers.py [--seconds 120] [--users 20] [--slots 2] [--default-model] [--write-docs]

The Chroma server holds the MultiHop-RAG corpus, copied with its stored vectors from the cached eval store (built
by bench/retrieval.py the first time); the answer server is xllamacpp's HTTP endpoint with ``--slots`` slots serving
SmolLM2-135M (or, with ``--default-model``, Qwen2.5-Coder-1.5B). Each reader asks MultiHop-RAG dev questions
through POST /v1/chat/completions, one after another, for ``--seconds``; figures: answers a minute, errors, answer
p50 / p95, and the ratio of two workers to one.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import newsdesk  # noqa: F401  (sets the offline environment)
from doc_section import Report
from newsdesk.eval.corpus import store_for_articles
from newsdesk.eval.metrics import percentile
from newsdesk.eval.sets import load_set
from newsdesk.qa.llm import LlamaCppLLM
from newsdesk.qa.model_files import default_gguf_path, smollm2_path
from newsdesk.settings import load_settings
from newsdesk.store import open_store
from retrieval import SHARED
from servers import ChromaServer, free_port, wait_for
from store_copies import copies_of, read_corpus, write

REPO = Path(__file__).resolve().parents[1]


def copy_corpus(source_dir: Path, chroma_url: str, collection: str) -> int:
    """The cached eval store's chunks and sentence vectors, written to the server as they are (no embedding)."""
    source = open_store(load_settings({"data_dir": source_dir}))
    target = open_store(load_settings({"chroma_url": chroma_url, "collection": collection}))
    write(target, copies_of(read_corpus(source), 0), "bench")
    return target.count()


def load(url: str, questions: list[str], users: int, seconds: float) -> tuple[list[float], int]:
    """Answer seconds of every completed answer, and the errors, with ``users`` readers for ``seconds``."""
    done: list[float] = []
    errors = [0]
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def reader(number: int) -> None:
        asked = number
        while time.monotonic() < stop:
            body = {"model": "newsdesk", "messages": [{"role": "user", "content": questions[asked % len(questions)]}]}
            asked += users
            started = time.perf_counter()
            try:
                request = urllib.request.Request(url + "chat/completions", json.dumps(body).encode(),
                                                 {"Content-Type": "application/json"})
                json.loads(urllib.request.urlopen(request, timeout=900).read())["newsdesk"]
                with lock:
                    done.append(time.perf_counter() - started)
            except (OSError, ValueError, KeyError):
                with lock:
                    errors[0] += 1

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done, errors[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, help="where the cached eval store lives")
    parser.add_argument("--articles", type=Path, default=SHARED / "articles.jsonl")
    parser.add_argument("--questions", type=Path, default=SHARED / "questions.dev.jsonl")
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--slots", type=int, default=2, help="answer server slots")
    parser.add_argument("--default-model", action="store_true", help="answer with Qwen2.5-Coder-1.5B, not SmolLM2")
    parser.add_argument("--write-docs", action="store_true", help="write the figures into docs/benchmarks.md")
    args = parser.parse_args()
    report = Report("api-workers", "API workers over one Chroma server and one answer server", args.write_docs)

    settings = load_settings({"data_dir": args.data_dir})
    mh = store_for_articles(settings, [args.articles])
    model = default_gguf_path(settings.cache_dir) if args.default_model else smollm2_path()
    answer_server = LlamaCppLLM(model_path=str(model), threads=2, slots=args.slots)  # serves while referenced
    answer_url = answer_server.listening_address + "/v1"
    questions = [q.question for q in load_set(str(args.questions))[0] if q.question]
    rows = []
    with tempfile.TemporaryDirectory() as folder, ChromaServer(Path(folder) / "chroma") as chroma:
        chunks = copy_corpus(mh.data_dir, chroma.url, "bench")
        env = {**os.environ, "NEWSDESK_CHROMA_URL": chroma.url, "NEWSDESK_COLLECTION": "bench",
               "NEWSDESK_LLM_URL": answer_url, "NEWSDESK_LLM_MODEL": model.stem,
               "NEWSDESK_DATA_DIR": str(Path(folder) / "data")}
        for workers in (1, 2):
            api_port = free_port()
            command = [str(Path(sys.executable).with_name("newsdesk")), "chat", "--port", str(api_port)]
            command += ["--workers", str(workers)] if workers > 1 else []
            log = open(Path(folder) / f"api-{workers}.log", "w")
            api = subprocess.Popen(command, env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
            url = f"http://127.0.0.1:{api_port}/v1/"
            try:
                try:
                    wait_for(url + "models", api)
                except SystemExit:
                    log.flush()
                    print((Path(folder) / f"api-{workers}.log").read_text()[-3000:], flush=True)
                    raise
                load(url, questions[:5], 2, 20)  # warm-up: models loaded, the keyword index built
                done, errors = load(url, questions, args.users, args.seconds)
            finally:
                api.terminate()
                api.wait(timeout=60)
            rows.append((workers, len(done) * 60 / args.seconds, errors, done))
            print(f"{workers} worker(s): {len(done)} answers, {errors} errors", flush=True)
    report.say(f"{args.users} readers at once for {args.seconds:.0f} s, asking MultiHop-RAG dev questions through "
               f"POST /v1/chat/completions; one `chroma run` server ({chunks:,} chunks) and one answer server "
               f"({model.stem}, {args.slots} slots), all on this machine's 2 cores. One worker is `newsdesk chat` "
               "(API beside the web chat); two are `newsdesk chat --workers 2`.")
    report.say()
    report.table(["workers", "answers a minute", "errors", "answer p50 / p95"], [
        [str(w), f"{rate:.1f}", str(errors), f"{percentile(done, 50):.1f} s / {percentile(done, 95):.1f} s" if done else "-"]
        for w, rate, errors, done in rows])
    report.say()
    report.say(f"Two workers against one: {rows[1][1] / rows[0][1]:.2f}×." if rows[0][1] else "")
    report.write()


if __name__ == "__main__":
    main()
