"""Comparing two eval runs: metric deltas, and the questions whose answer flipped between right and wrong."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from newsdesk.eval.report import COLUMNS
from newsdesk.eval.run import EvalError, read_results


def _load(folder: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    metrics_path = folder / "metrics.json"
    if not metrics_path.is_file():
        raise EvalError(f"{folder}: no metrics.json; is this an eval run folder (--out)?")
    results = {r.id: r for r in read_results(folder)}
    return json.loads(metrics_path.read_text(encoding="utf-8")), results


def compare_runs(run_a: Path, run_b: Path) -> dict[str, Any]:
    """Deltas (B - A) for every metric, overall and per type, and the flipped questions by id."""
    metrics_a, results_a = _load(run_a)
    metrics_b, results_b = _load(run_b)
    groups = ["all"] + sorted(set(metrics_a.get("by_type", {})) | set(metrics_b.get("by_type", {})))
    deltas: dict[str, dict[str, Any]] = {}
    for group in groups:
        a = metrics_a if group == "all" else metrics_a.get("by_type", {}).get(group)
        b = metrics_b if group == "all" else metrics_b.get("by_type", {}).get(group)
        if not a or not b:
            continue
        deltas[group] = {}
        for part, key in COLUMNS:
            va, vb = a[part].get(key), b[part].get(key)
            deltas[group][key] = {"a": va, "b": vb, "delta": round(vb - va, 4) if va is not None and vb is not None else None}
    common = sorted(set(results_a) & set(results_b))
    return {
        "metrics": deltas,
        "right_to_wrong": [i for i in common if results_a[i].correct and results_b[i].correct is False],
        "wrong_to_right": [i for i in common if results_a[i].correct is False and results_b[i].correct],
        "questions_in_both": len(common),
    }


def format_comparison(comparison: dict[str, Any]) -> str:
    lines = [f"{'metric':<22}{'A':>9}{'B':>9}{'B-A':>9}"]
    for key, values in comparison["metrics"].get("all", {}).items():
        cells = ["-" if values[k] is None else f"{values[k]:.3f}" for k in ("a", "b", "delta")]
        lines.append(f"{key:<22}" + "".join(f"{c:>9}" for c in cells))
    lines.append(f"\n{comparison['questions_in_both']} questions in both runs")
    lines.append(f"right → wrong ({len(comparison['right_to_wrong'])}): {', '.join(comparison['right_to_wrong']) or '-'}")
    lines.append(f"wrong → right ({len(comparison['wrong_to_right'])}): {', '.join(comparison['wrong_to_right']) or '-'}")
    return "\n".join(lines)
