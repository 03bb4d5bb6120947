"""A report's fact-check as the JSON of CONTRACT §9 and as lines on a terminal."""

from __future__ import annotations

import math
from typing import Any

from rich.console import Console
from rich.table import Table

from zicha.domain.factcheck import FactCheck, FactFinding, Figure
from zicha.domain.numbers import fmt_trim

SEVERITY_LABELS = {"error": "错误", "warning": "提示", "note": "说明"}
SEVERITY_STYLES = {"error": "red", "warning": "yellow", "note": "cyan"}
ROLE_LABELS = {
    "actual": "本期",
    "target": "目标",
    "projection": "预计",
    "annualized": "年化",
    "last_year": "去年同期",
    "change": "变化",
    "share": "占比",
    "difference": "差值",
    "quoted": "引述",
    "to_date": "累计",
}


def _bound(x: float | None) -> float | None:
    return None if x is None or math.isinf(x) else x


def figure_json(fc: FactCheck, f: Figure) -> dict[str, Any]:
    """A figure: CONTRACT §9's keys, then what else the check read."""
    return {
        "label": f.label,
        "value": f.value,
        "unit": f.unit,
        "text": f.text,
        "sentence": fc.sentences[f.sentence],
        "index": f.index,
        "term": f.term,
        "role": f.role,
        "form": f.form,
        "bounds": [_bound(f.low), _bound(f.high)],
        "qualifier": f.qualifier,
        "scope": f.scope,
        "said": f.said,
    }


def finding_json(fc: FactCheck, f: FactFinding) -> dict[str, Any]:
    return {
        "rule": f.rule,
        "severity": f.severity,
        "message": f.message,
        "sentences": [fc.sentences[i] for i in fc.sentences_of(f)],
        "figures": [figure_json(fc, fc.figures[i]) for i in dict.fromkeys(f.figures)],
        "terms": list(f.terms),
    }


def factcheck_json(fc: FactCheck) -> dict[str, Any]:
    """The document of `zicha factcheck --json`."""
    return {
        "file": fc.source,
        "pack": fc.pack,
        "errors": fc.errors,
        "warnings": fc.warnings,
        "notes": fc.notes,
        "figures": [figure_json(fc, f) for f in fc.figures],
        "findings": [finding_json(fc, f) for f in fc.findings],
    }


def print_factcheck(console: Console, fc: FactCheck, figures: bool = False) -> None:
    """The findings, each with the sentences it is about; the figures read when asked for."""
    numbers = sum(1 for f in fc.figures if f.value is not None)
    console.print(
        f"已读取 {fc.source}（业务包 {fc.pack}）：{len(fc.sentences)} 句，"
        f"{len(fc.figures)} 个数字（{len(fc.figures) - numbers} 个空缺）"
    )
    if figures:
        console.print(figures_table(fc))
    if not fc.findings:
        console.print("[green]所述数字之间未发现矛盾。[/green]")
        return
    console.print(
        f"[bold]核查结果：[red]{fc.errors} 个错误[/red]，[yellow]{fc.warnings} 个提示[/yellow]，"
        f"[cyan]{fc.notes} 个说明[/cyan][/bold]"
    )
    for n, f in enumerate(fc.findings, start=1):
        style = SEVERITY_STYLES[f.severity]
        console.print(
            f"{n:>3}. [{style}]{SEVERITY_LABELS[f.severity]}[/{style}] {f.message}",
            highlight=False,
        )
        for i in fc.sentences_of(f):
            console.print(f"       原文：{fc.excerpt(f, i)}", style="dim", markup=False)


def figures_table(fc: FactCheck) -> Table:
    table = Table(title="读到的数字", header_style="bold")
    for name in ("序号", "标签", "数值", "单位", "含义", "原文"):
        table.add_column(name)
    for f in fc.figures:
        value = "空缺" if f.value is None else fmt_trim(f.value, f.decimals + 2)
        table.add_row(
            str(f.index + 1),
            f.label if f.term else f"（{f.label}）",
            value,
            f.unit,
            ROLE_LABELS.get(f.role, f.role) + (f"·{f.scope}" if f.scope else ""),
            f.text,
        )
    return table
