"""Charts for reports, as PNG bytes (matplotlib, Agg backend, a CJK font found on the machine).

Both charts are 150 mm wide at 200 dpi so that they fit the 156 mm text block of an A4
official document without scaling.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from matplotlib.figure import Figure as MplFigure

__all__ = [
    "CJK_FONT_PREFERENCE",
    "DPI",
    "WIDTH_MM",
    "CjkFontMissing",
    "cjk_font",
    "monthly_chart",
    "progress_chart",
]

CJK_FONT_PREFERENCE: Final[tuple[str, ...]] = (
    "Noto Sans CJK SC",
    "Noto Serif CJK SC",
    "WenQuanYi Zen Hei",
    "AR PL UKai CN",
)
DPI: Final = 200
WIDTH_MM: Final = 150.0
_MM_PER_INCH: Final = 25.4

_BAR: Final = "#4a78b5"
_BAR_DONE: Final = "#3c8d5a"
_PACE: Final = "#c0392b"
_GREY: Final = "#8c8c8c"


class CjkFontMissing(RuntimeError):
    """No font able to show Chinese text is installed."""


@lru_cache(maxsize=1)
def cjk_font() -> str:
    """The family name of the CJK font matplotlib will use (first of CJK_FONT_PREFERENCE found).

    Raises CjkFontMissing naming the Debian package to install when none is present.
    """
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONT_PREFERENCE:
        if name in installed:
            return name
    raise CjkFontMissing(
        "未找到中文字体，图表无法显示汉字；请安装 Debian 软件包 fonts-noto-cjk "
        "(apt-get install fonts-noto-cjk) 后重试。"
        f" 已查找: {', '.join(CJK_FONT_PREFERENCE)}"
    )


@contextmanager
def _figure(height_mm: float) -> Iterator[MplFigure]:
    """A figure WIDTH_MM wide drawn with the Agg canvas and the CJK font.

    No pyplot and no global backend switch: the figure has its own Agg canvas, and the font
    settings live in an rc_context that ends with the block.
    """
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    font = cjk_font()
    sans = [f for f in matplotlib.rcParams["font.sans-serif"] if f != font]
    rc: dict[Any, Any] = {
        "font.family": "sans-serif",
        "font.sans-serif": [font, *sans],
        "axes.unicode_minus": False,
    }
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=(WIDTH_MM / _MM_PER_INCH, height_mm / _MM_PER_INCH), dpi=DPI)
        FigureCanvasAgg(fig)
        yield fig


def _png(fig: MplFigure) -> bytes:
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def progress_chart(
    items: list[tuple[str, float | None, float]],
    elapsed: float,
    title: str,
    caps: list[bool] | None = None,
) -> bytes:
    """Horizontal bars of each item's completion against its target, with the time progress.

    ``items`` are (label, actual, target); completion is actual / target. An item whose actual
    is None (or whose target is 0) shows a grey "无数据" label instead of a bar. ``elapsed`` is
    the share of the period gone (0.499 → a vertical line labelled "时间进度 49.9%"). ``caps``
    marks items whose target is a cap: for them staying below the time progress is good.
    """
    n = max(len(items), 1)
    with _figure(height_mm=min(30 + 9 * n, 200)) as fig:
        ax = fig.add_subplot(1, 1, 1)
        labels = [label for label, _, _ in items]
        ys = list(range(len(items)))
        shares: list[float | None] = []
        for _, actual, target in items:
            if actual is None or target == 0 or not math.isfinite(actual):
                shares.append(None)
            else:
                shares.append(actual / target)
        top = max([elapsed, 1.0, *[s for s in shares if s is not None]])
        xmax = top * 1.18
        is_cap = caps if caps is not None else [False] * len(items)
        for y, share, cap in zip(ys, shares, is_cap, strict=True):
            if share is None:
                ax.text(0.01 * xmax, y, "无数据", va="center", ha="left", color=_GREY, fontsize=8)
                continue
            colour = _BAR_DONE if (share >= elapsed) != cap else _BAR
            ax.barh(y, share, height=0.6, color=colour)
            ax.text(
                share + 0.01 * xmax,
                y,
                _pct(share),
                va="center",
                ha="left",
                fontsize=8,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6, "alpha": 0.85},
                zorder=3,
            )
        ax.axvline(elapsed, color=_PACE, linestyle="--", linewidth=1.2)
        ax.text(
            elapsed,
            1.0,
            f"时间进度 {_pct(elapsed)}",
            transform=ax.get_xaxis_transform(),
            color=_PACE,
            ha="center",
            va="bottom",
            fontsize=8,
        )
        ax.set_yticks(ys, labels, fontsize=8)
        ax.invert_yaxis()
        ax.set_xlim(0, xmax)
        ax.set_ylim(len(items) - 0.5, -0.8)
        ax.xaxis.set_major_formatter(lambda x, _pos: f"{x * 100:.0f}%")
        ax.tick_params(axis="x", labelsize=8)
        ax.set_xlabel("完成目标的百分比", fontsize=8)
        ax.set_title(title, fontsize=10, pad=16)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        return _png(fig)


def monthly_chart(
    labels: list[str],
    values: list[float | None],
    pace: list[float] | None,
    title: str,
    unit: str,
) -> bytes:
    """Bars per month with the cumulative line and, when given, the pace line.

    ``values`` are the monthly figures (None = no data: no bar, the cumulative line pauses);
    ``pace`` the cumulative target reached at each month's time progress. ``unit`` labels the
    y axis (e.g. "人").
    """
    if len(values) != len(labels):
        raise ValueError("labels and values must have the same length")
    if pace is not None and len(pace) != len(labels):
        raise ValueError("labels and pace must have the same length")
    with _figure(height_mm=85) as fig:
        ax = fig.add_subplot(1, 1, 1)
        xs = list(range(len(labels)))
        bar_x = [x for x, v in zip(xs, values, strict=True) if v is not None]
        bar_v = [v for v in values if v is not None]
        ax.bar(bar_x, bar_v, width=0.6, color=_BAR, label="当月")
        for x, v in zip(xs, values, strict=True):
            if v is None:
                ax.text(
                    x,
                    0.02,
                    "无数据",
                    transform=ax.get_xaxis_transform(),
                    ha="center",
                    va="bottom",
                    color=_GREY,
                    fontsize=7,
                )
        # the cumulative line breaks (NaN) at months without data and resumes after them
        cum: list[float] = []
        total = 0.0
        for v in values:
            if v is None:
                cum.append(math.nan)
            else:
                total += v
                cum.append(total)
        if bar_v:
            ax.plot(xs, cum, color=_BAR_DONE, marker="o", markersize=3, label="累计")
        if pace is not None:
            ax.plot(xs, pace, color=_PACE, linestyle="--", linewidth=1.2, label="进度目标（累计）")
        ax.set_xticks(xs, labels, fontsize=8)
        ax.tick_params(axis="y", labelsize=8)
        ax.text(
            0, 1.02, f"单位：{unit}", transform=ax.transAxes, ha="left", va="bottom", fontsize=8
        )
        ax.set_ylim(bottom=0)
        ax.set_title(title, fontsize=10)
        ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(0.0, 0.98))
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        return _png(fig)
