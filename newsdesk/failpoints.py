"""Crash points for the crash-safety tests: with NEWSDESK_FAILPOINT=NAME:N set, the process kills itself with
SIGKILL the Nth time it reaches the point NAME. Unset (always, outside those tests) a point does nothing.

A kill timed from outside rarely lands in the short window between two store writes; these points make the
tests hit exactly the windows that matter.
"""

from __future__ import annotations

import os
import signal

_hits: dict[str, int] = {}


def reach(name: str) -> None:
    spec = os.environ.get("NEWSDESK_FAILPOINT")
    if not spec:
        return
    point, _, count = spec.partition(":")
    if point != name:
        return
    _hits[name] = _hits.get(name, 0) + 1
    if _hits[name] >= int(count or 1):
        os.kill(os.getpid(), signal.SIGKILL)
