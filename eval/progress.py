"""Progress of an eval run: questions done, accuracy so far and time left; a live bar on a terminal, lines otherwise."""

from __future__ import annotations

import sys
import time
from types import TracebackType

from newsdesk.eval.run import QuestionResult


class EvalProgress:
    def __init__(self, total: int, enabled: bool = True) -> None:
        self._total = total
        self._enabled = enabled
        self._done = 0
        self._correct = 0
        self._answered = 0
        self._started = time.perf_counter()
        self._progress = None
        self._task = None

    def __enter__(self) -> "EvalProgress":
        if self._enabled and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._progress = Progress(
                TextColumn("eval"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
                TimeRemainingColumn(), console=Console(stderr=True), transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task("", total=self._total)
        return self

    def update(self, result: QuestionResult) -> None:
        self._done += 1
        if result.correct is not None:
            self._answered += 1
            self._correct += int(result.correct)
        accuracy = f"accuracy so far {self._correct / self._answered:.2f}" if self._answered else "retrieval only"
        if self._progress is not None:
            self._progress.update(self._task, advance=1, description=accuracy)
        elif self._enabled:
            elapsed = time.perf_counter() - self._started
            print(f"eval: {self._done} questions run, {accuracy}, {elapsed / self._done:.1f}s each", file=sys.stderr, flush=True)

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._progress is not None:
            self._progress.stop()
