"""Past one machine: the API served by two worker processes on one address, over one `chroma run` server and one
answer server with two slots (xllamacpp's HTTP endpoint serving SmolLM2), under twenty readers at once."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterator

import pytest

from newsdesk.qa.llm import LlamaCppLLM
from bench.servers import free_port
from tests.conftest import REPO, cli_env, run_cli

QUESTIONS = [
    "Who is visiting Pakistan and when?", "What will Robinson discuss with officials?",
    "How did Ned Price describe the relationship?", "Which newspaper did the senior Pakistani diplomat talk to?",
    "Is Todd Robinson visiting India?",
]


@pytest.fixture(scope="module")
def answer_server(smollm2: Path) -> Iterator[str]:
    llm = LlamaCppLLM(model_path=str(smollm2), threads=1, slots=2)
    yield llm.listening_address + "/v1"


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_two_api_workers_over_one_chroma_server_and_one_answer_server(
    chroma_server: str, answer_server: str, tmp_path: Path
) -> None:
    env = {"NEWSDESK_CHROMA_URL": chroma_server, "NEWSDESK_COLLECTION": f"workers-{uuid.uuid4().hex[:8]}",
           "NEWSDESK_LLM_URL": answer_server, "NEWSDESK_LLM_MODEL": "smollm2"}
    data_dir = tmp_path / "data"
    assert run_cli("ingest", "--samples", data_dir=data_dir, **env).code == 0
    port = free_port()
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("newsdesk")), "chat", "--workers", "2", "--port", str(port)],
        env=cli_env(data_dir, **env), cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}/v1/"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                urllib.request.urlopen(url + "models", timeout=2)
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, proc.stdout.read() if proc.stdout else ""
                time.sleep(0.5)
        assert len(_children(proc.pid)) >= 2  # the workers (and uvicorn's process watching them)

        def reader(number: int) -> dict:
            body = {"model": "newsdesk", "messages": [{"role": "user", "content": QUESTIONS[number % len(QUESTIONS)]}]}
            request = urllib.request.Request(url + "chat/completions", json.dumps(body).encode(),
                                             {"Content-Type": "application/json"})
            return json.loads(urllib.request.urlopen(request, timeout=600).read())

        with ThreadPoolExecutor(max_workers=20) as pool:
            replies = list(pool.map(reader, range(20)))
        assert len(replies) == 20  # every reader answered: an error would have raised
        for reply in replies:
            extra = reply["newsdesk"]
            assert reply["choices"][0]["message"]["content"] and isinstance(extra["refused"], bool)
        claim = [r for i, r in enumerate(replies) if QUESTIONS[i % len(QUESTIONS)].startswith("Is Todd")]
        assert all(r["newsdesk"]["verdict"] == "no" for r in claim)  # decided in code, on every worker
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def test_workers_need_servers_to_share(tmp_path: Path) -> None:
    result = run_cli("chat", "--workers", "2", data_dir=tmp_path / "data")
    assert result.code == 2 and "--workers 2 needs --chroma-url and --llm-url" in result.stderr
    feeds = run_cli("chat", "--workers", "2", "--chroma-url", "http://127.0.0.1:9", "--llm-url", "http://127.0.0.1:9/v1",
                    "--watch", "http://127.0.0.1:9/feed.xml", data_dir=tmp_path / "data")
    assert feeds.code == 2 and "one `newsdesk watch` process beside it" in feeds.stderr
