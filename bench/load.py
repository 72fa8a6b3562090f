"""Load test of the web chat: N concurrent chat sessions against `newsdesk chat` on 127.0.0.1 for a bounded time.

    .venv/bin/python bench/load.py [--sessions 20] [--seconds 300] [--default-model] [--write-docs]

Starts its own chat server (the fast SmolLM2 model unless --default-model) over a temporary store holding the
bundled samples, drives it with gradio_client (one client per session, each asking questions in a loop), and
prints requests done, errors, p50/p95 of the wait (submit → generation starts) and of the whole answer, and the
server's peak RSS. Traffic goes to 127.0.0.1 only, and every loop stops at the deadline.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import newsdesk  # noqa: F401  (sets the offline environment)
from newsdesk.eval.metrics import percentile
from newsdesk.qa.model_files import smollm2_path
from doc_section import Report
from servers import free_port, tree_peak_rss_mb, wait_for

QUESTIONS = [
    "Who is visiting Pakistan and when?",
    "Who was ousted through a Parliament vote?",
    "What did Ned Price say about the relationship?",
    "How many years of ties are being celebrated?",
]


def session(url: str, deadline: float, index: int, waits: list[float], totals: list[float], errors: list[str],
            ranks: list[int]) -> None:
    from gradio_client import Client
    from gradio_client.utils import Status

    client = Client(url, verbose=False)
    asked = 0
    while time.monotonic() < deadline:
        question = QUESTIONS[(index + asked) % len(QUESTIONS)]
        asked += 1
        started = time.monotonic()
        try:
            # chat, turns, sources, since, until, as of, top k
            job = client.submit(question, [], [], [], "", "", "", 5, api_name="/respond")
            waited = None
            while not job.done():
                status = job.status()
                if status.rank is not None:
                    ranks.append(status.rank)
                if waited is None and status.code in (Status.PROCESSING, Status.ITERATING, Status.PROGRESS):
                    waited = time.monotonic() - started
                if time.monotonic() > deadline + 600:
                    raise TimeoutError("no answer 10 minutes after the deadline")
                time.sleep(0.1)
            job.result()
            totals.append(time.monotonic() - started)
            waits.append(waited if waited is not None else totals[-1])
        except Exception as exc:  # counted and reported, the session goes on
            errors.append(f"session {index}: {exc!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--default-model", action="store_true", help="use the default Qwen model, not SmolLM2")
    parser.add_argument("--write-docs", action="store_true", help="write the figures into docs/benchmarks.md")
    args = parser.parse_args()
    model_name = "Qwen2.5-Coder-1.5B (default)" if args.default_model else "SmolLM2-135M (test model)"
    report = Report("load-qwen" if args.default_model else "load-smollm2", f"Load test, {model_name}", args.write_docs)

    exe = Path(sys.executable).with_name("newsdesk")
    with tempfile.TemporaryDirectory(prefix="newsdesk-load-") as data_dir:
        env = {**os.environ, "NEWSDESK_DATA_DIR": data_dir}
        subprocess.run([str(exe), "ingest", "--samples"], env=env, check=True, capture_output=True)
        port = free_port()
        model = [] if args.default_model else ["--llm-gguf", str(smollm2_path())]
        server = subprocess.Popen([str(exe), "chat", "--port", str(port), *model], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}/"
        try:
            wait_for(url, server)
            waits: list[float] = []
            totals: list[float] = []
            errors: list[str] = []
            ranks: list[int] = []
            deadline = time.monotonic() + args.seconds
            threads = [threading.Thread(target=session, args=(url, deadline, i, waits, totals, errors, ranks))
                       for i in range(args.sessions)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            for error in errors[:5]:
                print(f"error: {error}")
            report.say(f"`newsdesk chat` on 127.0.0.1 with {model_name}, {args.sessions} concurrent sessions for "
                       f"{args.seconds:.0f} s, each asking the seed questions in a loop; one generation at a time, "
                       "the rest queue (wait: submitted → generation starts).")
            report.say()
            report.table(["answers", "errors", "wait p50 / p95", "answer p50 / p95", "answer mean",
                          "queue places clients were told", "server peak RSS"], [[
                len(totals), len(errors), f"{percentile(waits, 50):.1f} s / {percentile(waits, 95):.1f} s",
                f"{percentile(totals, 50):.1f} s / {percentile(totals, 95):.1f} s",
                f"{statistics.mean(totals) if totals else 0:.1f} s",
                f"{min(ranks, default=0)}–{max(ranks, default=0)}", f"{tree_peak_rss_mb(server.pid):,.0f} MiB"]])
            report.write()
        finally:
            server.terminate()
            server.wait(timeout=60)


if __name__ == "__main__":
    main()
