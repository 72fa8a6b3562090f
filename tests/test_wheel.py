"""Newsdesk as a user installs it: a wheel built from the repository, installed with its dependencies into a fresh
virtual environment (not editable) and run from a folder outside the repository, with network access blocked."""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from newsdesk.qa.model_files import smollm2_path
from tests.conftest import NETBLOCK, REPO, SEED_ARTICLE_ID

PACKAGE_DATA = [
    "newsdesk/qa/reorder_model.json",
    "newsdesk/eval/sets/seed.jsonl",
    "newsdesk/eval/sets/claims.jsonl",
    "newsdesk/samples/pakistan-us-partnership.txt",
]
TORCH_WHEELS = Path("/opt/wheels")  # a CPU build of torch, where the machine has one (as in the Makefile)


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 900) -> str:
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, \
        f"{' '.join(args)} exited {proc.returncode}:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
    return proc.stdout


@pytest.mark.slow
def test_wheel_installs_into_a_fresh_venv_and_answers_outside_the_repo(tmp_path: Path) -> None:
    source, wheels = tmp_path / "source", tmp_path / "wheels"  # a copy: no stale build/ folder can leak into the wheel
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "*.egg-info", "__pycache__", "test-artifacts", ".pytest_cache"))
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", str(source),
          "-w", str(wheels)], cwd=tmp_path)
    (wheel,) = wheels.glob("newsdesk-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert {name.split("/")[0] for name in names} == {"newsdesk", wheel.name.split("-py3")[0] + ".dist-info"}, \
        "the wheel must hold one top-level package"
    assert all(data in names for data in PACKAGE_DATA)

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    torch = f"torch=={importlib.metadata.version('torch')}"
    torch_source = ["--find-links", str(TORCH_WHEELS)] if any(TORCH_WHEELS.glob("torch-*.whl")) \
        else ["--index-url", "https://download.pytorch.org/whl/cpu"]
    install_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    _run([*pip, torch, *torch_source], cwd=tmp_path, env=install_env)
    _run([*pip, str(wheel)], cwd=tmp_path, env=install_env)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in install_env.items() if not k.startswith("NEWSDESK_")}
    env.update(PYTHONPATH=str(NETBLOCK), NEWSDESK_DATA_DIR=str(tmp_path / "data"),
               NEWSDESK_LLM_GGUF=str(smollm2_path()))
    python, newsdesk = str(venv / "bin" / "python"), str(venv / "bin" / "newsdesk")

    where = _run([python, "-c", "import importlib.util, newsdesk.qa.engine as e; print(e.__file__); "
                  "print([n for n in ('qa', 'ui', 'eval', 'ingest') if importlib.util.find_spec(n)])"], elsewhere, env)
    engine_file, top_level = where.splitlines()
    assert Path(engine_file).is_relative_to(venv) and top_level == "[]"
    assert "ingest" in _run([python, "-m", "newsdesk", "--help"], elsewhere, env)

    ingested = json.loads(_run([newsdesk, "ingest", "--samples", "--json"], elsewhere, env))
    assert ingested["articles_added"] == 1 and ingested["articles_failed"] == 0

    answer = json.loads(_run([newsdesk, "ask", "Who is visiting Pakistan and when?", "--json"], elsewhere, env))
    assert not answer["refused"] and answer["answer"]
    assert answer["citations"] and {c["article_id"] for c in answer["citations"]} == {SEED_ARTICLE_ID}

    metrics = json.loads(_run([newsdesk, "eval", "seed", "--retrieval-only", "--json"], elsewhere, env))
    assert metrics["n"] == 13 and metrics["retrieval"]["hits@4"] == 1.0
