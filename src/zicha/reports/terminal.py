"""Result objects as readable Chinese tables on a terminal (rich)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from zicha.domain.finding import Finding
from zicha.domain.numbers import fmt, fmt_trim
from zicha.domain.result import (
    STATUS_LABELS,
    UNRANKED_LABELS,
    Computation,
    IndicatorResult,
    Ranking,
)
from zicha.reports.checklist_view import checklist_line

STATUS_STYLES = {
    "met": "green",
    "on_track": "green",
    "not_met": "bold red",
    "at_risk": "yellow",
    "no_data": "dim",
    "no_target": "",
}


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{fmt(x * 100, 1)}%"


def indicator_row(r: IndicatorResult) -> list[str | Text]:
    ind = r.indicator
    dec = ind.decimals
    target = r.target.bound.text() if r.target else ""
    score = "" if r.points is None else f"{fmt_trim(r.score, 2)}/{fmt_trim(r.points, 2)}"
    status = Text(STATUS_LABELS[r.status], style=STATUS_STYLES[r.status])
    value = fmt(r.value, dec)
    if r.annualized is not None:
        value += f"（年化 {fmt(r.annualized, dec)}）"
    return [
        ind.name,
        value,
        ind.unit,
        target,
        fmt(r.to_date, dec) if r.target else "",
        _pct(r.elapsed) if r.target else "",
        fmt(r.projection, dec) if r.target else "",
        status,
        score,
    ]


def computation_table(c: Computation, show_all: bool = False) -> Table:
    """Indicators of a computation; without `show_all`, those with neither data nor target are
    left out."""
    table = Table(
        title=f"{c.org_unit.name}（{c.org_unit.code}） {c.period.label}",
        title_style="bold",
        header_style="bold",
    )
    for name, justify in [
        ("指标", "left"),
        ("本期数值", "right"),
        ("单位", "left"),
        ("目标", "left"),
        ("累计", "right"),
        ("时间进度", "right"),
        ("预计全年", "right"),
        ("状态", "left"),
        ("得分", "right"),
    ]:
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for r in c.indicators:
        if not show_all and r.value is None and r.target is None:
            continue
        table.add_row(*indicator_row(r))
    return table


def print_findings(console: Console, findings: Sequence[Finding]) -> None:
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = len(findings) - errors
    if not findings:
        console.print("[green]未发现数据问题。[/green]")
        return
    console.print(
        f"[bold]数据核查：[red]{errors} 个错误[/red]，[yellow]{warnings} 个提示[/yellow][/bold]"
    )
    for i, f in enumerate(findings, start=1):
        label = "[red]错误[/red]" if f.severity == "error" else "[yellow]提示[/yellow]"
        console.print(f"{i:>3}. {label} {f.message}", highlight=False)


def print_computation(console: Console, c: Computation, show_all: bool = False) -> None:
    if c.indicators or c.checklist is None:
        console.print(computation_table(c, show_all))
    if c.checklist is not None:  # checked items (CONTRACT §6)
        console.print(checklist_line(c))
    if c.score.max:
        veto = "（一票否决）" if c.score.vetoed else ""
        console.print(
            f"[bold]自评得分：{fmt(c.score.total, 1)} / {fmt(c.score.max, 1)}{veto}[/bold]"
        )
    print_findings(console, c.findings)


def ranking_table(r: Ranking) -> Table:
    """The ranking as a terminal table: rank, unit, total, each item's score."""
    table = Table(
        title=f"{r.org_unit.name}所属单位考核排名  {r.period.label}",
        title_style="bold",
        header_style="bold",
    )
    names: list[tuple[str, str]] = []
    for row in r.rows:
        for item in row.items:
            if (item.indicator, item.name) not in names:
                names.append((item.indicator, item.name))
    table.add_column("名次", justify="right")
    table.add_column("单位")
    table.add_column("得分", justify="right")
    for _, name in names:
        table.add_column(name, justify="right")
    for row in r.rows:
        by_id = {i.indicator: i for i in row.items}
        if row.unranked is not None:
            score = Text(UNRANKED_LABELS[row.unranked], style="dim")
        else:
            score = Text(
                f"{fmt_trim(row.total, 2)}/{fmt_trim(row.max, 2)}"
                + ("（否决）" if row.vetoed else ""),
                style="bold red" if row.vetoed else "bold",
            )
        cells: list[str | Text] = ["—" if row.rank is None else str(row.rank), row.org_unit.name]
        cells.append(score)
        for key, _ in names:
            found = by_id.get(key)
            if found is None or found.points is None:
                cells.append("")
            else:
                cells.append(
                    Text(
                        f"{fmt_trim(found.score, 2)}/{fmt_trim(found.points, 2)}",
                        style=STATUS_STYLES[found.status],
                    )
                )
        table.add_row(*cells)
    return table
