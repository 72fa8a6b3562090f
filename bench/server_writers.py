"""Server write benchmark: how many rows a `chroma run` server stores per second from one writer and from several.

    .venv/bin/python bench/server_writers.py [--writers 1,2,4] [--batches 160]

The question it answers: would an ingest that wrote to the server from several threads at once (the Ray ingest's
driver writes from one) fill a large server store faster? Each round adds ``--batches`` batches of 64 rows (384-d
unit vectors, a chunk-sized document, two metadata fields, as a chunk batch of the ingest) to a new collection of
one server, split among that many writer threads, each with its own client; the server's CPU share over the round
is printed beside its rows per second.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from pathlib import Path

import chromadb
import numpy as np

from servers import ChromaServer

BATCH = 64
DOCUMENT = "A sentence of a news article, about as long as one chunk holds. " * 16


def batches(prefix: str, count: int, rng: np.random.Generator) -> list[tuple[list[str], list, list[str], list[dict]]]:
    made = []
    for b in range(count):
        vectors = rng.standard_normal((BATCH, 384)).astype("float32")
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        made.append(([f"{prefix}-{b}-{i}" for i in range(BATCH)], vectors.tolist(), [DOCUMENT] * BATCH,
                     [{"article": f"{prefix}-{b}", "chunk": i} for i in range(BATCH)]))
    return made


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100  # utime + stime, in clock ticks of 1/100 s


def round_of(server: ChromaServer, writers: int, work: list, name: str) -> tuple[float, float]:
    """Rows per second and the server's CPU share (1.0 = one core) while ``writers`` threads add ``work``."""
    host, port = server.url.removeprefix("http://").split(":")
    chromadb.HttpClient(host=host, port=int(port)).create_collection(
        name, embedding_function=None, metadata={"hnsw:space": "cosine"})

    def write(part: list) -> None:
        collection = chromadb.HttpClient(host=host, port=int(port)).get_collection(name, embedding_function=None)
        for ids, vectors, documents, metadatas in part:
            collection.add(ids=ids, embeddings=vectors, documents=documents, metadatas=metadatas)

    assert server.proc is not None
    threads = [threading.Thread(target=write, args=(work[i::writers],)) for i in range(writers)]
    cpu, started = cpu_seconds(server.proc.pid), time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    return len(work) * BATCH / seconds, (cpu_seconds(server.proc.pid) - cpu) / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writers", default="1,2,4", help="writer threads of each round, comma-separated")
    parser.add_argument("--batches", type=int, default=160, help="batches of 64 rows written in each round")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as folder, ChromaServer(Path(folder) / "chroma") as server:
        print("| writers | rows / s | server CPU (cores) |\n|---|---|---|")
        for n, writers in enumerate(int(w) for w in args.writers.split(",")):
            rows_s, cores = round_of(server, writers, batches(f"r{n}", args.batches, rng), f"round{n}")
            print(f"| {writers} | {rows_s:,.0f} | {cores:.2f} |", flush=True)


if __name__ == "__main__":
    main()
