"""Servers the bench scripts and the tests start on 127.0.0.1 and wait for: a `chroma run` over a folder, and the
peak RSS of a server's process tree."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, proc: subprocess.Popen, seconds: float = 300, log: Path | None = None) -> None:
    """Returns once ``url`` answers; raises, with the end of the server's ``log``, once the server has exited or
    ``seconds`` have passed."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                said = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
                raise RuntimeError(f"{proc.args[0]} did not start at {url}" + (f":\n{said}" if said else ""))
            time.sleep(0.3)


def tree_peak_rss_mb(pid: int) -> float:
    """Peak RSS (VmHWM) of a process and its children, summed: what a server held at most."""
    total = 0.0
    for each in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            continue
    return total


def _children(pid: int) -> list[int]:
    try:
        direct = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []
    return [p for c in direct for p in (c, *_children(c))]


@dataclass
class ChromaServer:
    """A `chroma run` over a folder, for as long as it is used; its peak RSS read before it stops. Its output goes
    to ``log`` where one is given, and is shown if it does not start."""

    path: Path
    log: Path | None = None
    proc: subprocess.Popen | None = None
    url: str = ""

    def __enter__(self) -> "ChromaServer":
        self.path.mkdir(parents=True, exist_ok=True)
        port = free_port()
        out = self.log.open("w") if self.log else subprocess.DEVNULL
        try:
            self.proc = subprocess.Popen(
                [str(Path(sys.executable).with_name("chroma")), "run", "--path", str(self.path), "--host",
                 "127.0.0.1", "--port", str(port)], stdout=out, stderr=subprocess.STDOUT)
        finally:
            if self.log:
                out.close()  # the server writes through its own copy
        self.url = f"http://127.0.0.1:{port}"
        try:
            wait_for(f"{self.url}/api/v2/heartbeat", self.proc, log=self.log)
        except RuntimeError:
            self.proc.kill()
            raise
        return self

    def peak_rss_mb(self) -> float:
        assert self.proc is not None
        return tree_peak_rss_mb(self.proc.pid)

    def __exit__(self, *_: object) -> None:
        assert self.proc is not None
        self.proc.terminate()
        self.proc.wait(timeout=120)
