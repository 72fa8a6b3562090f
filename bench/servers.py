"""Servers the bench scripts start on 127.0.0.1 and wait for: a `chroma run` over a folder, and the peak RSS of a
server's process tree."""

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


def wait_for(url: str, proc: subprocess.Popen, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{proc.args[0]} did not start")
            time.sleep(0.5)


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
    """A `chroma run` over a folder, for as long as it is used; its peak RSS read before it stops."""

    path: Path
    proc: subprocess.Popen | None = None
    url: str = ""

    def __enter__(self) -> "ChromaServer":
        self.path.mkdir(parents=True, exist_ok=True)
        port = free_port()
        self.proc = subprocess.Popen(
            [str(Path(sys.executable).with_name("chroma")), "run", "--path", str(self.path), "--host", "127.0.0.1",
             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{port}"
        wait_for(f"{self.url}/api/v2/heartbeat", self.proc)
        return self

    def peak_rss_mb(self) -> float:
        assert self.proc is not None
        return tree_peak_rss_mb(self.proc.pid)

    def __exit__(self, *_: object) -> None:
        assert self.proc is not None
        self.proc.terminate()
        self.proc.wait(timeout=120)
