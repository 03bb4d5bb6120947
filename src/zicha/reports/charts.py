"""The report's charts as data (:class:`~zicha.reports.document.Chart`).

No picture is drawn here: the Word writer turns a chart into a native Word chart (which Word,
WPS and LibreOffice draw with the fonts of the machine that opens it, and which the clerk can
edit), the HTML writer into SVG. So no image library and no font is needed to draft a report.
"""

from __future__ import annotations

import math
from typing import Final

from zicha.reports.document import Chart, ChartSeries

__all__ = [
    "BAR",
    "BAR_DONE",
    "GREY",
    "NO_DATA",
    "PACE",
    "WIDTH_MM",
    "monthly_chart",
    "progress_chart",
]

WIDTH_MM: Final = 150.0
BAR: Final = "4A78B5"
BAR_DONE: Final = "3C8D5A"
PACE: Final = "C0392B"
GREY: Final = "8C8C8C"
NO_DATA: Final = "（无数据）"


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def progress_chart(
    items: list[tuple[str, float | None, float]],
    elapsed: float,
    title: str,
    caption: str,
    caps: list[bool] | None = None,
) -> Chart:
    """Horizontal bars of each item's completion against its target, beside the time progress.

    ``items`` are (label, actual, target); completion is actual / target, drawn as a fraction
    shown in per cent. An item whose actual is None (or whose target is 0) has no bar and its
    label says 无数据. ``elapsed`` is the share of the period gone (0.499): each item has a
    second, red bar of that length, so the two can be compared item by item. ``caps`` marks
    items whose target is a cap: for them staying below the time progress is good. A bar is
    green when the item is on pace, blue when it is not.

    >>> items = [("出生人口", 233, 510), ("投入", None, 31.64)]
    >>> c = progress_chart(items, 0.499, "进度", "图1", caps=[True, False])
    >>> c.categories
    ('出生人口', '投入（无数据）')
    >>> [round(v, 4) if v is not None else None for v in c.series[0].values]
    [0.4569, None]
    >>> c.series[0].point_colors
    ('3C8D5A', None)
    """
    is_cap = caps if caps is not None else [False] * len(items)
    labels: list[str] = []
    shares: list[float | None] = []
    colours: list[str | None] = []
    for (label, actual, target), cap in zip(items, is_cap, strict=True):
        if actual is None or target == 0 or not math.isfinite(actual):
            labels.append(label + NO_DATA)
            shares.append(None)
            colours.append(None)
            continue
        share = actual / target
        labels.append(label)
        shares.append(share)
        colours.append(BAR_DONE if (share >= elapsed) != cap else BAR)
    n = max(len(items), 1)
    return Chart(
        title=title,
        categories=tuple(labels),
        series=(
            ChartSeries(
                "累计完成占全年目标的比例",
                tuple(shares),
                color=BAR,
                point_colors=tuple(colours),
                labels=True,
            ),
            ChartSeries(f"时间进度 {_pct(elapsed)}", (elapsed,) * len(items), color=PACE),
        ),
        caption=caption,
        horizontal=True,
        percent=True,
        value_title="完成全年目标的百分比",
        width_mm=WIDTH_MM,
        height_mm=min(40 + 14 * n, 200),
    )


def monthly_chart(
    labels: list[str],
    values: list[float | None],
    pace: list[float] | None,
    title: str,
    caption: str,
    unit: str,
) -> Chart:
    """Bars per month with the cumulative line and, when given, the pace line.

    ``values`` are the monthly figures (None = no data: no bar, the month's label says 无数据
    and the cumulative line pauses); ``pace`` the cumulative target reached at each month's
    time progress. ``unit`` labels the value axis (e.g. "人").

    >>> c = monthly_chart(["1月", "2月", "3月"], [3, None, 2], None, "逐月", "图2", "人")
    >>> c.categories
    ('1月', '2月（无数据）', '3月')
    >>> c.series[1].values
    (3.0, None, 5.0)
    """
    if len(values) != len(labels):
        raise ValueError("labels and values must have the same length")
    if pace is not None and len(pace) != len(labels):
        raise ValueError("labels and pace must have the same length")
    cumulative: list[float | None] = []
    total = 0.0
    for v in values:
        if v is None:
            cumulative.append(None)
        else:
            total += v
            cumulative.append(total)
    series = [
        ChartSeries("当月", tuple(None if v is None else float(v) for v in values), color=BAR),
        ChartSeries("累计", tuple(cumulative), kind="line", color=BAR_DONE, marker=True),
    ]
    if pace is not None:
        series.append(
            ChartSeries(
                "进度目标（累计）",
                tuple(float(p) for p in pace),
                kind="line",
                color=PACE,
                dashed=True,
            )
        )
    return Chart(
        title=title,
        categories=tuple(
            label + (NO_DATA if v is None else "") for label, v in zip(labels, values, strict=True)
        ),
        series=tuple(series),
        caption=caption,
        value_title=f"单位：{unit}",
        width_mm=WIDTH_MM,
        height_mm=85,
    )
