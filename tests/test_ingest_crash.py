"""Crash safety: SIGKILL `newsdesk ingest` mid-run, run it again, and every article is stored exactly once with
no orphan or stale chunks — for a first ingest and for an update that shrinks articles."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import REPO, cli_env, run_cli

PARAGRAPH = (
    "Officials in {town} said on {day} that the new water plant would serve {n} homes by spring. "
    "The council approved the budget after a long debate, and engineers began work on the pipes. "
    "Residents welcomed the plan but asked for regular updates on the cost and the timetable of the project."
)


def corpus(path: Path, count: int, paragraphs: int) -> None:
    lines = []
    for i in range(count):
        text = "\n\n".join(PARAGRAPH.format(town=f"Town{i}", day=f"day {p}", n=100 * i + p) for p in range(paragraphs))
        lines.append(json.dumps({"id": f"a{i:03d}", "title": f"Water plant for Town{i}", "source": "Wire", "text": text}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def ingest_killed(source: Path, data_dir: Path, failpoint: str) -> None:
    """Run an ingest that SIGKILLs itself at the given NEWSDESK_FAILPOINT, and check that it really died."""
    result = run_cli("ingest", str(source), data_dir=data_dir, NEWSDESK_FAILPOINT=failpoint, NEWSDESK_EMBED_BATCH_SIZE="4")
    assert result.code == -signal.SIGKILL, f"the failpoint {failpoint} was not reached: {result.stderr}"


def kill_from_outside(source: Path, data_dir: Path, delay: float) -> None:
    """Start an ingest, wait for its first stored batch, then SIGKILL it after `delay` seconds."""
    exe = Path(sys.executable).with_name("newsdesk")
    proc = subprocess.Popen(
        [str(exe), "ingest", str(source)], env=cli_env(data_dir, NEWSDESK_EMBED_BATCH_SIZE="16"), cwd=REPO,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    assert proc.stderr is not None
    for line in proc.stderr:
        if line.startswith("ingest:"):
            break
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)


STORE_STATE = """
import json, sys
from newsdesk.settings import load_settings
from newsdesk.store import open_store
store = open_store(load_settings({"data_dir": sys.argv[1]}, environ={}))
texts = {c.article_id + "#" + str(c.index): c.text for a in store.articles() for c in store.chunks_of(a.article_id)}
print(json.dumps({"versions": store.article_versions([a.article_id for a in store.articles()]), "count": store.count(),
                  "listed": sum(a.chunks for a in store.articles()), "texts": texts}))
"""


def store_state(data_dir: Path) -> dict:
    """Read the store in a fresh process, as the next command would (no client state shared with the writers)."""
    proc = subprocess.run([sys.executable, "-c", STORE_STATE, str(data_dir)], capture_output=True, text=True,
                          env=cli_env(data_dir), cwd=REPO, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def assert_stored_exactly_once(data_dir: Path, expected_ids: set[str]) -> dict:
    state = store_state(data_dir)
    assert set(state["versions"]) == expected_ids
    assert None not in state["versions"].values(), "an article has missing, extra or mixed-version chunks"
    assert state["count"] == state["listed"] == len(state["texts"])
    return state


def test_killed_ingest_is_repaired_by_running_it_again(data_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "articles.jsonl"
    corpus(source, count=30, paragraphs=4)
    ingest_killed(source, data_dir, "ingest-between-batches:5")
    ingest_killed(source, data_dir, "store-between-upsert-and-delete:3")
    kill_from_outside(source, data_dir, delay=random.Random(7).uniform(0.0, 1.0))
    final = run_cli("ingest", str(source), "--json", data_dir=data_dir)
    assert final.code == 0, final.stderr
    ids = {f"a{i:03d}" for i in range(30)}
    assert_stored_exactly_once(data_dir, ids)
    assert run_cli("ingest", str(source), "--json", data_dir=data_dir).json()["chunks_written"] == 0

    corpus(source, count=30, paragraphs=2)  # every article changes and loses chunks: leftovers must go
    ingest_killed(source, data_dir, "store-between-upsert-and-delete:2")  # new chunks written, old ones not yet gone
    ingest_killed(source, data_dir, "ingest-between-batches:4")
    final = run_cli("ingest", str(source), "--json", data_dir=data_dir)
    assert final.code == 0, final.stderr
    done = final.json()
    assert done["articles_unchanged"] > 0 and done["articles_updated"] + done["articles_unchanged"] == 30
    state = assert_stored_exactly_once(data_dir, ids)
    assert not any("day 3" in text for text in state["texts"].values()), "stale chunks of the old version remain"
