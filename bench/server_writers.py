"""Server write benchmark: how fast a `chroma run` server stores chunks from one writer and from several at once.

    .venv/bin/python bench/server_writers.py [--writers 1,2,4] [--copies 1]

The question it answers: would an ingest that wrote to the server from several threads at once (the Ray ingest's
driver writes from one) fill a large server store faster? Each round writes ``--copies`` copies of the MultiHop-RAG
corpus (the cached eval store; 6,911 chunks a copy, vectors not embedded again: ``store_copies``) through
``ArticleStore.write_articles``, the ingest's own write, with the sentence vectors beside their chunks, into one
server; its articles are dealt among that many writer threads, each with a store of its own. Printed per round:
chunks per second and the server's CPU share over the round (1.0 = one core).
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from pathlib import Path

import newsdesk  # noqa: F401  (sets the offline environment)
from newsdesk.settings import load_settings
from newsdesk.store import open_store
from scale import NOISE, corpus_store
from servers import ChromaServer
from store_copies import copies_of, read_corpus, write


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100  # utime + stime, in clock ticks of 1/100 s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--writers", default="1,2,4", help="writer threads of each round, comma-separated")
    parser.add_argument("--copies", type=int, default=1, help="copies of the corpus each round writes")
    args = parser.parse_args()
    base = load_settings({"sentence_search": False})
    corpus = read_corpus(corpus_store(base))
    copy = 1
    with tempfile.TemporaryDirectory() as folder, ChromaServer(Path(folder) / "chroma") as server:
        assert server.proc is not None
        settings = base.replace(data_dir=Path(folder), chroma_url=server.url, collection="writers")
        open_store(settings)  # the collection made once, before the threads
        print("| writers | chunks | chunks / s | server CPU (cores) |\n|---|---|---|---|", flush=True)
        for writers in (int(w) for w in args.writers.split(",")):
            articles = [a for c in range(copy, copy + args.copies) for a in copies_of(corpus, c, NOISE)]
            copy += args.copies
            stores = [open_store(settings) for _ in range(writers)]
            written = [0] * writers

            def run(n: int) -> None:
                written[n] = write(stores[n], iter(articles[n::writers]), f"writer{n}")

            threads = [threading.Thread(target=run, args=(n,)) for n in range(writers)]
            cpu, started = cpu_seconds(server.proc.pid), time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            seconds = time.perf_counter() - started
            cores = (cpu_seconds(server.proc.pid) - cpu) / seconds
            print(f"| {writers} | {sum(written):,} | {sum(written) / seconds:,.0f} | {cores:.2f} |", flush=True)


if __name__ == "__main__":
    main()
