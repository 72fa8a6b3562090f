"""Answer quality: the eval sets a change must not break, each run fresh through `newsdesk eval` with the default
models, summarised in one table.

    .venv/bin/python bench/quality.py [--sets seed,claims,injected,multihop-100] [--write-docs]

seed: the bundled seed questions over the sample article; claims: the adversarial yes/no and false-premise set
over the MultiHop-RAG articles and the sample; injected: questions over articles carrying injected instructions;
multihop-100: a stratified sample of 100 MultiHop-RAG dev questions (seed 7). Each run writes its own folder
(report.md, report.html, plots) under a temporary directory, printed as it finishes. About 35 minutes for all four
here, most of it the MultiHop-RAG sample.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import newsdesk  # noqa: F401  (sets the offline environment)
from newsdesk.eval.sets import BUNDLED_SETS
from newsdesk.samples import SEED_ARTICLE
from doc_section import Report

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "eval" / "multihop-rag"
ARTICLES = SHARED / "articles.jsonl"
SETS: dict[str, tuple[str, list[str]]] = {
    "seed": ("seed", ["--articles", str(SEED_ARTICLE)]),
    "claims": ("claims", ["--articles", str(ARTICLES), "--articles", str(SEED_ARTICLE)]),
    "injected": ("injected", ["--articles", str(BUNDLED_SETS / "injected-articles.jsonl")]),
    "multihop-100": (str(SHARED / "questions.dev.jsonl"),
                     ["--articles", str(ARTICLES), "--sample", "100", "--seed", "7"]),
}
COLUMNS = ["accuracy", "yes_no_accuracy", "false_confirmation_rate", "refusal_accuracy", "false_refusal_rate",
           "citation_precision"]


def figure(value: object) -> str:
    return "-" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated, of: " + ", ".join(SETS))
    parser.add_argument("--write-docs", action="store_true", help="write the figures into docs/benchmarks.md")
    args = parser.parse_args()
    chosen = [name.strip() for name in args.sets.split(",")]
    unknown = [name for name in chosen if name not in SETS]
    if unknown:
        parser.error(f"unknown set(s) {', '.join(unknown)}; choose from {', '.join(SETS)}")
    report = Report("answer-quality", "Answer quality", args.write_docs)
    newsdesk_cli = Path(sys.executable).with_name("newsdesk")
    rows = []
    with tempfile.TemporaryDirectory(prefix="newsdesk-quality-") as runs:
        for name in chosen:
            target, options = SETS[name]
            out = Path(runs) / name
            done = subprocess.run([str(newsdesk_cli), "eval", target, *options, "--json", "--out", str(out)],
                                  capture_output=True, text=True)
            if done.returncode:
                sys.exit(f"{name}: newsdesk eval failed:\n{done.stderr[-3000:]}")
            metrics = json.loads(done.stdout)
            answers = metrics["answers"]
            by_type = metrics.get("by_type", {})
            rows.append([name, metrics["n"], *(figure(answers.get(c)) for c in COLUMNS),
                         "; ".join(f"{t} {figure(m['answers'].get('accuracy'))}" for t, m in sorted(by_type.items()))])
            print(f"{name}: {' '.join(str(c) for c in rows[-1][1:])}", flush=True)
    report.say("`newsdesk eval` with the default models (Qwen2.5-Coder-1.5B, MiniLM), each set run fresh. "
               "Accuracy is strict, on the short answer; false_confirmation_rate is the share of questions whose "
               "gold answer is \"No\" or a refusal that were answered \"Yes\" or as if true. Latency: the "
               "answer latency section.")
    report.say()
    report.table(["set", "n", *COLUMNS, "accuracy by question type"], rows)
    report.say()
    report.say("Sets: " + "; ".join(f"{name} = `newsdesk eval {' '.join([SETS[name][0], *SETS[name][1]])}`"
                                    .replace(f"{REPO}/", "").replace(str(REPO.parent), "..") for name in chosen) + ".")
    report.write()


if __name__ == "__main__":
    main()
