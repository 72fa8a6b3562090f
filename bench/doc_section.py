"""The benchmarks document is written by the bench scripts: each prints its figures and, with ``--write-docs``,
replaces its own section of docs/benchmarks.md (between ``<!-- bench:NAME -->`` markers) with them, stamped with
the date, the commit and the command that measured them. Nothing in those sections is typed by hand, so a figure
can always be traced to a run, and a rerun refreshes it."""

from __future__ import annotations

import datetime
import re
import shlex
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "benchmarks.md"


def _git(*args: str) -> str:
    try:
        # rstrip only: `status --porcelain` starts a line with a space (" M docs/…"), which the path is read after
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True).stdout.rstrip()
    except OSError:
        return ""


def current_commit() -> str:
    """HEAD's short hash, marked when the tree holds changes to what runs: not ``docs/`` (where the bench scripts
    write their figures and plots) nor any other Markdown file (README.md, CHANGELOG.md)."""
    commit = _git("rev-parse", "--short", "HEAD") or "unknown commit"
    changed = [line for line in _git("status", "--porcelain").splitlines()
               if not (line[3:].startswith("docs/") or line[3:].rstrip('"').endswith(".md"))]
    return f"{commit}{' with uncommitted changes' if changed else ''}"


def provenance() -> str:
    """Where figures come from: today's date, the commit (marked when the tree held other changes) and the command."""
    script = Path(sys.argv[0]).resolve()
    shown = script.relative_to(REPO).as_posix() if script.is_relative_to(REPO) else sys.argv[0]
    command = shlex.join([".venv/bin/python", shown, *sys.argv[1:]])
    return f"Measured {datetime.date.today().isoformat()} at {current_commit()} by `{command}`."


class Report:
    """Collects what a bench script prints for one section; ``write`` puts it into the document when asked to."""

    def __init__(self, name: str, title: str, write: bool) -> None:
        self.name, self.title, self.enabled = name, title, write
        self.lines: list[str] = []
        self.measured = provenance()  # at the start: the code that runs, whatever is committed meanwhile

    def say(self, text: str = "") -> None:
        print(text, flush=True)
        self.lines.append(text)

    def table(self, header: list[str], rows: list[list[object]]) -> None:
        self.say("| " + " | ".join(header) + " |")
        self.say("|" + "---|" * len(header))
        for row in rows:
            self.say("| " + " | ".join(str(cell) for cell in row) + " |")

    def write(self) -> None:
        if not self.enabled:
            return
        body = "\n".join([f"<!-- bench:{self.name} -->", f"### {self.title}", "", self.measured, "",
                          *self.lines, f"<!-- /bench:{self.name} -->"])
        text = DOC.read_text(encoding="utf-8")
        pattern = re.compile(rf"<!-- bench:{re.escape(self.name)} -->.*?<!-- /bench:{re.escape(self.name)} -->", re.S)
        text = pattern.sub(lambda _: body, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + body + "\n"
        DOC.write_text(text, encoding="utf-8")
        print(f"wrote the '{self.name}' section of {DOC.relative_to(REPO)}", file=sys.stderr)
