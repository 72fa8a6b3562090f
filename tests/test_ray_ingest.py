"""Ingestion on a Ray cluster (a head and two worker nodes on 127.0.0.1, started by the test) into a real `chroma run`
server: the stored chunks equal a local ingest's, id for id; a driver killed mid-run is repaired by running it again,
and an embedding actor killed mid-run is restarted by Ray without the run failing: every article stored exactly once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Iterator

import numpy as np
import pytest

from newsdesk.settings import load_settings
from newsdesk.store import open_store
from bench.servers import free_port
from tests.conftest import REPO, SAMPLES, cli_env, run_cli
from tests.test_ingest_crash import corpus

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ray_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from ray.cluster_utils import Cluster

    Path("/tmp/ray").mkdir(exist_ok=True)  # Ray notes the cluster's address there whatever its temp_dir
    cluster = Cluster(initialize_head=True, head_node_args={
        "num_cpus": 1, "include_dashboard": False, "temp_dir": str(tmp_path_factory.mktemp("ray"))})
    for _ in range(2):
        cluster.add_node(num_cpus=1)
    cluster.wait_for_nodes()
    yield cluster.address
    cluster.shutdown()


def stored(chroma_url: str, collection: str) -> dict[str, tuple]:
    """Every chunk as (text, metadata, vector), by id."""
    store = open_store(load_settings({"chroma_url": chroma_url, "collection": collection}, environ={}))
    return {c.chunk_id: (c.text, c, np.asarray(v)) for c, v in store.all_vectors()}


@pytest.fixture(scope="module")
def local_ingest(chroma_server: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The articles, and the collection a local ingest stored them in: what a Ray ingest must equal."""
    folder = tmp_path_factory.mktemp("ray-articles")
    source = folder / "articles.jsonl"
    corpus(source, count=12, paragraphs=8)
    collection = f"ray-local-{uuid.uuid4().hex[:8]}"
    assert run_cli("ingest", str(source), data_dir=folder / "data", NEWSDESK_COLLECTION=collection,
                   NEWSDESK_CHROMA_URL=chroma_server, NEWSDESK_EMBED_BATCH_SIZE="8").code == 0
    return source, collection


def assert_same_as_local(chroma_server: str, remote: str, local: str) -> None:
    mine, theirs = stored(chroma_server, remote), stored(chroma_server, local)
    assert sorted(mine) == sorted(theirs) and len(mine) > 12  # id for id, every article once, several chunks each
    for chunk_id, (text, chunk, vector) in mine.items():
        assert text == theirs[chunk_id][0] and chunk == theirs[chunk_id][1]
        assert np.allclose(vector, theirs[chunk_id][2], atol=1e-5)
    remote_store = open_store(load_settings({"chroma_url": chroma_server, "collection": remote}, environ={}))
    versions = remote_store.article_versions([a.article_id for a in remote_store.articles()])
    assert None not in versions.values() and len(versions) == 12


def test_a_ray_ingest_stores_what_a_local_one_does(ray_cluster: str, chroma_server: str, local_ingest: tuple[Path, str],
                                                   tmp_path: Path) -> None:
    source, local = local_ingest
    remote = f"ray-remote-{uuid.uuid4().hex[:8]}"
    data = tmp_path / "data"
    env = {"NEWSDESK_CHROMA_URL": chroma_server, "NEWSDESK_EMBED_BATCH_SIZE": "8"}
    killed = run_cli("ingest", str(source), "--ray", ray_cluster, data_dir=data, NEWSDESK_COLLECTION=remote,
                     NEWSDESK_FAILPOINT="ingest-between-batches:2", **env)
    assert killed.code == -signal.SIGKILL, killed.stderr  # the driver died after storing some articles
    result = run_cli("ingest", str(source), "--ray", ray_cluster, "--json", data_dir=data, NEWSDESK_COLLECTION=remote,
                     **env)
    assert result.code == 0, result.stderr
    report = result.json()
    assert report["articles_unchanged"] >= 3 and report["articles_added"] + report["articles_unchanged"] == 12
    assert_same_as_local(chroma_server, remote, local)
    again = run_cli("ingest", str(source), "--ray", ray_cluster, "--json", data_dir=data, NEWSDESK_COLLECTION=remote,
                    **env)
    assert again.json()["chunks_written"] == 0  # idempotent, as a local ingest


def processes_named(title: str) -> list[int]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace").startswith(title):
                found.append(int(cmdline.parent.name))
        except OSError:  # gone meanwhile
            continue
    return found


def test_an_embedding_actor_killed_mid_run_is_restarted_and_the_ingest_completes(
    ray_cluster: str, chroma_server: str, local_ingest: tuple[Path, str], tmp_path: Path
) -> None:
    """Ray restarts a killed actor and retries its batch (``max_restarts``, ``max_task_retries``): the run ends
    as if nothing happened, every article stored once."""
    source, local = local_ingest
    remote = f"ray-killed-{uuid.uuid4().hex[:8]}"
    exe = Path(sys.executable).with_name("newsdesk")
    env = cli_env(tmp_path / "data", NEWSDESK_COLLECTION=remote, NEWSDESK_CHROMA_URL=chroma_server,
                  NEWSDESK_EMBED_BATCH_SIZE="8")
    driver = subprocess.Popen([str(exe), "ingest", str(source), "--ray", ray_cluster, "--json"], text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO, env=env)
    killed = None
    deadline = time.monotonic() + 300
    while killed is None and driver.poll() is None and time.monotonic() < deadline:
        busy = processes_named("ray::_EmbeddingActor.embed")  # Ray titles a worker by the call it runs
        if busy:
            killed = busy[0]
            os.kill(killed, signal.SIGKILL)
        time.sleep(0.05)
    out, err = driver.communicate(timeout=600)
    assert killed is not None, f"no embedding actor was seen at work\n{err}"
    assert driver.returncode == 0, err
    assert json.loads(out)["articles_added"] == 12  # stdout holds the report alone, whatever Ray said
    assert_same_as_local(chroma_server, remote, local)


def test_bad_ray_input_is_a_clear_error(tmp_path: Path) -> None:
    stdin = run_cli("ingest", "-", "--ray", data_dir=tmp_path / "data")
    assert stdin.code == 2 and "not stdin" in stdin.stderr and "Traceback" not in stdin.stderr
    address = f"127.0.0.1:{free_port()}"
    unreachable = run_cli("ingest", str(SAMPLES), "--ray", address, data_dir=tmp_path / "data", timeout=60)
    assert unreachable.code == 2 and f"cannot reach the Ray cluster at {address}" in unreachable.stderr
    assert "Traceback" not in unreachable.stderr
