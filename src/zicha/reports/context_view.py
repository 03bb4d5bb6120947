"""Outside figures beside the unit's own: national goals and levels a pack names as context
(`[[context]]` in `context.toml`), each with the document it comes from, and what may be said of
the difference.

A pack places them with a `[[report.sections]]` entry of `content = "context"`. A figure counted
from few events is compared on its chance interval (`zicha.engine.sampling`): a township's 4.88‰
from one infant death is neither better nor worse than a national 5‰, and the report says so.
Every phrase comes from `[report.context_words]`; the defaults below are plain and neutral.
"""

from __future__ import annotations

from zicha.domain.numbers import fmt, fmt_trim, typed_decimals
from zicha.domain.pack import Pack, ReferenceValue, Source
from zicha.domain.result import Computation, IndicatorResult, Interval
from zicha.domain.target import Bound
from zicha.engine.sampling import LEVEL, against_bound, against_level
from zicha.reports.document import Block, Paragraph
from zicha.reports.wording import (
    PROSE_UNITS,
    fill,
    interval_text,
    org_kind,
    pack_words,
    with_unit,
)

CONTENT = "context"

#: every phrase, overridable by the pack's `[report.context_words]`
DEFAULT_WORDS: dict[str, str] = {
    "intro": "下列指标与国家目标或全国水平对照。按例数计算的指标同时给出{level}置信区间，"
    "区间跨过参照值时，两者的差异可能只是偶然波动，不宜据此评判。",
    "line": "{name}：本{org_kind}{period}为{value}{interval_clause}；{references}。{verdicts}",
    "interval_clause": "（{events}例，{level}置信区间{interval}）",
    "annualized": "折合全年",
    "reference_goal": "{label}为{goal}（{title}）",
    "reference_level": "{label}为{value}（{title}）",
    "joiner": "，",
    "verdicts": "{clauses}。",
    "met": "达到{label}",
    "missed": "未达到{label}",
    "above": "高于{label}",
    "below": "低于{label}",
    "equal": "与{label}持平",
    "chance": "与{label}的差异在偶然波动范围内",
    "chance_many": "与{label}的差异均在偶然波动范围内",
    # labels said together: 2030年国家目标、2025年国家目标和2024年全国水平
    "and": "和",
    "no_data": "{name}：本期缺少数据；{references}。",
    "sources": "参照值出处：{sources}。",
}


def words(pack: Pack) -> dict[str, str]:
    """The pack's context phrases over the defaults."""
    return pack_words(pack.report.get("context_words"), DEFAULT_WORDS)


def goal_text(bound: Bound, unit: str) -> str:
    """A goal as prose, its figures as published: 5.0‰以下, 4.5个以上, 103～107.

    >>> goal_text(Bound("<=", 5.0), "‰"), goal_text(Bound("range", low=103, high=107), "")
    ('5.0‰以下', '103～107')
    """
    if bound.op == "range":
        u = unit if unit in PROSE_UNITS else ""
        low, high = _figure_text(bound.low, ""), _figure_text(bound.high, "")
        return f"{low}～{high}{u}"
    v = _figure_text(bound.value, unit)
    return {
        "<=": f"{v}以下",
        "<": f"低于{v}",
        ">=": f"{v}以上",
        ">": f"高于{v}",
        "=": v,
    }[bound.op]


def _shown(r: IndicatorResult, c: Computation) -> tuple[float | None, bool]:
    """The figure set beside annual national figures: a per-period rate of a part of a year is
    annualized (and the line says so)."""
    if r.indicator.kind == "rate" and c.period.days < 365 and r.annualized is not None:
        return r.annualized, True
    return r.value, False


def _reference_phrase(
    ref: ReferenceValue, r: IndicatorResult, pack: Pack, w: dict[str, str]
) -> str:
    ind = r.indicator
    source = pack.sources.get(ref.source)
    title = f"《{source.title}》" if source is not None else ref.source
    if ref.bound is not None:
        goal = goal_text(ref.bound, ind.unit)
        return fill(w["reference_goal"], {"label": ref.label, "goal": goal, "title": title})
    value = _figure_text(ref.value, ind.unit)
    return fill(w["reference_level"], {"label": ref.label, "value": value, "title": title})


def _verdicts(
    refs: list[ReferenceValue], figure: float, interval: Interval | None, w: dict[str, str]
) -> list[str]:
    """One clause per outcome, the references with that outcome said together."""
    grouped: dict[str, list[str]] = {}
    for ref in refs:
        if not ref.compare:
            continue
        if ref.bound is not None:
            outcome = against_bound(ref.bound, figure, interval)
        else:
            assert ref.value is not None
            outcome = against_level(ref.value, figure, interval)
        grouped.setdefault(outcome, []).append(ref.label)
    clauses = []
    for verdict, labels in grouped.items():
        said = labels[0] if len(labels) == 1 else "、".join(labels[:-1]) + w["and"] + labels[-1]
        key = f"{verdict}_many" if len(labels) > 1 and f"{verdict}_many" in w else verdict
        clauses.append(fill(w[key], {"label": said}))
    return clauses


def _figure_text(x: float | None, unit: str) -> str:
    """An outside figure as it was published: its own decimals (one at least for ‰).

    >>> _figure_text(4.0, "‰"), _figure_text(12.0, "/10万"), _figure_text(6.77, "‰")
    ('4.0‰', '12/10万', '6.77‰')
    """
    if x is None:
        return "—"
    decimals = typed_decimals(x)
    if unit == "‰":
        decimals = max(decimals, 1)
    return with_unit(x, decimals, unit)


def context_blocks(pack: Pack, c: Computation) -> list[Block]:
    """The unit's figures beside the pack's reference values, one paragraph per indicator, and
    the documents they come from."""
    if not pack.references:
        return []
    w = words(pack)
    by_indicator: dict[str, list[ReferenceValue]] = {}
    for ref in pack.references:
        by_indicator.setdefault(ref.indicator, []).append(ref)
    results = {r.indicator.id: r for r in c.indicators}
    blocks: list[Block] = [Paragraph(fill(w["intro"], {"level": f"{fmt(LEVEL * 100)}%"}))]
    cited: dict[str, Source] = {}
    for ind_id, refs in by_indicator.items():
        r = results.get(ind_id)
        if r is None:
            continue
        ind = r.indicator
        references = w["joiner"].join(_reference_phrase(ref, r, pack, w) for ref in refs)
        for ref in refs:
            if ref.source in pack.sources:
                cited.setdefault(ref.source, pack.sources[ref.source])
        figure, annualized = _shown(r, c)
        if figure is None:
            blocks.append(
                Paragraph(fill(w["no_data"], {"name": ind.name, "references": references}))
            )
            continue
        clause = ""
        if r.interval is not None and not annualized:  # the comparison is made on it: show it
            clause = fill(
                w["interval_clause"],
                {
                    "events": fmt_trim(r.interval.events),
                    "level": f"{fmt(r.interval.level * 100)}%",
                    "interval": interval_text(r.interval, ind.decimals, ind.unit),
                },
            )
        verdicts = _verdicts(refs, figure, None if annualized else r.interval, w)
        value = with_unit(figure, ind.decimals, ind.unit)
        line = fill(
            w["line"],
            {
                "name": ind.name,
                "org_kind": org_kind(c.org_unit),
                "period": c.period.label,
                "value": (w["annualized"] + value) if annualized else value,
                "interval_clause": clause,
                "references": references,
                "verdicts": fill(w["verdicts"], {"clauses": w["joiner"].join(verdicts)})
                if verdicts
                else "",
            },
        )
        blocks.append(Paragraph(line))
    if cited:
        listed = "；".join(s.citation() for s in cited.values())
        blocks.append(Paragraph(fill(w["sources"], {"sources": listed})))
    return blocks


def context_sections(pack: Pack, computation: Computation) -> dict[str, list[Block]]:
    """The body of the pack's `context` section, keyed by content (as `extra_sections` wants)."""
    return {CONTENT: context_blocks(pack, computation)}
