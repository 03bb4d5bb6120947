"""Charts: PNG bytes of the right size, drawn with a CJK font (no missing glyphs)."""

from __future__ import annotations

import struct
import warnings

import pytest

from zicha.reports import charts
from zicha.reports.charts import (
    CJK_FONT_PREFERENCE,
    DPI,
    WIDTH_MM,
    CjkFontMissing,
    cjk_font,
    monthly_chart,
    progress_chart,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def expected_width() -> int:
    return round(WIDTH_MM / 25.4 * DPI)


def test_cjk_font_found() -> None:
    assert cjk_font() in CJK_FONT_PREFERENCE


def test_missing_font_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    from matplotlib import font_manager

    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
    charts.cjk_font.cache_clear()
    try:
        with pytest.raises(CjkFontMissing, match="fonts-noto-cjk"):
            charts.cjk_font()
    finally:
        monkeypatch.undo()
        charts.cjk_font.cache_clear()


def _no_missing_glyphs(record: list[warnings.WarningMessage]) -> None:
    missing = [str(w.message) for w in record if "missing from" in str(w.message)]
    assert not missing, missing


def test_progress_chart() -> None:
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        png = progress_chart(
            [("出生人口", 233, 510), ("无数据的指标", None, 80), ("超额完成", 120, 100)],
            0.499,
            "主要指标完成进度",
        )
    _no_missing_glyphs(record)
    width, height = png_size(png)
    assert abs(width - expected_width()) <= 2
    assert 100 < height < width
    assert len(png) > 10_000


def test_monthly_chart() -> None:
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        png = monthly_chart(
            ["1月", "2月", "3月", "4月"],
            [10, None, 12.5, 9],
            [10, 20, 30, 40],
            "逐月数据",
            "人",
        )
        png2 = monthly_chart(["1月", "2月"], [None, None], None, "无数据", "例")
    _no_missing_glyphs(record)
    assert abs(png_size(png)[0] - expected_width()) <= 2
    assert png_size(png2)[0] == png_size(png)[0]


def test_monthly_chart_checks_lengths() -> None:
    with pytest.raises(ValueError, match="same length"):
        monthly_chart(["1月"], [1, 2], None, "t", "人")
    with pytest.raises(ValueError, match="same length"):
        monthly_chart(["1月"], [1], [1, 2], "t", "人")


def test_charts_leave_global_state_alone() -> None:
    import matplotlib

    before = (matplotlib.get_backend(), list(matplotlib.rcParams["font.sans-serif"]))
    progress_chart([("甲", 1, 2)], 0.5, "测试")
    after = (matplotlib.get_backend(), list(matplotlib.rcParams["font.sans-serif"]))
    assert before == after
