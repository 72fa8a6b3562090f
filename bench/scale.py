"""Cost growth benchmark: what a store of 10k, 100k or 1M chunks costs to write, update, search and hold, with
embedded Chroma and with a `chroma run` server.

    .venv/bin/python bench/scale.py [--sizes 10000,100000] [--modes embedded,server] [--sentences beside]
                                    [--questions 100] [--force] [--write-in-process] [--write-docs]

Each store is the MultiHop-RAG corpus (the cached eval store, ingested the first time) written again under other
article ids until it holds at least the size, its chunk and sentence vectors nudged by small noise instead of being
embedded again (``store_copies``), through the ingest's own ``write_articles`` and keyword index update. Stores
are kept under the data dir (``bench-scale/``) and reused when complete. For each size and mode:

- **write**: seconds per 1,000 chunks to store the copies (Chroma writes of chunks and sentences) and to index them
  (the keyword index updated after each copy, about 14k chunks, as a long ingest does), embedding aside; peak RSS
  of that process (and of the server);
- **update**: 20 more articles stored and made searchable: their Chroma writes, the ingest's index update and a
  reader's reload (removed again afterwards);
- **retrieval**: the whole ``Newsdesk.retrieve`` over ``--questions`` MultiHop-RAG dev questions after a warm-up,
  p50 / p95, in a fresh process (as a web worker starts), with its peak RSS and the server's;
- **start**: what a web worker reads before its first page: the keyword index loaded and the article list
  (``ArticleStore.articles``: the chat's examples, source filter and library);
- **disk**: the store's folder (Chroma and the keyword index).

``--write-in-process`` builds a server store with an embedded client writing into the folder the `chroma run`
server then serves (the same files): a server takes its writes on one core, whatever the writers
(``bench/server_writers.py``), about 8 s per 1,000 chunks near 10^6 here, so a 10^6 server store takes 2 h 45 min
to build through it and about two hours this way. The serving columns are the server's all the same; the report
marks the build columns of such a store as the in-process writer's.

``--sentences beside`` builds stores that keep the sentence vectors beside their chunks (``sentence_search = false``)
instead of in a collection of their own, and reports them in a section and plot of their own.

Each step runs in its own process, so each peak RSS is that step's. A size whose build would need more memory than
the machine has (on the line through the two largest sizes measured in its mode) is not run, and the report says so;
``--force`` builds it all the same (the line overestimates: the embedded beside build of 10^6 chunks was predicted
at 18,935 MiB and peaked at 7,929 MiB).

A run need not measure every size: the figures of each size and mode are kept in ``docs/scale.json`` (or
``docs/scale-beside.json``) with the commit that measured them, and ``--write-docs`` reports them all, a size and
mode measured again replacing its earlier figures, so one more size is an hour's work rather than a day's.
"""

from __future__ import annotations

import argparse
import datetime
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import newsdesk  # noqa: F401  (sets the offline environment)
from doc_section import REPO, Report, current_commit
from newsdesk.embedding import MiniLMEmbedding
from newsdesk.eval.corpus import store_for_articles
from newsdesk.eval.metrics import percentile
from newsdesk.eval.sets import load_set
from newsdesk.keyword_index import KeywordIndex
from newsdesk.qa.engine import Newsdesk, settle_loaded_objects
from newsdesk.settings import Settings, load_settings
from newsdesk.store import ArticleStore, open_store
from retrieval import SHARED, no_llm
from store_copies import copies_of, read_corpus, write
from servers import ChromaServer

NOISE = 0.002  # per dimension: a copy's vectors keep cosine ~0.999 to the original's
UPDATE_ARTICLES = 20
KEPT = {"collection": "in a collection of their own", "beside": "beside their chunks (`sentence_search = false`)"}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def disk_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6


def settings_for(base: Settings, size: int, mode: str, chroma_url: str | None) -> Settings:
    """``base.sentence_search`` says how the sentence vectors are kept; a store of each kind has its own folder."""
    folder = base.data_dir / "bench-scale" / f"{mode}-{size}{'' if base.sentence_search else '-beside'}"
    return base.replace(data_dir=folder, chroma_url=chroma_url, collection="scale")


def corpus_store(base: Settings) -> ArticleStore:
    """The MultiHop-RAG eval store the copies are made of: the one ``newsdesk eval`` uses, whatever the copies keep."""
    return open_store(store_for_articles(base.replace(sentence_search=True), [SHARED / "articles.jsonl"]))


def build(base: Settings, size: int, mode: str, chroma_url: str | None) -> dict:
    """Write the copies and build the keyword index; figures of this process."""
    source = corpus_store(base)
    settings = settings_for(base, size, mode, chroma_url)
    store = open_store(settings)
    corpus = read_corpus(source)
    copies = -(-size // source.count())
    index = KeywordIndex(settings.keyword_index_path)
    writing = indexing = 0.0
    written = 0
    for copy in range(copies):
        articles = list(copies_of(corpus, copy, NOISE))
        started = time.perf_counter()
        written += write(store, iter(articles), f"copy{copy}")
        writing += time.perf_counter() - started
        started = time.perf_counter()
        index.update(store, [a.chunks[0].article_id for a in articles])  # as an ingest does, every ~14k chunks
        indexing += time.perf_counter() - started
        print(f"  {written:,} chunks written, {writing:.0f}s; indexed, {indexing:.0f}s", file=sys.stderr, flush=True)
    peak = peak_rss_mb()  # the build's: before the sentences are counted, here a read of every chunk's metadata
    return {"chunks": store.count(), "sentences": store.sentence_count(), "write_s": writing, "index_s": indexing,
            "build_rss_mb": peak}


def measure(base: Settings, size: int, mode: str, chroma_url: str | None, questions: int) -> dict:
    """Retrieval and an update of ``UPDATE_ARTICLES`` articles over the built store, in a fresh process."""
    settings = settings_for(base, size, mode, chroma_url)
    store = open_store(settings)
    reader = KeywordIndex(settings.keyword_index_path)
    started = time.perf_counter()
    reader.ensure_current(store)
    load_s = time.perf_counter() - started
    embed = MiniLMEmbedding(settings.embed_batch_size, settings.cache_dir)
    desk = Newsdesk(settings, store, embed, no_llm, keyword_index=reader)
    asked = [q.question for q in load_set(str(SHARED / "questions.dev.jsonl"))[0] if q.question][:questions]
    for question in asked[:10]:  # warm-up: models loaded, first queries
        desk.retrieve(question)
    settle_loaded_objects()
    ms = []
    for question in asked:
        started = time.perf_counter()
        desk.retrieve(question)
        ms.append((time.perf_counter() - started) * 1000)
    serving_rss = peak_rss_mb()
    started = time.perf_counter()
    store.articles()  # what the web chat lists as its page is built (examples, source filter, library)
    articles_s = time.perf_counter() - started

    source = corpus_store(base)
    fresh = list(copies_of(read_corpus(source)[:UPDATE_ARTICLES], 10**6, NOISE))  # ids no copy has
    ids = [a.chunks[0].article_id for a in fresh]
    writer = KeywordIndex(settings.keyword_index_path)
    writer.ensure_current(store)
    started = time.perf_counter()
    added = write(store, iter(fresh), "fresh")
    write_s = time.perf_counter() - started
    started = time.perf_counter()
    writer.update(store, ids)
    update_s = time.perf_counter() - started
    started = time.perf_counter()
    reader.ensure_current(store)
    reload_s = time.perf_counter() - started
    found = all(any(i.startswith(f"{a.chunks[0].article_id}#") for i, _ in
                    reader.search(f"{a.chunks[0].title} {a.chunks[0].source}", 200)) for a in fresh)
    for article_id in ids:
        store.remove_article(article_id)
    writer.update(store, ids)
    return {"load_s": load_s, "articles_s": articles_s, "p50_ms": percentile(ms, 50), "p95_ms": percentile(ms, 95),
            "max_ms": max(ms), "serving_rss_mb": serving_rss, "update_chunks": added, "update_write_s": write_s,
            "update_index_s": update_s, "update_reload_s": reload_s, "update_found": found,
            "questions": len(ms)}


def step(kind: str, args: argparse.Namespace, size: int, mode: str, chroma_url: str | None) -> dict:
    """Run one step in a process of its own and return its figures."""
    command = [sys.executable, __file__, "--step", kind, "--size", str(size), "--mode", mode,
               "--questions", str(args.questions)]
    command += ["--data-dir", str(args.data_dir)] if args.data_dir else []
    command += ["--sentences", args.sentences]
    command += ["--chroma-url", chroma_url] if chroma_url else []
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_size(args: argparse.Namespace, base: Settings, size: int, mode: str) -> dict:
    folder = settings_for(base, size, mode, None).data_dir
    record = folder / "build.json"
    # the server serves the folder an embedded store of these settings writes: a store built in-process is its own
    server = ChromaServer(settings_for(base, size, mode, None).chroma_path) if mode == "server" else None
    figures: dict = json.loads(record.read_text()) if record.exists() else {}
    if not figures:
        print(f"building {mode} store of {size:,} chunks…", flush=True)
        built_at = current_commit()  # as the step starts: the code it runs, whatever changes while it runs
        if server and args.write_in_process:
            figures = step("build", args, size, mode, None) | {"written_in_process": True}
        elif server:
            with server:
                figures = step("build", args, size, mode, server.url)
                figures["build_server_rss_mb"] = server.peak_rss_mb()
        else:
            figures = step("build", args, size, mode, None)
        figures["built_at"] = built_at
        record.write_text(json.dumps(figures))
    print(f"measuring {mode} store of {figures['chunks']:,} chunks…", flush=True)
    measured_at = current_commit()
    if server:
        with server:
            figures |= step("measure", args, size, mode, server.url)
            figures["serving_server_rss_mb"] = server.peak_rss_mb()
    else:
        figures |= step("measure", args, size, mode, None)
    figures["disk_mb"] = disk_mb(folder)
    figures |= {"mode": mode, "size": size, "measured": f"{datetime.date.today().isoformat()} at {measured_at}"}
    return figures


def figures_file(sentences: str) -> Path:
    return REPO / "docs" / ("scale-beside.json" if sentences == "beside" else "scale.json")


def with_earlier(path: Path, results: list[dict]) -> list[dict]:
    """This run's figures and those of earlier runs for the sizes and modes it did not measure."""
    earlier = json.loads(path.read_text()) if path.exists() else []
    measured = {(f["mode"], f["size"]) for f in results}
    return [f for f in earlier if (f["mode"], f["size"]) not in measured] + results


def memory_mb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024
    return float("inf")


def predicted_build_mb(done: list[dict], mode: str, size: int) -> float | None:
    """The build's peak memory (process and server) at ``size``, on the line through the two largest sizes measured
    in this mode (what a chunk adds, above what any build holds); None before two sizes are measured."""
    measured = sorted((f for f in done if f["mode"] == mode), key=lambda f: f["chunks"])[-2:]
    if len(measured) < 2:
        return None
    (a, b) = ((f["chunks"], f["build_rss_mb"] + f.get("build_server_rss_mb", 0.0)) for f in measured)
    per_chunk = (b[1] - a[1]) / (b[0] - a[0])
    return b[1] + per_chunk * (size - b[0])


def plot(results: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import NullFormatter

    panels = [
        ("retrieval p95 (ms)", lambda f: f["p95_ms"]),
        ("peak RSS serving, process + server (MiB)", lambda f: f["serving_rss_mb"] + f.get("serving_server_rss_mb", 0)),
        ("write + index build (s per 1,000 chunks)", lambda f: (f["write_s"] + f["index_s"]) / f["chunks"] * 1000),
        ("disk (MB)", lambda f: f["disk_mb"]),
    ]
    fig, axes = plt.subplots(2, 2, figsize=(9, 7))
    for axis, (title, value) in zip(axes.flat, panels):
        for mode in sorted({f["mode"] for f in results}):
            rows = sorted((f for f in results if f["mode"] == mode), key=lambda f: f["chunks"])
            axis.plot([f["chunks"] for f in rows], [value(f) for f in rows], marker="o", label=mode)
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.xaxis.set_minor_formatter(NullFormatter())  # labels at the powers of ten only: they overlap otherwise
        axis.set_title(title, fontsize=10)
        axis.set_xlabel("chunks")
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def report(args: argparse.Namespace, results: list[dict], skipped: list[str]) -> None:
    beside = args.sentences == "beside"
    section = Report("scale-beside" if beside else "scale",
                     "Cost growth, sentence vectors beside their chunks" if beside else "Cost growth: 10k to 1M chunks",
                     args.write_docs)
    plot_path = REPO / "docs" / ("scale-beside.png" if beside else "scale.png")
    section.say(f"Sentence vectors kept {KEPT[args.sentences]}. "
                f"The MultiHop-RAG corpus written again under other ids (vectors nudged, not embedded) to each size; "
                f"retrieval over {args.questions} dev questions in a fresh process after a warm-up; the update is "
                f"{UPDATE_ARTICLES} more articles stored, indexed and reloaded by a reader. RSS is each step's peak; "
                "in server mode the `chroma run` server's is given after the `+`. All on this machine's 2 cores.")
    section.say()
    in_process = [f for f in results if f.get("written_in_process")]
    section.table(
        ["mode", "chunks", "sentences", "write s / 1k chunks", "index updates s", "build peak RSS",
         "update: write / index / reload s", "retrieval p50 / p95", "start: index load / article list s",
         "serving peak RSS", "disk"],
        [[f["mode"], f"{f['chunks']:,}", f"{f['sentences']:,}",
          f"{f['write_s'] / f['chunks'] * 1000:.2f}" + ("*" if f in in_process else ""),
          f"{f['index_s']:.1f}",
          f"{f['build_rss_mb']:,.0f}" + (f" + {f['build_server_rss_mb']:,.0f}" if "build_server_rss_mb" in f else "")
          + " MiB",
          f"{f['update_write_s']:.2f} / {f['update_index_s']:.2f} / {f['update_reload_s']:.2f}"
          + ("" if f["update_found"] else " (NOT found)"),
          f"{f['p50_ms']:.0f} / {f['p95_ms']:.0f} ms",
          " / ".join(f"{f[key]:.1f}" if key in f else "-" for key in ("load_s", "articles_s")),
          f"{f['serving_rss_mb']:,.0f}"
          + (f" + {f['serving_server_rss_mb']:,.0f}" if "serving_server_rss_mb" in f else "") + " MiB",
          f"{f['disk_mb']:,.0f} MB"]
         for f in sorted(results, key=lambda f: (f["chunks"], f["mode"]))])
    built = sorted({f.get("built_at", "an unrecorded commit") for f in results})
    if in_process:
        section.say()
        section.say("\\* Built with `--write-in-process`: an embedded client wrote the store into the folder the "
                    "server then served, so its write, index and build columns (no server figure) are that writer's; "
                    "the update and serving columns went through the server.")
    section.say()
    section.say(f"The write, index and build columns come from building each store, at {' and '.join(built)}; a store "
                "built once is reused (delete its folder under the data dir's `bench-scale/` to build it again), "
                "the other columns are measured on every run.")
    runs: dict[str, list[str]] = {}
    for f in sorted(results, key=lambda f: (f["chunks"], f["mode"])):
        runs.setdefault(f["measured"], []).append(f"{f['chunks']:,} {f['mode']}")
    if len(runs) > 1:
        section.say()
        section.say("Rows from more than one run (their figures kept in "
                    f"`docs/{figures_file(args.sentences).name}`): "
                    + "; ".join(f"{', '.join(rows)} measured {when}" for when, rows in runs.items()) + ".")
    for line in skipped:
        section.say()
        section.say(line)
    if results:
        if args.write_docs:
            plot(results, plot_path)
        section.say()
        section.say(f"![cost growth, log-log]({plot_path.name})")
    section.write()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, help="where the cached eval store and the scale stores live")
    parser.add_argument("--sizes", default="10000,100000", help="least chunks of each store, comma-separated")
    parser.add_argument("--modes", default="embedded,server", help="embedded, server or both")
    parser.add_argument("--sentences", choices=sorted(KEPT), default="collection",
                        help="where the stores keep sentence vectors: a collection of their own (searched by "
                             "sentence_expansion) or beside their chunks (sentence_search = false)")
    parser.add_argument("--questions", type=int, default=100, help="dev questions retrieved at each size")
    parser.add_argument("--force", action="store_true",
                        help="build every size asked for, even one whose predicted build peak is over 80%% of this "
                             "machine's memory")
    parser.add_argument("--write-in-process", action="store_true",
                        help="server mode: build a store that is not built yet with an embedded client, into the "
                             "folder the server then serves (a server takes writes on one core: about 8 s per 1,000 "
                             "chunks near 10^6 here)")
    parser.add_argument("--write-docs", action="store_true",
                        help="write the figures into docs/benchmarks.md and keep them in docs/scale*.json")
    parser.add_argument("--step", choices=["build", "measure"], help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--mode", help=argparse.SUPPRESS)
    parser.add_argument("--chroma-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    base = load_settings({"data_dir": args.data_dir, "sentence_search": args.sentences == "collection"})
    if args.step:
        action = build if args.step == "build" else measure
        extra = () if args.step == "build" else (args.questions,)
        print(json.dumps(action(base, args.size, args.mode, args.chroma_url, *extra)))
        return

    corpus_store(base)  # ingested here the first time, not in a step
    figures_path = figures_file(args.sentences)
    results: list[dict] = []
    skipped: list[str] = []
    available = memory_mb()
    for size in sorted(int(s) for s in args.sizes.split(",")):
        for mode in args.modes.split(","):
            need = predicted_build_mb(with_earlier(figures_path, results), mode, size)
            if need is not None and need > 0.8 * available and not args.force:
                skipped.append(f"**{size:,} chunks, {mode}: not run.** Building it would hold about {need / 1024:,.0f} GB "
                               f"(the {mode} builds measured, extended along the line through "
                               f"their two largest to {size:,} chunks); "
                               f"this machine has {available / 1024:,.0f} GB.")
                print(skipped[-1], flush=True)
                continue
            results.append(run_size(args, base, size, mode))
            print(json.dumps(results[-1]), flush=True)
    results = with_earlier(figures_path, results)
    if args.write_docs:
        figures_path.write_text(json.dumps(results, indent=1) + "\n")
    report(args, results, skipped)


if __name__ == "__main__":
    main()
