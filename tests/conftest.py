"""Shared fixtures: isolated data dirs, the real models, and a CLI runner; outside network access is blocked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SAMPLES = REPO / "samples"
SEED_ARTICLE_ID = "seed-pakistan-us-partnership"
NETBLOCK = Path(__file__).resolve().parent / "netblock"

sys.path.insert(0, str(NETBLOCK))
import sitecustomize  # noqa: E402,F401  (blocks outside network access in this process too)

from bench.servers import ChromaServer  # noqa: E402
from newsdesk.qa.model_files import smollm2_path  # noqa: E402


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    def json(self) -> object:
        return json.loads(self.stdout)


def cli_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    env.update(
        PYTHONPATH=str(NETBLOCK),
        NEWSDESK_DATA_DIR=str(data_dir),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def run_cli(*args: str, data_dir: Path, timeout: float = 600, **env: str) -> CliResult:
    """Run the real `newsdesk` console script in its own process, as an operator would."""
    exe = Path(sys.executable).with_name("newsdesk")
    proc = subprocess.run(
        [str(exe), *args], capture_output=True, text=True, timeout=timeout, env=cli_env(data_dir, **env), cwd=REPO
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `chroma run` server on 127.0.0.1, started for this test session."""
    path = tmp_path_factory.mktemp("chroma-server")
    with ChromaServer(path / "chroma", log=path / "server.log") as server:
        yield server.url


@pytest.fixture(params=["embedded", "server"])
def store_env(request: pytest.FixtureRequest) -> dict[str, str]:
    """Environment for a CLI run against the embedded store, or against the Chroma server (own collection)."""
    if request.param == "embedded":
        return {}
    url = request.getfixturevalue("chroma_server")
    return {"NEWSDESK_CHROMA_URL": url, "NEWSDESK_COLLECTION": f"test-{uuid.uuid4().hex[:12]}"}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture(scope="session")
def smollm2() -> Path:
    return smollm2_path()


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir holding the bundled sample articles, ingested once by the real CLI."""
    data_dir = tmp_path_factory.mktemp("seed") / "data"
    result = run_cli("ingest", str(SAMPLES), data_dir=data_dir)
    assert result.code == 0, result.stderr
    return data_dir
