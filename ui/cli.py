"""The ``newsdesk`` command: a thin shell over ``ingest/``, ``qa/`` and ``eval/``.

Expected failures (bad input, missing model, unreachable store) print one clear line and exit non-zero;
only bugs print a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable

import newsdesk  # noqa: F401  (sets the offline environment before any model library loads)
from newsdesk.settings import Settings, SettingsError, answer_shaping, describe_settings, load_settings

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
log = logging.getLogger("newsdesk")


class CliError(Exception):
    """An expected failure: printed as one line, exit code 2."""


def _common(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("store and models (also NEWSDESK_* variables or a config.toml)")
    group.add_argument("--data-dir", help="where the embedded store lives (env NEWSDESK_DATA_DIR)")
    group.add_argument("--chroma-url", help="use a Chroma server, e.g. http://127.0.0.1:8000 (env NEWSDESK_CHROMA_URL)")
    group.add_argument("--collection", help="Chroma collection name (default: articles)")
    group.add_argument("-v", "--verbose", action="store_true", help="log what happens, step by step")


def _llm_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("answer model")
    group.add_argument("--llm-gguf", help="a GGUF model file (env NEWSDESK_LLM_GGUF; default: bundled Qwen2.5-Coder-1.5B)")
    group.add_argument("--llm-url", help="an OpenAI-compatible server base URL instead, e.g. http://127.0.0.1:8080/v1")
    group.add_argument("--llm-model", help="model name to request from that server")
    group.add_argument("--top-k", type=int, help="passages given to the model (default 5)")


def build_parser() -> argparse.ArgumentParser:
    settings_help = "\n".join(f"  {name:<18} {doc}" for name, doc in describe_settings())
    parser = argparse.ArgumentParser(
        prog="newsdesk",
        description="Answer questions over news articles, with citations. Runs offline on this machine.",
        epilog=f"Every setting can also come from NEWSDESK_<NAME> or config.toml in the data dir:\n{settings_help}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    ingest = commands.add_parser(
        "ingest",
        help="add articles from files and folders",
        description="Add articles to the store: .txt, .md, .html, .jsonl, .json and RSS/Atom feeds, from files, "
        "folders (recursively), http(s) URLs or stdin. "
        "Re-ingesting an unchanged article does nothing; a changed one replaces its old version. A bad file is "
        "reported and skipped; the exit code is 1 if anything failed.",
    )
    ingest.add_argument("paths", nargs="*", metavar="SOURCE", help="file, folder, http(s) URL of a page or feed, or - for stdin")
    ingest.add_argument("--samples", action="store_true", help="also ingest the sample articles shipped with Newsdesk")
    ingest.add_argument("--source", default="", help="source name for articles that do not carry one (.txt, .md)")
    ingest.add_argument("--glob", help="inside folders, only files whose name matches, e.g. '*.jsonl'")
    ingest.add_argument("--field", action="append", default=[], metavar="NAME=KEY",
                        help="JSON layouts: read NAME (id, title, source, published_at, url, author, text) from KEY; repeatable")
    ingest.add_argument("--follow-links", action="store_true", help="feeds: fetch and extract each entry's linked page")
    ingest.add_argument("--timeout", type=float, default=20.0, help="seconds to wait for each URL (default 20)")
    ingest.add_argument("--chunk-size", type=int, help="chunk length in MiniLM word pieces (default 200)")
    ingest.add_argument("--chunk-overlap", type=int, help="word pieces shared by neighbouring chunks (default 30)")
    ingest.add_argument("--json", action="store_true", help="print the summary as JSON")
    ingest.add_argument("--ray", nargs="?", const="", metavar="ADDRESS",
                        help="read the sources in Ray tasks and embed with a pool of Ray actors: on the cluster at "
                        "ADDRESS (host:port, or ray://host:10001), or on this machine without one; the rest as a "
                        "local ingest (pip install 'newsdesk[ray]')")
    ingest.add_argument("--ray-actors", type=int, default=2, help="embedding actors on the cluster (default 2)")
    _common(ingest)

    ask = commands.add_parser("ask", help="answer one question", description="Answer a question from the stored articles, citing them as [n].")
    ask.add_argument("question", help="the question, in quotes")
    ask.add_argument("--json", action="store_true", help="print {short_answer, answer, citations, refused, standalone_question, understood} as JSON")
    ask.add_argument("--source", action="append", dest="sources", metavar="NAME",
                     help="only articles from this source (repeatable; see: newsdesk articles list)")
    ask.add_argument("--since", help="only articles published on or after this date (e.g. 2023-10-01)")
    ask.add_argument("--until", help="only articles published before this date")
    ask.add_argument("--as-of", help="read 'today', 'this week', 'the latest' in the question as of this date "
                     "(default: now)")
    ask.add_argument("--history", metavar="FILE",
                     help='earlier turns, a JSON list of {"question": ..., "answer": ...}, so a follow-up is understood')
    _common(ask)
    _llm_options(ask)

    timeline = commands.add_parser(
        "timeline", help="a story's dated events in order, each cited",
        description="The dated events of a story in order, each line an article's own sentence with its citation; "
        "the same event told by several outlets is one line with several citations. No answer model is needed. "
        "The chat answers \"timeline of X\" and \"what happened with X?\" the same way.")
    timeline.add_argument("topic", help="what the story is about, in quotes")
    timeline.add_argument("--json", action="store_true", help="print the answer as JSON, with timeline: [{date, "
                          "sentence, citations}]")
    timeline.add_argument("--source", action="append", dest="sources", metavar="NAME", help="only this source (repeatable)")
    timeline.add_argument("--since", help="only articles published on or after this date")
    timeline.add_argument("--until", help="only articles published before this date")
    _common(timeline)

    digest = commands.add_parser(
        "digest", help="what's new: the period's stories, biggest first, each cited",
        description="The stories published in the last --since (before now, or --as-of), biggest first (most "
        "outlets, then most articles): articles about the same event are grouped and their outlets listed, each "
        "story summarised by its lead, quoted and cited. No answer model is needed. The chat answers \"what's "
        "new?\" and \"what's new in X this week?\" the same way.")
    digest.add_argument("--since", default="24h", help="how far back: 12h, 24h, 7d (default 24h)")
    digest.add_argument("--topic", help="only stories about this")
    digest.add_argument("--as-of", help="the period ends on this date (default: now)")
    digest.add_argument("--source", action="append", dest="sources", metavar="NAME", help="only this source (repeatable)")
    digest.add_argument("--limit", type=int, default=10, help="stories listed (default 10)")
    digest.add_argument("--json", action="store_true", help="print the answer as JSON, with stories: [{title, "
                        "sources, summary, articles, citation}]")
    _common(digest)

    chat = commands.add_parser("chat", help="open the web chat", description="Serve the web chat (Gradio).")
    chat.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1; others need --auth)")
    chat.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    chat.add_argument("--auth", help="USER:PASSWORD required to use the chat and its API (env NEWSDESK_AUTH); "
                      "needed to bind beyond 127.0.0.1")
    chat.add_argument("--workers", type=int, default=1, help="serve the OpenAI-compatible API (not the web chat) "
                      "from N processes on one address; needs --chroma-url and --llm-url (docs/deploy.md)")
    chat.add_argument("--watch", action="append", default=[], metavar="FEED_URL",
                      help="also follow this feed while serving, as newsdesk watch does (repeatable; the feeds "
                      "setting adds its own)")
    _common(chat)
    _llm_options(chat)

    watch = commands.add_parser(
        "watch",
        help="follow RSS/Atom feeds, storing new and edited entries",
        description="Poll feeds every --every, asking only for what changed since the last poll (ETag / "
        "Last-Modified). New and edited entries are stored as ingest stores them, unchanged ones skipped, and the "
        "index updated with them alone. A failing feed is reported and retried later and later (up to 6 h) "
        "without stopping the others; what each feed's last poll found is kept in DATA_DIR/feeds.json. Runs until "
        "Ctrl-C; --once polls every feed once and exits, 1 if any failed (e.g. from cron).",
    )
    watch.add_argument("feeds", nargs="*", metavar="FEED_URL", help="http(s) URL of an RSS or Atom feed; the feeds "
                       "setting (config.toml: feeds = [...], or NEWSDESK_FEEDS) adds its own")
    watch.add_argument("--every", help="how often each feed is polled: 30s, 15m, 1h (default: the watch_every "
                       "setting, 15m)")
    watch.add_argument("--once", action="store_true", help="poll every feed once, whatever its back-off, and exit")
    watch.add_argument("--source", default="", help="source name for entries of a feed that names none")
    watch.add_argument("--follow-links", action="store_true", help="fetch and extract each entry's linked page")
    watch.add_argument("--timeout", type=float, default=20.0, help="seconds to wait for each URL (default 20)")
    watch.add_argument("--json", action="store_true", help="print each poll's result as a line of JSON")
    _common(watch)

    evaluate = commands.add_parser(
        "eval",
        help="score answers and retrieval on a question set; compare runs",
        usage="newsdesk eval SET.jsonl [options]\n       newsdesk eval compare RUN_A RUN_B [--json]",
        description="Run a JSONL question set (question, answer, optional id, question_type, evidence_article_ids, "
        "evidence, history) and report answer accuracy, refusals, citations, retrieval hits/MRR/MAP and latency, "
        "overall and per question type. Results go to OUT/results.jsonl as each question finishes: the same command "
        "again resumes. OUT also gets metrics.json, report.md, report.html and plots.",
    )
    evaluate.add_argument("target", nargs="+", metavar="SET.jsonl",
                          help="the question set: a .jsonl file or a bundled set's name (seed, claims, injected); "
                          "or: compare RUN_A RUN_B")
    evaluate.add_argument("--articles", action="append", metavar="FILE",
                          help="ingest this file of articles (any ingest format; repeatable) into a store of its own "
                          "for the run (cached)")
    evaluate.add_argument("--retrieval-only", action="store_true", help="score retrieval only; no answer model")
    evaluate.add_argument("--sample", type=int, help="a stratified random sample of N questions")
    evaluate.add_argument("--seed", type=int, default=0, help="seed of the sample (default 0)")
    evaluate.add_argument("--limit", type=int, help="only the first N questions (after --types and --sample)")
    evaluate.add_argument("--types", help="only these question types, comma-separated")
    evaluate.add_argument("--out", help="run folder (default: DATA_DIR/eval-runs/<set>-<options hash>)")
    evaluate.add_argument("--json", action="store_true", help="print the metrics object as JSON")
    _common(evaluate)
    _llm_options(evaluate)

    articles = commands.add_parser("articles", help="list, show or remove stored articles")
    articles_commands = articles.add_subparsers(dest="articles_command", metavar="ACTION", required=True)
    listing = articles_commands.add_parser("list", help="list stored articles")
    listing.add_argument("--json", action="store_true", help="print a JSON list")
    _common(listing)
    show = articles_commands.add_parser("show", help="show one article's metadata and chunks")
    show.add_argument("id", metavar="ID")
    show.add_argument("--json", action="store_true", help="print as JSON")
    _common(show)
    remove = articles_commands.add_parser("remove", help="remove articles by id")
    remove.add_argument("ids", nargs="+", metavar="ID")
    _common(remove)
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {
        name: getattr(args, name, None)
        for name in (
            "data_dir", "chroma_url", "collection", "llm_gguf", "llm_url", "llm_model", "top_k", "chunk_size", "chunk_overlap"
        )
    }
    return load_settings(overrides)


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from newsdesk.ingest.pipeline import Ingestor
    from newsdesk.ingest.progress import IngestProgress
    from newsdesk.ingest.sources import SourceOptions, parse_field_map, read_sources
    from newsdesk.store import open_store

    from newsdesk.samples import SAMPLE_ARTICLES

    paths = [*args.paths, *([str(SAMPLE_ARTICLES)] if args.samples else [])]
    if not paths:
        raise CliError("nothing to ingest: give files, folders, URLs or - for stdin (or --samples)")
    try:
        fields = parse_field_map(args.field)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    options = SourceOptions(args.source, args.glob, fields, args.follow_links, args.timeout)
    store = open_store(settings)
    report_to = sys.stdout
    # what libraries print meanwhile (Ray's notes on a worker that died and work retried) is diagnostics: stdout
    # carries the report alone, so `--json` output stays one JSON document
    with contextlib.redirect_stdout(sys.stderr):
        try:
            embedder, items = _ray_ingest(args, settings, paths, options) if args.ray is not None else (None, None)
            ingestor = Ingestor.for_settings(settings, store, embedder)
        except ValueError as exc:
            raise CliError(str(exc)) from None
        with IngestProgress(enabled=not args.json) as progress:
            report = ingestor.ingest(items if items is not None else read_sources(paths, options),
                                     on_progress=progress.update)
        if args.ray is not None:
            from newsdesk.ingest import distributed

            distributed.stop()
    if args.json:
        print(json.dumps(report.to_json(), indent=2), file=report_to)
    else:
        for problem in report.errors:
            print(f"error: {problem}", file=sys.stderr)
        print(
            f"{report.articles_added} added, {report.articles_updated} updated, {report.articles_unchanged} unchanged, "
            f"{report.articles_failed} failed; {report.chunks_written} chunks written in {report.seconds:.1f}s "
            f"({store.count()} chunks in {store.location})", file=report_to
        )
    return EXIT_FAILED if report.articles_failed else EXIT_OK


def _ray_ingest(args: argparse.Namespace, settings: Settings, paths: list[str], options: Any) -> tuple[Any, Any]:
    """The embedder and the articles of an ingest on Ray (``ingest.distributed``), after checking what was given."""
    try:
        from newsdesk.ingest import distributed
    except ImportError:
        raise CliError("--ray needs Ray: pip install 'newsdesk[ray]'") from None
    if "-" in paths:
        raise CliError("--ray reads sources on the cluster: give files, folders or URLs, not stdin")
    if args.ray_actors < 1:
        raise CliError("--ray-actors: give at least 1")
    from newsdesk.embedding import MiniLMEmbedding

    distributed.start(args.ray or None)
    embedder = distributed.RayEmbedder(MiniLMEmbedding(settings.embed_batch_size), args.ray_actors)
    return embedder, distributed.read_on_cluster(paths, options)


def _newsdesk(settings: Settings) -> Any:
    from newsdesk.qa.engine import Newsdesk

    return Newsdesk.from_settings(settings)


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    desk = _newsdesk(settings)
    if desk.store.count() == 0:
        raise CliError(f"the store at {desk.store.location} is empty; add articles first: newsdesk ingest PATH")
    keep = retrieval_filter(args.sources, args.since, args.until, args.as_of)
    answer = desk.ask(args.question, _read_history(args.history) if args.history else None, keep)
    _print_answer(answer, args.json)
    return EXIT_OK


def cmd_digest(args: argparse.Namespace, settings: Settings) -> int:
    from newsdesk.dates import parse_duration

    desk = _newsdesk(settings)
    try:
        seconds = parse_duration(args.since)
    except ValueError as exc:
        raise CliError(f"--since: {exc}") from None
    if args.limit < 1:
        raise CliError("--limit: give at least 1 story")
    keep = retrieval_filter(args.sources, None, None, args.as_of)
    _print_answer(desk.digest(seconds, args.topic, keep, args.limit), args.json)
    return EXIT_OK


def cmd_timeline(args: argparse.Namespace, settings: Settings) -> int:
    desk = _newsdesk(settings)
    if desk.store.count() == 0:
        raise CliError(f"the store at {desk.store.location} is empty; add articles first: newsdesk ingest PATH")
    keep = retrieval_filter(args.sources, args.since, args.until)
    _print_answer(desk.timeline(args.topic, keep), args.json)
    return EXIT_OK


def _print_answer(answer: Any, as_json: bool) -> None:
    if as_json:
        print(json.dumps(answer.to_json(), indent=2, ensure_ascii=False))
        return
    if answer.standalone_question and answer.standalone_question != answer.question:
        print(f"(understood as: {answer.standalone_question})\n")
    if answer.headline:
        print(answer.headline)
    print(answer.answer)
    if answer.checks:
        print("\nClaim check:")
        for check in answer.checks:
            print(f"- {check['claim']}: {check['label'].replace('_', ' ')} ({check['reason']}; {check['decided_by']})")
    if answer.citations:
        print("\nSources:")
        for c in answer.citations:
            details = ", ".join(x for x in (c.source, c.published_at[:10]) if x)
            also = f" (also reported by {', '.join(c.also_reported_by)})" if c.also_reported_by else ""
            print(f"[{c.n}] {c.title}" + (f" — {details}" if details else "") + also)
            if c.url:
                print(f"    {c.url}")
            print(f'    "{c.quote}"')
    elif answer.refused and answer.passages:
        print("\nNearest passages found:")
        for p in answer.passages[:3]:
            print(f"- {p.chunk.title}: {p.chunk.text[:160]}…")


def retrieval_filter(sources: list[str] | None, since: str | None, until: str | None, as_of: str | None = None) -> Any:
    """--source/--since/--until/--as-of as a RetrievalFilter; a date that cannot be read is a usage error."""
    from newsdesk.filters import reader_filter

    try:
        return reader_filter(sources, since, until, as_of, ("--since", "--until", "--as-of"))
    except ValueError as exc:
        raise CliError(str(exc)) from None


def _read_history(path: str) -> list[Any]:
    from newsdesk.qa.engine import Turn

    try:
        turns = json.loads(Path(path).read_text(encoding="utf-8"))
        return [Turn(str(t["question"]), str(t["answer"])) for t in turns]
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"{path}: cannot read the history ({exc})") from None
    except (json.JSONDecodeError, TypeError, KeyError) as exc:
        raise CliError(f'{path}: the history must be a JSON list of {{"question": ..., "answer": ...}} ({exc})') from None


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from newsdesk.ui.api import credentials
    from newsdesk.ui.web import serve

    try:
        auth = credentials(args.auth or os.environ.get("NEWSDESK_AUTH"))
    except ValueError as exc:
        raise CliError(str(exc)) from None
    if args.host not in ("127.0.0.1", "localhost", "::1") and auth is None:
        raise CliError(f"binding {args.host} exposes the chat to the network; add --auth USER:PASSWORD")
    if args.workers > 1:
        return _serve_api_workers(args, settings)
    from newsdesk.ingest.sources import SourceOptions

    desk = _newsdesk(settings)
    feeds = [*args.watch, *settings.feeds]
    watcher = _watcher(settings, feeds, None, desk.store, SourceOptions(), include_saved=True, embedder=desk.embed_model)
    serve(desk, host=args.host, port=args.port, auth=auth, upload_max_mb=settings.upload_max_mb, watcher=watcher)
    return EXIT_OK


def _serve_api_workers(args: argparse.Namespace, settings: Settings) -> int:
    """The OpenAI-compatible API from ``--workers`` processes on one address: each reads the same Chroma server
    and sends answers to the same answer server, so both must be servers."""
    import uvicorn

    missing = [flag for flag, value in (("--chroma-url", settings.chroma_url), ("--llm-url", settings.llm_url)) if not value]
    if missing:
        raise CliError(f"--workers {args.workers} needs {' and '.join(missing)}: the workers share one Chroma server "
                       "and one answer server (docs/deploy.md)")
    if args.watch or settings.feeds:
        raise CliError("--workers serves the API only; follow feeds with one `newsdesk watch` process beside it")
    for name, value in vars(settings).items():  # what this command was told, for every worker to read
        if value is not None:
            os.environ[f"NEWSDESK_{name.upper()}"] = ",".join(value) if isinstance(value, tuple) else str(value)
    if args.auth:
        os.environ["NEWSDESK_AUTH"] = args.auth
    print(f"Newsdesk API on http://{args.host}:{args.port}/v1 from {args.workers} workers"
          + (" (login required)" if args.auth or os.environ.get("NEWSDESK_AUTH") else ""), flush=True)
    uvicorn.run("newsdesk.ui.api:app_from_environment", factory=True, host=args.host, port=args.port,
                workers=args.workers, log_level="warning", timeout_graceful_shutdown=3)
    return EXIT_OK


def _watcher(settings: Settings, feeds: list[str], every: str | None, store: Any, options: Any,
             include_saved: bool = False, embedder: Any = None) -> Any:
    """The watcher of these feeds (and, with ``include_saved``, of those followed before from the web chat), after
    checking what the operator gave."""
    from newsdesk.ingest.pipeline import Ingestor
    from newsdesk.dates import parse_duration
    from newsdesk.ingest.watch import Watcher, feed_url

    try:
        feeds = [feed_url(f) for f in feeds]  # before the embedding model loads
    except ValueError as exc:
        raise CliError(str(exc)) from None
    try:
        seconds = parse_duration(every or settings.watch_every)
    except ValueError as exc:
        raise CliError(f"{'--every' if every else 'watch_every'}: {exc}") from None
    return Watcher(feeds, seconds, Ingestor.for_settings(settings, store, embedder), settings.feed_state_path, options,
                   include_saved=include_saved)


def cmd_watch(args: argparse.Namespace, settings: Settings) -> int:
    from newsdesk.ingest.sources import SourceOptions
    from newsdesk.ingest.watch import PollResult
    from newsdesk.store import open_store

    feeds = [*args.feeds, *settings.feeds]
    if not feeds:
        raise CliError("no feeds to watch: give feed URLs, or set feeds in config.toml (feeds = [\"https://...\"]) "
                       "or NEWSDESK_FEEDS")
    options = SourceOptions(args.source, None, {}, args.follow_links, args.timeout)
    watcher = _watcher(settings, feeds, args.every, open_store(settings), options)

    def show(result: PollResult) -> None:
        print(json.dumps(result.to_json()) if args.json else result.describe(), flush=True)
        if not args.json and result.report:
            for problem in result.report.errors:
                print(f"  error: {problem}", file=sys.stderr)

    if args.once:
        results = watcher.poll_due(force=True)
        for result in results:
            show(result)
        return EXIT_FAILED if any(r.result == "failed" or (r.report and r.report.errors) for r in results) else EXIT_OK
    print(f"watching {len(watcher.urls)} feed(s), each every {args.every or settings.watch_every}; Ctrl-C stops",
          file=sys.stderr, flush=True)
    try:
        watcher.run(show)
    except KeyboardInterrupt:
        print("stopped watching", file=sys.stderr)
    return EXIT_OK


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from newsdesk.eval.compare import compare_runs, format_comparison

    if args.target[0] == "compare":
        if len(args.target) != 3:
            raise CliError("usage: newsdesk eval compare RUN_A RUN_B")
        comparison = compare_runs(Path(args.target[1]), Path(args.target[2]))
        print(json.dumps(comparison, indent=2) if args.json else format_comparison(comparison))
        return EXIT_OK
    if len(args.target) != 1:
        raise CliError("give one question set (or: newsdesk eval compare RUN_A RUN_B)")
    from newsdesk.eval.sets import set_path

    return _run_eval(args, settings, set_path(args.target[0]))


def _run_eval(args: argparse.Namespace, settings: Settings, set_path: Path) -> int:
    import hashlib
    import subprocess

    from newsdesk.eval.corpus import store_for_articles
    from newsdesk.eval.progress import EvalProgress
    from newsdesk.eval.report import format_metrics, write_report
    from newsdesk.eval.run import RunFolder, run_eval
    from newsdesk.eval.sets import load_set, select

    try:
        questions, problems = load_set(str(set_path))
    except ValueError as exc:
        raise CliError(str(exc)) from None
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    types = [t.strip() for t in args.types.split(",")] if args.types else None
    questions = select(questions, types, args.sample, args.seed, args.limit)
    if not questions:
        raise CliError(f"{set_path}: no usable questions (check --types)")
    if args.articles:
        try:
            settings = store_for_articles(settings, [Path(a) for a in args.articles])
        except FileNotFoundError as exc:
            raise CliError(str(exc)) from None
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                cwd=Path(__file__).resolve().parent).stdout.strip()
    except OSError:  # no git: an installed package
        commit = ""
    config = {
        "set": str(set_path.resolve()), "questions": len(questions), "sample": args.sample, "seed": args.seed,
        "types": args.types, "limit": args.limit, "retrieval_only": args.retrieval_only,
        "articles": (str(Path(args.articles[0]).resolve()) if len(args.articles) == 1
                     else [str(Path(a).resolve()) for a in args.articles]) if args.articles else None,
        "embedding_model": "all-MiniLM-L6-v2",
        "answer_model": None if args.retrieval_only else (settings.llm_url and f"{settings.llm_url} {settings.llm_model}")
        or str(settings.llm_gguf or "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"),
        **answer_shaping(settings), "store": settings.chroma_url or str(settings.chroma_path),
        "git_commit": commit or "unknown",
    }
    fingerprint = hashlib.sha256(json.dumps({k: v for k, v in config.items() if k != "git_commit"}, sort_keys=True).encode())
    out = Path(args.out) if args.out else settings.data_dir / "eval-runs" / f"{set_path.stem}-{fingerprint.hexdigest()[:10]}"
    folder = RunFolder(out, config)
    desk = _newsdesk(settings)
    if desk.store.count() == 0:
        raise CliError(f"the store at {desk.store.location} is empty; ingest the set's articles first (or use --articles)")
    with EvalProgress(len(questions), enabled=not args.json) as progress:
        metrics, results = run_eval(desk, questions, folder, args.retrieval_only, on_result=progress.update)
    write_report(out, config, metrics, results)
    print(json.dumps(metrics, indent=2) if args.json else format_metrics(metrics))
    print(f"run folder: {out} (report.md, report.html)", file=sys.stderr)
    return EXIT_OK


def cmd_articles(args: argparse.Namespace, settings: Settings) -> int:
    from newsdesk.store import open_store

    store = open_store(settings)
    if args.articles_command == "list":
        articles = store.articles()
        if args.json:
            rows = [
                {"id": a.article_id, "title": a.title, "source": a.source, "published_at": a.published_at,
                 "url": a.url, "chunks": a.chunks}
                for a in articles
            ]
            print(json.dumps(rows, indent=2, ensure_ascii=False))
        else:
            for a in articles:
                print(f"{a.article_id}\t{a.published_at[:10] or '-'}\t{a.source or '-'}\t{a.chunks} chunks\t{a.title}")
        return EXIT_OK
    if args.articles_command == "show":
        chunks = store.chunks_of(args.id)
        if not chunks:
            raise CliError(f"no article with id {args.id!r}; see: newsdesk articles list")
        first = chunks[0]
        meta = {"id": first.article_id, "title": first.title, "source": first.source, "author": first.author,
                "published_at": first.published_at, "url": first.url, "chunks": [c.text for c in chunks]}
        if args.json:
            print(json.dumps(meta, indent=2, ensure_ascii=False))
        else:
            for key in ("id", "title", "source", "author", "published_at", "url"):
                print(f"{key}: {meta[key]}")
            for chunk in chunks:
                print(f"\n--- chunk {chunk.index} ---\n{chunk.text}")
        return EXIT_OK
    missing = [article_id for article_id in args.ids if store.remove_article(article_id) == 0]
    if len(missing) < len(args.ids):
        from newsdesk.keyword_index import KeywordIndex

        KeywordIndex(settings.keyword_index_path).update(store, set(args.ids) - set(missing))
    for article_id in missing:
        print(f"error: no article with id {article_id!r}; see: newsdesk articles list", file=sys.stderr)
    return EXIT_FAILED if missing else EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
    "ingest": cmd_ingest,
    "ask": cmd_ask,
    "chat": cmd_chat,
    "eval": cmd_eval,
    "watch": cmd_watch,
    "timeline": cmd_timeline,
    "digest": cmd_digest,
    "articles": cmd_articles,
}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    from newsdesk.eval.run import EvalError
    from newsdesk.store import StoreError
    from newsdesk.qa.llm import LLMError

    started = time.perf_counter()
    try:
        code = COMMANDS[args.command](args, _settings(args))
    except (CliError, SettingsError, StoreError, LLMError, EvalError) as exc:
        print(f"newsdesk: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("newsdesk: interrupted", file=sys.stderr)
        return 130
    log.info("%s finished in %.1fs", args.command, time.perf_counter() - started)
    return code


if __name__ == "__main__":
    sys.exit(main())
