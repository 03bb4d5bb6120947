"""Sentences of the report: a pack's templates filled with figures formatted for prose.

Wording lives in the pack (`report.toml`, `[report.sentences]`); this module only formats the
figures each template may use and falls back to a plain sentence where a pack has none.
Numbers are rounded here, for display; every comparison was made on full precision before.
"""

from __future__ import annotations

from collections.abc import Mapping
from string import Formatter

from zicha.domain.numbers import fmt, fmt_trim
from zicha.domain.orgunit import OrgUnit
from zicha.domain.period import Period
from zicha.domain.result import IndicatorResult, Interval
from zicha.domain.target import Bound
from zicha.engine.sampling import is_small

PROSE_UNITS = {
    "‰",
    "%",
    "/10万",
    "人",
    "例",
    "万元",
    "元",
    "件",
    "条",
    "份",
    "期",
    "架次",
    "次",
    "个",
    "家",
}

SCOPE_BY_KIND = {
    "half": "半年来",
    "fhalf": "半年来",
    "quarter": "本季度",
    "fquarter": "本季度",
    "month": "本月",
    "year": "全年",
    "fyear": "全年",
}

GENERIC = "{name}{target}，{scope}{name}为{to_date}，{progress_clause}{verdict}。"
GENERIC_NO_DATA = "{name}{target}，{scope}缺少计算{name}所需的数据，暂无法判断完成情况。"
#: the `{caution}` of a figure counted from few events (a pack's `[report.words] small_sample`)
CAUTION = "（仅基于{events}例，{level}置信区间为{interval}，受偶然因素影响大）"


def with_unit(x: float | None, decimals: int, unit: str) -> str:
    """A figure as prose writes it: 233人, 6.55‰, 85.41%; units in brackets are left out.

    >>> with_unit(6.549911, 2, "‰"), with_unit(106.19, 1, "（女=100）"), with_unit(None, 0, "人")
    ('6.55‰', '106.2', '—')
    """
    if x is None:
        return "—"
    text = fmt(x, decimals)
    return text + unit if unit in PROSE_UNITS else text


def pct(share: float | None) -> str:
    """A share as a percentage to one decimal: 0.49863 → 49.9%.

    >>> pct(0.4986301), pct(None)
    ('49.9%', '—')
    """
    return "—" if share is None else f"{fmt(share * 100, 1)}%"


def bound_phrase(bound: Bound, decimals: int, unit: str) -> str:
    """The target as prose: 控制在510人以内, 达到85%以上, 控制在105～107之间.

    >>> bound_phrase(Bound("<=", 510.0), 0, "人"), bound_phrase(Bound(">=", 85.0), 2, "%")
    ('控制在510人以内', '达到85%以上')
    >>> bound_phrase(Bound("range", low=105.0, high=107.0), 1, "（女=100）")
    '控制在105～107之间'
    """
    u = unit if unit in PROSE_UNITS else ""

    def n(x: float | None) -> str:
        return fmt_trim(x, max(decimals, 2))

    if bound.op == "range":
        return f"控制在{n(bound.low)}～{n(bound.high)}{u}之间"
    v = n(bound.value)
    return {
        "<=": f"控制在{v}{u}以内",
        "<": f"控制在{v}{u}以下",
        ">=": f"达到{v}{u}以上",
        ">": f"高于{v}{u}",
        "=": f"为{v}{u}",
    }[bound.op]


def scope_phrase(period: Period, span: Period | None, target_period: Period | None) -> str:
    """How a sentence opens its figure: 半年来, 全年, 截至2011年6月30日累计."""
    if span is None or target_period is None:
        return SCOPE_BY_KIND.get(period.kind, f"{period.label}")
    if span.start == period.start and span.end == period.end:
        return SCOPE_BY_KIND.get(period.kind, period.label)
    if span.start == target_period.start and span.end == target_period.end:
        return "全年"
    end = span.end
    return f"截至{end.year}年{end.month}月{end.day}日累计"


def org_kind(unit: OrgUnit) -> str:
    """The one-character kind used in 全乡 / 全镇 / 全县.

    >>> [org_kind(OrgUnit(str(i), n)) for i, n in enumerate(["XX乡", "城关镇", "某单位"])]
    ['乡', '镇', '单位']
    """
    last = unit.name[-1:] if unit.name else ""
    return last if last in "乡镇县村区市" and last else "单位"


def progress_clause(r: IndicatorResult) -> str:
    """Completion against time progress, for counts: 低于时间进度8.8个百分点."""
    if r.completion is None or r.elapsed is None or r.target is None:
        return ""
    gap = (r.completion - r.elapsed) * 100
    points = f"{fmt(abs(gap), 1)}个百分点"
    if r.target.bound.is_cap:
        return f"比时间进度低{points}" if gap <= 0 else f"超出时间进度{points}"
    return f"高于时间进度{points}" if gap >= 0 else f"低于时间进度{points}"


def verdict(r: IndicatorResult) -> str:
    """The judgement in words, by status and by how the indicator behaves over time."""
    kind = r.indicator.kind
    cap = r.target is not None and r.target.bound.is_cap
    if r.status == "met":
        final = r.elapsed is not None and r.elapsed >= 1
        return "已完成目标" if final or kind != "count" else "已提前完成全年目标"
    if r.status == "not_met":
        if kind == "count" and cap and r.elapsed is not None and r.elapsed < 1:
            return "已突破全年控制数，目标未能完成"
        return "未完成目标"
    if r.status == "on_track":
        if kind in ("ratio", "level"):
            return "达到目标要求"
        return "符合时间进度要求"
    if r.status == "at_risk":
        if kind == "rate":
            return (
                "超出按时间进度折算的控制目标，全年有超标风险"
                if cap
                else "低于按时间进度折算的目标"
            )
        if kind == "count":
            return "超出时间进度，全年有突破控制数的风险" if cap else "进度滞后，需加快进度"
        return "未达到目标要求"
    if r.status == "no_data":
        return "缺少数据，暂无法判断"
    return ""


def interval_text(interval: Interval | None, decimals: int, unit: str) -> str:
    """A chance interval as prose: 0.13‰～27.86‰.

    >>> interval_text(Interval(0.1266, 27.858, 1.0), 2, "‰"), interval_text(None, 2, "‰")
    ('0.13‰～27.86‰', '—')
    """
    if interval is None:
        return "—"
    return f"{with_unit(interval.low, decimals, unit)}～{with_unit(interval.high, decimals, unit)}"


def caution(r: IndicatorResult, template: str = CAUTION) -> str:
    """The caution a figure counted from few events carries; empty for any other figure.

    The figure is the one a sentence states: the year to date when there is a target.
    """
    interval = r.to_date_interval if r.target is not None else r.interval
    if not is_small(r.indicator, interval):
        return ""
    assert interval is not None
    return fill(
        template,
        {
            "events": fmt_trim(interval.events),
            "level": f"{fmt(interval.level * 100)}%",
            "interval": interval_text(interval, r.indicator.decimals, r.indicator.unit),
        },
    )


def fields(
    r: IndicatorResult,
    unit_of_org: OrgUnit,
    period: Period,
    words: Mapping[str, object] | None = None,
) -> dict[str, str]:
    """Every placeholder a sentence template may use, formatted."""
    ind = r.indicator
    dec, unit = ind.decimals, ind.unit
    target = r.target
    clause = progress_clause(r)
    template = (words or {}).get("small_sample")
    shown = r.to_date_interval if target is not None else r.interval
    return {
        "name": ind.name,
        "unit": unit if unit in PROSE_UNITS else "",
        "target": bound_phrase(target.bound, dec, unit) if target else "",
        "value": with_unit(r.value, dec, unit),
        "to_date": with_unit(r.to_date if target else r.value, dec, unit),
        "projection": with_unit(r.projection, dec, unit),
        "annualized": with_unit(r.annualized, dec, unit),
        "numerator": fmt_trim(r.numerator),
        "denominator": fmt_trim(r.denominator),
        "elapsed": pct(r.elapsed),
        "completion": pct(r.completion),
        "gap": fmt(abs((r.completion or 0) - (r.elapsed or 0)) * 100, 1) + "个百分点",
        "progress": clause,
        "progress_clause": f"{clause}，" if clause else "",
        "verdict": verdict(r),
        "scope": scope_phrase(period, r.to_date_period, target.period if target else None),
        "org": unit_of_org.name,
        "org_kind": org_kind(unit_of_org),
        "period": period.label,
        "interval": interval_text(shown, dec, unit),
        "events": fmt_trim(shown.events) if shown is not None else "—",
        "caution": caution(r, template if isinstance(template, str) else CAUTION),
    }


def comparison_phrase(r: IndicatorResult) -> str:
    """同比 and 环比 in words: 比上年同期增加12人，增长5.4%；比上期减少0.3‰.

    Empty when there is nothing to compare with.
    """
    ind = r.indicator
    parts: list[str] = []
    for label, c in (("上年同期", r.previous_year), ("上期", r.previous_period)):
        if c is None or c.change is None:
            continue
        if label == "上期" and r.previous_year is not None and c.period == r.previous_year.period:
            continue  # the period before a year is the year before: said once
        unit = ind.unit if ind.unit in PROSE_UNITS else ""
        if ind.unit in ("%", "‰"):
            unit = "个百分点" if ind.unit == "%" else "个千分点"
        if c.change == 0:
            parts.append(f"与{label}持平")
            continue
        direction = "增加" if c.change > 0 else "减少"
        text = f"比{label}{direction}{fmt_trim(abs(c.change), max(ind.decimals, 1))}{unit}"
        if c.change_pct is not None and ind.unit not in ("%", "‰"):
            grow = "增长" if c.change > 0 else "下降"
            text += f"，{grow}{fmt(abs(c.change_pct) * 100, 1)}%"
        parts.append(text)
    return "；".join(parts)


def sentence(
    r: IndicatorResult,
    templates: Mapping[str, object],
    unit_of_org: OrgUnit,
    period: Period,
    words: Mapping[str, object] | None = None,
) -> str:
    """The sentence for one target, from the pack's template or the plain fallback."""
    values = fields(r, unit_of_org, period, words)
    if r.status == "no_data":
        return GENERIC_NO_DATA.format_map(values)
    template = templates.get(r.indicator.id)
    text = fill(template if isinstance(template, str) else GENERIC, values)
    compared = comparison_phrase(r)
    return f"{text}{compared}。" if compared else text


def pack_words(own: object, defaults: Mapping[str, str]) -> dict[str, str]:
    """A pack's phrases (a `[report.*_words]` table) over a view's defaults.

    >>> pack_words({"a": "甲", "n": 1}, {"a": "A", "b": "B"})
    {'a': '甲', 'b': 'B'}
    """
    out = dict(defaults)
    if isinstance(own, Mapping):
        out.update({str(k): v for k, v in own.items() if isinstance(v, str)})
    return out


def fill(template: str, values: Mapping[str, str]) -> str:
    """Fill `{name}` placeholders; an unknown placeholder is left visible, never an error.

    >>> fill("{a}和{b}", {"a": "甲"})
    '甲和{b}'
    """
    out: list[str] = []
    for literal, field, _spec, _conv in Formatter().parse(template):
        out.append(literal)
        if field is not None:
            out.append(values.get(field, "{" + field + "}"))
    return "".join(out)
