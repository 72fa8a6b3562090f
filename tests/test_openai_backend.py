"""The OpenAI-compatible answer backend against a real server on 127.0.0.1: xllamacpp's HTTP endpoint serving
SmolLM2, started by the test (the same protocol vLLM, llama.cpp's server and Ollama speak)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

import pytest

from newsdesk.qa.llm import LlamaCppLLM
from bench.servers import free_port
from tests.conftest import run_cli


@pytest.fixture(scope="module")
def llm_server(smollm2: Path) -> Iterator[str]:
    llm = LlamaCppLLM(model_path=str(smollm2), threads=1)
    yield llm.listening_address + "/v1"


def test_ask_through_an_openai_compatible_server(seed_store: Path, llm_server: str) -> None:
    result = run_cli("ask", "Who is visiting Pakistan and when?", "--json", "--llm-url", llm_server,
                     "--llm-model", "smollm2", data_dir=seed_store)
    assert result.code == 0, result.stderr
    answer = result.json()
    assert answer["answer"] and isinstance(answer["refused"], bool)
    assert {int(n) for n in re.findall(r"\[(\d+)\]", answer["answer"])} == {c["n"] for c in answer["citations"]}


def test_unreachable_server_is_a_clear_error(seed_store: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    result = run_cli("ask", "Who is visiting Pakistan and when?", "--llm-url", url, data_dir=seed_store)
    assert result.code == 2
    assert "Traceback" not in result.stderr
    assert f"newsdesk: error: the answer server at {url} failed" in result.stderr
