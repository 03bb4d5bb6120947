"""A :class:`~zicha.reports.document.Chart` as inline SVG for the HTML report.

The text stays text: the browser sets it in the first font of the stack it has, so no font is
needed where the report is drafted. Lengths are in tenths of a millimetre (the ``viewBox``),
so the chart prints at its width in millimetres.
"""

from __future__ import annotations

from html import escape
from typing import Final

from zicha.reports.document import Chart, ChartSeries, text_width_chars

__all__ = ["render_svg"]

_U: Final = 10  # user units per millimetre
_FONT_PT: Final = 8
_TITLE_PT: Final = 10.5
_PT_MM: Final = 25.4 / 72


def _size(pt: float) -> float:
    return round(pt * _PT_MM * _U, 1)


def _label(chart: Chart, v: float) -> str:
    if chart.percent:
        return f"{v * 100:.1f}%"
    return f"{v:g}"


def _tick(chart: Chart, v: float) -> str:
    if chart.percent:
        return f"{v * 100:.0f}%"
    return f"{v:g}"


def _text(x: float, y: float, text: str, size: float, anchor: str = "middle", **extra: str) -> str:
    attrs = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in extra.items())
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}"{attrs}>'
        f"{escape(text)}</text>"
    )


def _line(x1: float, y1: float, x2: float, y2: float, colour: str, width: float = 2) -> str:
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
        f'stroke-width="{width:g}"/>'
    )


def _legend(chart: Chart, width: float, y: float) -> list[str]:
    size = _size(_FONT_PT)
    items: list[tuple[ChartSeries, float]] = []
    for s in chart.series:
        items.append((s, 60 + text_width_chars(s.name) * size + 40))
    x = (width - sum(w for _, w in items)) / 2
    out: list[str] = []
    for s, w in items:
        if s.kind == "bar":
            out.append(
                f'<rect x="{x:.1f}" y="{y - 22:.1f}" width="40" height="26" fill="#{s.color}"/>'
            )
        else:
            dash = ' stroke-dasharray="12 8"' if s.dashed else ""
            out.append(
                f'<line x1="{x:.1f}" y1="{y - 9:.1f}" x2="{x + 40:.1f}" y2="{y - 9:.1f}" '
                f'stroke="#{s.color}" stroke-width="7"{dash}/>'
            )
        out.append(_text(x + 52, y, s.name, size, "start"))
        x += w
    return out


def render_svg(chart: Chart) -> str:
    """The chart as an ``<svg>`` element, ``chart.width_mm`` wide."""
    width = chart.width_mm * _U
    height = chart.height_mm * _U
    size = _size(_FONT_PT)
    top, step = chart.axis_max(), chart.axis_step()
    ticks = [i * step for i in range(round(top / step) + 1)]
    n = max(len(chart.categories), 1)
    title_h = _size(_TITLE_PT) * 2.2
    legend_h = size * 2.6
    axis_title_h = size * 2.2 if chart.value_title else 0
    parts: list[str] = [
        _text(width / 2, _size(_TITLE_PT) * 1.3, chart.title, _size(_TITLE_PT)),
        *_legend(chart, width, height - size * 0.8),
    ]
    bars = [s for s in chart.series if s.kind == "bar"]
    if chart.horizontal:
        label_w = max((text_width_chars(c) for c in chart.categories), default=0) * size + 30
        x0, x1 = label_w, width - 60
        y0, y1 = title_h, height - legend_h - axis_title_h - size * 1.8
    else:
        label_w = max(text_width_chars(_tick(chart, t)) for t in ticks) * size + 30
        x0, x1 = label_w + (size * 1.8 if chart.value_title else 0), width - 30
        y0, y1 = title_h, height - legend_h - size * 2.2

    def scale(v: float) -> float:
        share = max(0.0, min(v / top, 1.0)) if top else 0.0
        return x0 + share * (x1 - x0) if chart.horizontal else y1 - share * (y1 - y0)

    for t in ticks:  # gridlines and tick labels
        p = scale(t)
        if chart.horizontal:
            parts.append(_line(p, y0, p, y1, "#d9d9d9"))
            parts.append(_text(p, y1 + size * 1.3, _tick(chart, t), size))
        else:
            parts.append(_line(x0, p, x1, p, "#d9d9d9"))
            parts.append(_text(x0 - 12, p + size * 0.35, _tick(chart, t), size, "end"))
    band = ((y1 - y0) if chart.horizontal else (x1 - x0)) / n
    thick = band / (len(bars) + 0.8) if bars else 0
    for i, category in enumerate(chart.categories):
        centre = (y0 if chart.horizontal else x0) + band * (i + 0.5)
        if chart.horizontal:
            parts.append(_text(x0 - 12, centre + size * 0.35, category, size, "end"))
        else:
            parts.append(_text(centre, y1 + size * 1.3, category, size))
        for j, s in enumerate(bars):
            v = s.values[i]
            if v is None:
                continue
            colour = (s.point_colors[i] if s.point_colors else None) or s.color
            start = centre - thick * len(bars) / 2 + thick * j
            end = scale(v)
            if chart.horizontal:
                rect = (x0, start, end - x0, thick)
                label_at = (end + 10, start + thick / 2 + size * 0.35, "start")
            else:
                rect = (start, end, thick, y1 - end)
                label_at = (start + thick / 2, end - 10, "middle")
            parts.append(
                f'<rect x="{rect[0]:.1f}" y="{rect[1]:.1f}" width="{rect[2]:.1f}" '
                f'height="{rect[3]:.1f}" fill="#{colour}"/>'
            )
            if s.labels:
                parts.append(_text(label_at[0], label_at[1], _label(chart, v), size, label_at[2]))
    for s in chart.series:
        if s.kind != "line":
            continue
        runs: list[list[str]] = [[]]
        for i, v in enumerate(s.values):
            if v is None:
                runs.append([])
                continue
            runs[-1].append(f"{x0 + band * (i + 0.5):.1f},{scale(v):.1f}")
        dash = ' stroke-dasharray="24 14"' if s.dashed else ""
        for run in runs:
            if len(run) > 1:
                parts.append(
                    f'<polyline points="{" ".join(run)}" fill="none" stroke="#{s.color}" '
                    f'stroke-width="6"{dash}/>'
                )
            if s.marker:
                for point in run:
                    px, py = point.split(",")
                    parts.append(f'<circle cx="{px}" cy="{py}" r="9" fill="#{s.color}"/>')
    axis = "#7f7f7f"
    if chart.horizontal:
        parts.append(_line(x0, y0, x0, y1, axis, 3))
        if chart.value_title:
            parts.append(_text((x0 + x1) / 2, y1 + size * 3, chart.value_title, size))
    else:
        parts.append(_line(x0, y1, x1, y1, axis, 3))
        if chart.value_title:
            cx, cy = size, (y0 + y1) / 2
            parts.append(
                _text(cx, cy, chart.value_title, size, transform=f"rotate(-90 {cx:.1f} {cy:.1f})")
            )
    return (
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" '
        f'style="width: {chart.width_mm:g}mm" role="img" aria-label="{escape(chart.title)}">'
        + "".join(parts)
        + "</svg>"
    )
