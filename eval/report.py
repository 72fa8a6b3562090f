"""Human-readable renderings of the metrics object."""

from __future__ import annotations

from typing import Any


def _fmt(value: Any) -> str:
    return "-" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def format_metrics(metrics: dict[str, Any]) -> str:
    columns = [
        ("answers", "accuracy"), ("answers", "refusal_accuracy"), ("answers", "false_refusal_rate"),
        ("retrieval", "hits@4"), ("retrieval", "hits@10"), ("retrieval", "mrr@10"),
        ("latency", "p50_s"), ("latency", "p95_s"),
    ]
    header = ["group", "n"] + [name for _, name in columns]
    rows = [["all", str(metrics["n"])] + [_fmt(metrics[part][name]) for part, name in columns]]
    for group, values in metrics.get("by_type", {}).items():
        rows.append([group, str(values["n"])] + [_fmt(values[part][name]) for part, name in columns])
    widths = [max(len(row[i]) for row in [header] + rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)) for row in [header] + rows]
    return "\n".join(lines)
