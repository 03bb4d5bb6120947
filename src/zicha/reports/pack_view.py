"""A pack shown on a terminal: its elements, indicators and rules."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from zicha.domain.expression import describe, parse
from zicha.domain.pack import Pack

KIND_LABELS = {"count": "累计数", "level": "期末数", "rate": "期间率", "ratio": "比率"}


def print_pack(console: Console, pack: Pack) -> None:
    names = pack.display_names()
    label = "（历史业务包）" if pack.historical else ""
    console.print(f"[bold]{pack.name}[/bold] {pack.id}{label}")
    if pack.description:
        console.print(pack.description)
    console.print(f"统计年度起始月：{pack.year_start_month} 月")
    if pack.timeline:
        console.print("[bold]政策时间线[/bold]")
        for t in pack.timeline:
            console.print(f"  {t.date}  {t.text}")
    elements = Table(title="数据项", header_style="bold")
    for col in ("代码", "名称", "单位", "类型"):
        elements.add_column(col)
    for e in pack.elements.values():
        elements.add_row(e.id, e.name, e.unit, "存量（期末数）" if e.is_stock else "流量（累计）")
    console.print(elements)
    indicators = Table(title="指标", header_style="bold")
    for col in ("代码", "名称", "单位", "类型", "计算公式"):
        indicators.add_column(col)
    for i in pack.indicators.values():
        formula = describe(parse(i.numerator), names)
        if i.denominator:
            formula = f"({formula}) ÷ ({describe(parse(i.denominator), names)})"
        if i.factor != 1:
            formula += f" × {i.factor:g}"
        indicators.add_row(i.id, i.name, i.unit, KIND_LABELS[i.kind], formula)
    console.print(indicators)
    rules = Table(title="校验规则", header_style="bold")
    for col in ("代码", "规则", "级别"):
        rules.add_column(col)
    for r in pack.rules:
        rules.add_row(r.id, r.name, "错误" if r.severity == "error" else "提示")
    console.print(rules)
    if pack.references:
        context = Table(title="参照值（报告中作为背景，不计分）", header_style="bold")
        for col in ("指标", "参照", "数值", "出处"):
            context.add_column(col)
        for ref in pack.references:
            ind = pack.indicators.get(ref.indicator)
            shown = ref.bound.text() if ref.bound is not None else f"{ref.value:g}"
            source = pack.sources.get(ref.source)
            context.add_row(
                ind.name if ind else ref.indicator,
                ref.label,
                shown + (ind.unit if ind and ind.unit in ("‰", "%", "/10万") else ""),
                f"《{source.title}》" if source else ref.source,
            )
        console.print(context)
    if pack.sources:
        console.print("[bold]资料来源[/bold]")
        for n, source in enumerate(pack.sources.values(), start=1):
            console.print(f"  {n}. {source.citation()}")
            if source.note:
                console.print(f"     {source.note}")
