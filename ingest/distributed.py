"""Ingestion on a Ray cluster: sources are read and cleaned in Ray tasks (one a source), chunks and their sentences
are embedded by a pool of Ray actors (one MiniLM each, on a GPU where the cluster has them), and the driver does
the rest as a local ingest does (``Ingestor``): the same article ids, the same skipping of unchanged articles, the
same writes (an article with all its chunks, its content hash last), so a run killed anywhere is repaired by
running it again. Embedding is the cost of an ingest (about nine chunks a second on this machine's CPU): that is
what the actors spread.
"""

from __future__ import annotations

import logging
import socket
from typing import Any, Iterator, Sequence

import numpy as np
import ray

from newsdesk.articles import Article
from newsdesk.embedding import MiniLMEmbedding
from newsdesk.ingest.sources import Problem, SourceOptions, read_sources

log = logging.getLogger(__name__)
REACH_SECONDS = 5.0


class _EmbeddingActor:
    """One MiniLM, loaded once in its Ray worker."""

    def __init__(self, batch_size: int) -> None:
        self._model = MiniLMEmbedding(batch_size)

    def embed(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._model.embed(texts), dtype=np.float32)


def _read(path: str, options: SourceOptions) -> list[Article | Problem]:
    return list(read_sources([path], options))


class RayEmbedder:
    """What ``Ingestor`` embeds with, each batch split over the actors and embedded at once. Token counting (for
    chunking) stays in the driver, with a local copy of the same model's tokenizer."""

    def __init__(self, local: MiniLMEmbedding, actors: int) -> None:
        self.embed_batch_size = local.embed_batch_size * actors
        self.count_tokens = local.count_tokens
        gpus = ray.cluster_resources().get("GPU", 0)
        remote = ray.remote(num_cpus=1, num_gpus=1 if gpus >= actors else 0, max_restarts=3,
                            max_task_retries=3)(_EmbeddingActor)
        self._actors = [remote.remote(local.embed_batch_size) for _ in range(actors)]
        log.info("ray: %d embedding actors%s", actors, " on GPUs" if gpus >= actors else "")

    def embed(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        size = -(-len(texts) // len(self._actors))
        parts = [texts[i : i + size] for i in range(0, len(texts), size)]
        done = ray.get([actor.embed.remote(part) for actor, part in zip(self._actors, parts)])
        return [row for block in done for row in block.tolist()]


def start(address: str | None) -> Any:
    """Connect to the cluster at ``address`` (``host:port`` or ``ray://host:10001``), or start one on this machine
    when None. Raises ValueError saying what to check when the cluster cannot be reached: first by a plain TCP
    connection (``ray.init`` retries an unreachable address for minutes)."""
    if address is not None:
        host, _, port = address.removeprefix("ray://").rpartition(":")
        try:
            socket.create_connection((host or "127.0.0.1", int(port)), timeout=REACH_SECONDS).close()
        except (OSError, ValueError) as exc:
            raise ValueError(f"cannot reach the Ray cluster at {address} ({exc}); start one with `ray start --head`, "
                             "or leave the address out to run Ray on this machine") from None
    try:
        return ray.init(address=address, logging_level=logging.WARNING, log_to_driver=False,
                        include_dashboard=False if address is None else None)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise ValueError(f"cannot reach the Ray cluster at {address}: {exc}; start one with `ray start --head`, "
                         "or leave the address out to run Ray on this machine") from None


def stop() -> None:
    """Disconnect from the cluster (and stop the one ``start`` ran on this machine), so that nothing Ray reports
    arrives after the ingest's report."""
    ray.shutdown()


def read_on_cluster(paths: Sequence[str], options: SourceOptions) -> Iterator[Article | Problem]:
    """Every article of the given sources, read and cleaned in Ray tasks, in the order of the sources."""
    task = ray.remote(num_cpus=0)(_read)  # light next to embedding; the actors may hold every CPU of the cluster
    pending = [task.remote(path, options) for path in paths]
    for result in pending:
        yield from ray.get(result)
