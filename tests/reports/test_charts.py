"""Charts as data, as Word chart parts (with their embedded workbook) and as SVG."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from lxml import etree

from zicha.domain.errors import column_letters
from zicha.reports.charts import BAR, BAR_DONE, PACE, monthly_chart, progress_chart
from zicha.reports.document import Chart, ChartSeries
from zicha.reports.docx_chart import CHART_FONT, chart_xml, workbook_xlsx
from zicha.reports.svg_chart import render_svg

C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
NS = {"c": C, "a": A}
SVG = "{http://www.w3.org/2000/svg}"


def progress() -> Chart:
    return progress_chart(
        [("出生人口（≤510）", 233, 510), ("无数据的指标", None, 80), ("超额完成", 120, 100)],
        0.499,
        "主要指标完成进度",
        "图1  进度",
        caps=[True, False, False],
    )


def monthly() -> Chart:
    return monthly_chart(
        ["1月", "2月", "3月", "4月"], [10, None, 12.5, 9], [10, 20, 30, 40], "逐月", "图2", "人"
    )


def test_progress_chart_figures() -> None:
    c = progress()
    assert c.horizontal and c.percent
    assert c.categories == ("出生人口（≤510）", "无数据的指标（无数据）", "超额完成")
    done, pace = c.series
    assert done.values == (233 / 510, None, 1.2)
    # a cap below the time progress is on pace (green); a floor above it too
    assert done.point_colors == (BAR_DONE, None, BAR_DONE)
    assert pace.values == (0.499, 0.499, 0.499)
    assert pace.name == "时间进度 49.9%"
    assert pace.color == PACE
    assert done.labels and not pace.labels


def test_progress_chart_marks_a_floor_behind_pace_blue() -> None:
    c = progress_chart([("投入", 13, 31.64)], 0.499, "t", "图1")
    assert c.series[0].point_colors == (BAR,)


def test_monthly_chart_figures() -> None:
    c = monthly()
    assert c.categories == ("1月", "2月（无数据）", "3月", "4月")
    bars, cumulative, pace = c.series
    assert bars.values == (10.0, None, 12.5, 9.0)
    # the cumulative line pauses at a month without data and goes on from the running total
    assert cumulative.values == (10.0, None, 22.5, 31.5)
    assert pace.dashed and pace.kind == "line"
    assert c.value_title == "单位：人"


def test_monthly_chart_checks_lengths() -> None:
    with pytest.raises(ValueError, match="same length"):
        monthly_chart(["1月"], [1, 2], None, "t", "c", "人")
    with pytest.raises(ValueError, match="same length"):
        monthly_chart(["1月"], [1], [1, 2], "t", "c", "人")


def test_chart_model_refuses_inconsistent_series() -> None:
    with pytest.raises(ValueError, match="2 values"):
        Chart("t", ("a",), (ChartSeries("s", (1.0, 2.0)),), "c")
    with pytest.raises(ValueError, match="horizontal"):
        Chart("t", ("a",), (ChartSeries("s", (1.0,), kind="line"),), "c", horizontal=True)


def test_value_axis_is_round() -> None:
    # the highest value 40 (the pace) with 10 % room is 44; 44 / 6 = 7.3 → steps of 10 → 50
    assert (monthly().axis_step(), monthly().axis_max()) == (10.0, 50.0)
    # 120 % with 15 % room is 138 %; steps of 20 % → 140 %
    assert (progress().axis_step(), progress().axis_max()) == (0.2, 1.4)


def test_column_names() -> None:
    assert [column_letters(i) for i in (0, 1, 25, 26, 27, 701, 702)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]


def _parse(chart: Chart) -> etree._Element:
    return etree.fromstring(chart_xml(chart))


def test_chart_part_holds_the_figures() -> None:
    root = _parse(monthly())
    plot = root.find("c:chart/c:plotArea", NS)
    assert plot.find("c:barChart/c:barDir", NS).get("val") == "col"
    bars = plot.findall("c:barChart/c:ser", NS)
    lines = plot.findall("c:lineChart/c:ser", NS)
    assert len(bars) == 1 and len(lines) == 2
    # both kinds share one pair of axes
    ids = {a.get("val") for a in plot.findall("c:barChart/c:axId", NS)}
    assert ids == {a.get("val") for a in plot.findall("c:lineChart/c:axId", NS)}
    cats = [v.text for v in bars[0].findall("c:cat/c:strRef/c:strCache/c:pt/c:v", NS)]
    assert cats == ["1月", "2月（无数据）", "3月", "4月"]
    points = bars[0].findall("c:val/c:numRef/c:numCache/c:pt", NS)
    # a month without data has no point at all (a gap, never a zero)
    assert [(p.get("idx"), p.find("c:v", NS).text) for p in points] == [
        ("0", "10"),
        ("2", "12.5"),
        ("3", "9"),
    ]
    assert bars[0].find("c:val/c:numRef/c:f", NS).text == "Sheet1!$B$2:$B$5"
    assert lines[1].find("c:tx/c:strRef/c:f", NS).text == "Sheet1!$D$1"
    assert lines[1].find("c:spPr/a:ln/a:prstDash", NS).get("val") == "dash"
    assert root.find("c:chart/c:dispBlanksAs", NS).get("val") == "gap"
    assert root.find("c:chart/c:title//a:t", NS).text == "逐月"
    assert root.find(".//c:valAx/c:title//a:t", NS).text == "单位：人"
    assert root.find(".//c:valAx/c:scaling/c:max", NS).get("val") == "50"
    assert root.find(".//c:valAx/c:majorUnit", NS).get("val") == "10"


def test_chart_part_of_a_horizontal_percent_chart() -> None:
    root = _parse(progress())
    assert root.find(".//c:barDir", NS).get("val") == "bar"
    # the first item at the top: categories run from the top down
    assert root.find(".//c:catAx/c:scaling/c:orientation", NS).get("val") == "maxMin"
    done = root.findall(".//c:barChart/c:ser", NS)[0]
    assert done.find("c:dLbls/c:numFmt", NS).get("formatCode") == "0.0%"
    assert done.find("c:dLbls/c:showVal", NS).get("val") == "1"
    coloured = {
        d.find("c:idx", NS).get("val"): d.find(".//a:srgbClr", NS).get("val")
        for d in done.findall("c:dPt", NS)
    }
    assert coloured == {"0": BAR_DONE, "2": BAR_DONE}
    assert root.find(".//c:valAx/c:numFmt", NS).get("formatCode") == "0%"


def test_chart_text_is_set_in_heiti() -> None:
    root = _parse(progress())
    faces = {
        (el.tag.split("}")[1], el.get("typeface"))
        for tag in ("latin", "ea")
        for el in root.iter(f"{{{A}}}{tag}")
    }
    assert faces == {("latin", CHART_FONT), ("ea", CHART_FONT)}


def test_chart_text_is_escaped() -> None:
    c = Chart("A<B>&C", ("x<1>",), (ChartSeries('甲"乙"', (1.0,)),), "c")
    root = _parse(c)
    assert root.find("c:chart/c:title//a:t", NS).text == "A<B>&C"
    assert root.find(".//c:cat//c:v", NS).text == "x<1>"


def test_embedded_workbook_holds_the_same_figures() -> None:
    c = monthly()
    wb = openpyxl.load_workbook(io.BytesIO(workbook_xlsx(c)))
    ws = wb["Sheet1"]
    rows = [tuple(cell.value for cell in row) for row in ws.iter_rows()]
    assert rows[0] == (None, "当月", "累计", "进度目标（累计）")
    assert rows[1] == ("1月", 10, 10, 10)
    assert rows[2] == ("2月（无数据）", None, None, 20)
    assert rows[3] == ("3月", 12.5, 22.5, 30)


def test_embedded_workbook_shows_per_cent() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(workbook_xlsx(progress())))
    cell = wb["Sheet1"]["B2"]
    assert cell.value == pytest.approx(233 / 510)
    assert cell.number_format == "0.0%"
    with zipfile.ZipFile(io.BytesIO(workbook_xlsx(progress()))) as z:
        assert z.testzip() is None


def test_svg_draws_every_bar_label_and_line() -> None:
    svg = etree.fromstring(render_svg(monthly()).encode())
    assert svg.get("viewBox") == "0 0 1500 850"
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    for expected in (
        "逐月",
        "1月",
        "2月（无数据）",
        "当月",
        "累计",
        "进度目标（累计）",
        "单位：人",
    ):
        assert expected in texts
    assert [t for t in texts if t.isdigit()] == ["0", "10", "20", "30", "40", "50"]
    rects = [r for r in svg.iter(f"{SVG}rect") if r.get("fill") == f"#{BAR}"]
    assert len(rects) == 1 + 3  # the legend key and three months with data
    # the cumulative line is broken at the month without data: two pieces, one of one point
    polylines = [p for p in svg.iter(f"{SVG}polyline") if p.get("stroke") == f"#{BAR_DONE}"]
    assert len(polylines) == 1 and len(polylines[0].get("points").split()) == 2
    circles = [c for c in svg.iter(f"{SVG}circle")]
    assert len(circles) == 3


def test_svg_of_a_horizontal_chart_labels_bars_in_per_cent() -> None:
    svg = etree.fromstring(render_svg(progress()).encode())
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "45.7%" in texts and "120.0%" in texts
    assert "无数据的指标（无数据）" in texts
    assert "140%" in texts
    done = [
        float(r.get("width"))
        for r in svg.iter(f"{SVG}rect")
        if r.get("fill") == f"#{BAR_DONE}" and float(r.get("height")) > 30
    ]
    assert len(done) == 2  # the legend key is 26 high
    assert done[0] / done[1] == pytest.approx((233 / 510) / 1.2, rel=1e-3)
