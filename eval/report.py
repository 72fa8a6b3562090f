"""Renderings of an eval run: a terminal table, and OUT/report.md + OUT/report.html with matplotlib plots."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from newsdesk.eval.run import QuestionResult

COLUMNS = [
    ("answers", "accuracy"), ("answers", "lenient_accuracy"), ("answers", "token_f1"),
    ("answers", "yes_no_accuracy"), ("answers", "always_yes_baseline"), ("answers", "false_confirmation_rate"),
    ("answers", "refusal_accuracy"), ("answers", "false_refusal_rate"), ("answers", "citation_precision"),
    ("answers", "unsupported_rate"), ("retrieval", "hits@4"), ("retrieval", "hits@10"), ("retrieval", "mrr@10"),
    ("retrieval", "map@10"), ("retrieval", "evidence_recall@10"), ("retrieval", "article_recall@10"),
    ("latency", "p50_s"), ("latency", "p95_s"),
]


def _fmt(value: Any) -> str:
    return "-" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def metric_rows(metrics: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Header and rows (overall, then each question type) of the metrics table."""
    header = ["group", "n"] + [name for _, name in COLUMNS]
    groups = [("all", metrics)] + list(metrics.get("by_type", {}).items())
    rows = [[name, str(values["n"])] + [_fmt(values[part][key]) for part, key in COLUMNS] for name, values in groups]
    return header, rows


def format_metrics(metrics: dict[str, Any]) -> str:
    """A transposed table (metrics down, groups across): fits a terminal with many metrics."""
    header, rows = metric_rows(metrics)
    table = [[header[i]] + [row[i] for row in rows] for i in range(len(header))]
    widths = [max(len(line[c]) for line in table) for c in range(len(table[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() for line in table)


def _save(fig: Any, path: Path, alt: str) -> tuple[str, str]:
    import matplotlib.pyplot as plt

    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path.name, alt


def _plots(metrics: dict[str, Any], results: list[QuestionResult], folder: Path) -> list[tuple[str, str]]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plots: list[tuple[str, str]] = []
    types = list(metrics.get("by_type", {}))
    fig, ax = plt.subplots(figsize=(7, 3.5))
    width = 0.4
    for offset, (part, key) in zip((-width / 2, width / 2), (("answers", "accuracy"), ("retrieval", "hits@10"))):
        values = [metrics["by_type"][t][part][key] or 0.0 for t in types]
        ax.bar([i + offset for i in range(len(types))], values, width, label=key)
    ax.set_xticks(range(len(types)), types, rotation=15)
    ax.set_ylim(0, 1)
    ax.legend()
    ax.set_title("By question type")
    plots.append(_save(fig, folder / "by_type.png", "Answer accuracy and Hits@10 per question type"))

    fig, ax = plt.subplots(figsize=(7, 3))
    ax.hist([r.seconds for r in results], bins=20)
    ax.set_xlabel("seconds per question")
    ax.set_ylabel("questions")
    ax.set_title("Latency")
    plots.append(_save(fig, folder / "latency.png", "Latency histogram"))

    judged = [r for r in results if r.judged]
    labels = [str(k) for k in range(1, 11)] + ["miss"]
    counts = [sum(1 for r in judged if r.first_relevant_rank == k) for k in range(1, 11)]
    counts.append(sum(1 for r in judged if r.first_relevant_rank is None))
    fig, ax = plt.subplots(figsize=(7, 3))
    ax.bar(labels, counts)
    ax.set_xlabel("rank of the first relevant chunk")
    ax.set_ylabel("questions")
    ax.set_title("Retrieval rank distribution")
    plots.append(_save(fig, folder / "ranks.png", "Rank of the first relevant chunk"))
    return plots


def worst(results: list[QuestionResult], count: int = 10) -> list[QuestionResult]:
    """Wrong answers first (lowest token F1 first), then retrieval misses."""
    wrong = [r for r in results if r.correct is False]
    wrong.sort(key=lambda r: (r.token_f1 or 0.0, r.id))
    misses = [r for r in results if r.judged and r.first_relevant_rank is None and r not in wrong]
    return (wrong + misses)[:count]


def write_report(folder: Path, config: dict[str, Any], metrics: dict[str, Any], results: list[QuestionResult]) -> None:
    plots = _plots(metrics, results, folder)
    header, rows = metric_rows(metrics)
    bad = worst(results)

    md = ["# Newsdesk eval report", "", "## Configuration", ""]
    md += [f"- **{k}**: `{v}`" for k, v in config.items()]
    md += ["", "## Metrics", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    md += ["| " + " | ".join(row) + " |" for row in rows]
    md += ["", "## Plots", ""] + [f"![{alt}]({name})" for name, alt in plots]
    md += ["", f"## The {len(bad)} worst questions", ""]
    for r in bad:
        md += [f"### {r.id} ({r.question_type})", "", f"- **question**: {r.question}", f"- **gold**: {r.gold}",
               f"- **short answer**: {r.short_answer or ''}",
               f"- **answer**: {r.prediction if r.prediction is not None else '(retrieval only)'}",
               f"- **first relevant rank**: {r.first_relevant_rank if r.judged else '-'}"]
        md += [f"- **[{c['n']}] {c['title']}**: “{c['quote']}”" for c in r.citations]
        md.append("")
    (folder / "report.md").write_text("\n".join(md), encoding="utf-8")

    e = html.escape
    page = ["<!doctype html><html><head><meta charset='utf-8'><title>Newsdesk eval report</title>",
            "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto}table{border-collapse:collapse}"
            "td,th{border:1px solid #ccc;padding:3px 6px;font-size:13px}img{max-width:100%}</style></head><body>",
            "<h1>Newsdesk eval report</h1><h2>Configuration</h2><ul>"]
    page += [f"<li><b>{e(str(k))}</b>: <code>{e(str(v))}</code></li>" for k, v in config.items()]
    page += ["</ul><h2>Metrics</h2><table><tr>" + "".join(f"<th>{e(h)}</th>" for h in header) + "</tr>"]
    page += ["<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in rows]
    page += ["</table><h2>Plots</h2>"] + [f"<p><img src='{name}' alt='{e(alt)}'></p>" for name, alt in plots]
    page += [f"<h2>The {len(bad)} worst questions</h2>"]
    for r in bad:
        page += [f"<h3>{e(r.id)} ({e(r.question_type)})</h3><ul><li><b>question</b>: {e(r.question)}</li>",
                 f"<li><b>gold</b>: {e(r.gold)}</li><li><b>answer</b>: {e(r.prediction or '(retrieval only)')}</li>",
                 f"<li><b>first relevant rank</b>: {e(str(r.first_relevant_rank) if r.judged else '-')}</li>"]
        page += [f"<li><b>[{c['n']}] {e(c['title'])}</b>: “{e(c['quote'])}”</li>" for c in r.citations]
        page.append("</ul>")
    page.append("</body></html>")
    (folder / "report.html").write_text("\n".join(page), encoding="utf-8")
