"""Progress for long ingestion runs: a live bar on a terminal, plain log lines otherwise."""

from __future__ import annotations

import sys
from types import TracebackType

from newsdesk.ingest.pipeline import IngestReport


class IngestProgress:
    """Shows articles and chunks done with their rates; silent when disabled (e.g. --json output)."""

    def __init__(self, enabled: bool = True) -> None:
        self._enabled = enabled
        self._live = enabled and sys.stderr.isatty()
        self._progress = None
        self._task = None

    def __enter__(self) -> "IngestProgress":
        if self._live:
            from rich.console import Console
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._progress = Progress(
                SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                console=Console(stderr=True), transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task("ingesting…")
        return self

    def update(self, report: IngestReport) -> None:
        if not self._enabled:
            return
        done = report.articles_added + report.articles_updated
        seconds = max(report.seconds, 1e-6)
        line = (
            f"{done} articles stored, {report.articles_unchanged} unchanged, {report.articles_failed} failed; "
            f"{report.chunks_written} chunks ({done / seconds:.1f} articles/s, {report.chunks_written / seconds:.1f} chunks/s)"
        )
        if self._progress is not None:
            self._progress.update(self._task, description=line)
        else:
            print(f"ingest: {line}", file=sys.stderr, flush=True)

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._progress is not None:
            self._progress.stop()
