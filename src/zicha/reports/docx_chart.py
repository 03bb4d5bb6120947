"""A :class:`~zicha.reports.document.Chart` as a native Word chart (DrawingML chart part).

The chart part (``word/charts/chartN.xml``) holds the figures in its caches, so Word, WPS and
LibreOffice draw it without anything else; beside it an embedded workbook
(``word/embeddings/Microsoft_Excel_WorksheetN.xlsx``) holds the same figures, so that the clerk
can change them with Word's "编辑数据". Text in the chart is set in 黑体, which Word and WPS find
on a Chinese PC and LibreOffice replaces by the free font its profile names (see ``pdf.py``).

The XML is written as text, in the element order of ECMA-376 part 1, §21.2 (the schema is
strict about order; Word refuses a chart whose children are out of order).
"""

from __future__ import annotations

import io
import zipfile
from html import escape
from typing import Any, Final

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml

from zicha.domain.errors import column_letters
from zicha.reports.document import Chart, ChartSeries

__all__ = [
    "CHART_CONTENT_TYPE",
    "CHART_FONT",
    "CHART_ID_BASE",
    "EMU_PER_MM",
    "XLSX_CONTENT_TYPE",
    "add_chart",
    "chart_xml",
    "workbook_xlsx",
]

CHART_CONTENT_TYPE: Final = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
XLSX_CONTENT_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHART_FONT: Final = "黑体"
EMU_PER_MM: Final = 36000
#: drawing ids of the charts (unique in the body: python-docx numbers pictures after the highest
#: id it finds, and looking the highest one up walks the whole document)
CHART_ID_BASE: Final = 1000

_C: Final = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_A: Final = "http://schemas.openxmlformats.org/drawingml/2006/main"
_R: Final = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_WP: Final = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_SHEET: Final = "Sheet1"
_CAT_AX: Final = 50010
_VAL_AX: Final = 50020


def _esc(text: str) -> str:
    return escape(text)


def _number(v: float) -> str:
    return repr(float(v)) if not float(v).is_integer() else str(int(v))


def _fill(colour: str) -> str:
    return f'<a:solidFill><a:srgbClr val="{colour}"/></a:solidFill>'


def _rich(text: str, size: int) -> str:
    return (
        f'<c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="{size}" b="0"/>'
        f'</a:pPr><a:r><a:rPr lang="zh-CN" sz="{size}" b="0"/><a:t>{_esc(text)}</a:t></a:r>'
        "</a:p></c:rich></c:tx>"
    )


def _text_props(size: int) -> str:
    font = _esc(CHART_FONT)
    return (
        "<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr>"
        f'<a:defRPr sz="{size}" b="0"><a:solidFill><a:srgbClr val="000000"/></a:solidFill>'
        f'<a:latin typeface="{font}"/><a:ea typeface="{font}"/><a:cs typeface="{font}"/>'
        '</a:defRPr></a:pPr><a:endParaRPr lang="zh-CN"/></a:p></c:txPr>'
    )


def _categories(chart: Chart) -> str:
    n = len(chart.categories)
    points = "".join(
        f'<c:pt idx="{i}"><c:v>{_esc(c)}</c:v></c:pt>' for i, c in enumerate(chart.categories)
    )
    return (
        f"<c:cat><c:strRef><c:f>{_SHEET}!$A$2:$A${n + 1}</c:f><c:strCache>"
        f'<c:ptCount val="{n}"/>{points}</c:strCache></c:strRef></c:cat>'
    )


def _values(chart: Chart, s: ChartSeries, col: str) -> str:
    n = len(s.values)
    fmt = "0.0%" if chart.percent else "General"
    points = "".join(
        f'<c:pt idx="{i}"><c:v>{_number(v)}</c:v></c:pt>'
        for i, v in enumerate(s.values)
        if v is not None
    )
    return (
        f"<c:val><c:numRef><c:f>{_SHEET}!${col}$2:${col}${n + 1}</c:f><c:numCache>"
        f'<c:formatCode>{fmt}</c:formatCode><c:ptCount val="{n}"/>{points}'
        "</c:numCache></c:numRef></c:val>"
    )


def _labels(chart: Chart, s: ChartSeries) -> str:
    if not s.labels:
        return (
            '<c:dLbls><c:showLegendKey val="0"/><c:showVal val="0"/><c:showCatName val="0"/>'
            '<c:showSerName val="0"/><c:showPercent val="0"/><c:showBubbleSize val="0"/>'
            "</c:dLbls>"
        )
    fmt = "0.0%" if chart.percent else "General"
    position = '<c:dLblPos val="outEnd"/>' if s.kind == "bar" else '<c:dLblPos val="t"/>'
    return (
        f'<c:dLbls><c:numFmt formatCode="{fmt}" sourceLinked="0"/>'
        "<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>"
        f"{_text_props(800)}{position}"
        '<c:showLegendKey val="0"/><c:showVal val="1"/><c:showCatName val="0"/>'
        '<c:showSerName val="0"/><c:showPercent val="0"/><c:showBubbleSize val="0"/></c:dLbls>'
    )


def _series(chart: Chart, s: ChartSeries, index: int) -> str:
    col = column_letters(index + 1)
    head = (
        f'<c:ser><c:idx val="{index}"/><c:order val="{index}"/>'
        f'<c:tx><c:strRef><c:f>{_SHEET}!${col}$1</c:f><c:strCache><c:ptCount val="1"/>'
        f'<c:pt idx="0"><c:v>{_esc(s.name)}</c:v></c:pt></c:strCache></c:strRef></c:tx>'
    )
    if s.kind == "bar":
        points = ""
        for i, colour in enumerate(s.point_colors or ()):
            if colour is not None and colour != s.color:
                points += (
                    f'<c:dPt><c:idx val="{i}"/><c:invertIfNegative val="0"/>'
                    f'<c:bubble3D val="0"/><c:spPr>{_fill(colour)}</c:spPr></c:dPt>'
                )
        return (
            f'{head}<c:spPr>{_fill(s.color)}</c:spPr><c:invertIfNegative val="0"/>{points}'
            f"{_labels(chart, s)}{_categories(chart)}{_values(chart, s, col)}</c:ser>"
        )
    dash = '<a:prstDash val="dash"/>' if s.dashed else ""
    line = f'<c:spPr><a:ln w="19050" cap="rnd">{_fill(s.color)}{dash}<a:round/></a:ln></c:spPr>'
    if s.marker:
        marker = (
            '<c:marker><c:symbol val="circle"/><c:size val="5"/>'
            f"<c:spPr>{_fill(s.color)}<a:ln>{_fill(s.color)}</a:ln></c:spPr></c:marker>"
        )
    else:
        marker = '<c:marker><c:symbol val="none"/></c:marker>'
    return (
        f"{head}{line}{marker}{_labels(chart, s)}{_categories(chart)}{_values(chart, s, col)}"
        '<c:smooth val="0"/></c:ser>'
    )


def _axes(chart: Chart) -> str:
    low = chart.value_range()[0]
    fmt = "0%" if chart.percent else "General"
    horizontal = chart.horizontal
    value_title = (
        f'<c:title>{_rich(chart.value_title, 800)}<c:overlay val="0"/></c:title>'
        if chart.value_title
        else ""
    )
    minimum = f'<c:min val="{_number(low)}"/>' if low < 0 else '<c:min val="0"/>'
    grey_line = f'<c:spPr><a:ln w="9525">{_fill("7F7F7F")}</a:ln></c:spPr>'
    return (
        f'<c:catAx><c:axId val="{_CAT_AX}"/><c:scaling>'
        f'<c:orientation val="{"maxMin" if horizontal else "minMax"}"/></c:scaling>'
        f'<c:delete val="0"/><c:axPos val="{"l" if horizontal else "b"}"/>'
        '<c:numFmt formatCode="General" sourceLinked="0"/>'
        '<c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        f'{grey_line}{_text_props(800)}<c:crossAx val="{_VAL_AX}"/><c:crosses val="autoZero"/>'
        '<c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/>'
        '<c:noMultiLvlLbl val="0"/></c:catAx>'
        f'<c:valAx><c:axId val="{_VAL_AX}"/><c:scaling><c:orientation val="minMax"/>'
        f'<c:max val="{_number(chart.axis_max())}"/>{minimum}</c:scaling>'
        f'<c:delete val="0"/><c:axPos val="{"b" if horizontal else "l"}"/>'
        f'<c:majorGridlines><c:spPr><a:ln w="6350">{_fill("D9D9D9")}</a:ln></c:spPr>'
        f"</c:majorGridlines>{value_title}"
        f'<c:numFmt formatCode="{fmt}" sourceLinked="0"/>'
        '<c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        f'{grey_line}{_text_props(800)}<c:crossAx val="{_CAT_AX}"/>'
        f'<c:crosses val="{"max" if horizontal else "autoZero"}"/>'
        f'<c:crossBetween val="between"/><c:majorUnit val="{_number(chart.axis_step())}"/>'
        "</c:valAx>"
    )


def chart_xml(chart: Chart) -> bytes:
    """The chart part's XML: bars (clustered) and lines on one pair of axes, legend below."""
    bars = [(i, s) for i, s in enumerate(chart.series) if s.kind == "bar"]
    lines = [(i, s) for i, s in enumerate(chart.series) if s.kind == "line"]
    axes_ids = f'<c:axId val="{_CAT_AX}"/><c:axId val="{_VAL_AX}"/>'
    plots = ""
    if bars:
        plots += (
            f'<c:barChart><c:barDir val="{"bar" if chart.horizontal else "col"}"/>'
            '<c:grouping val="clustered"/><c:varyColors val="0"/>'
            + "".join(_series(chart, s, i) for i, s in bars)
            + f'<c:gapWidth val="{60 if chart.horizontal else 80}"/><c:overlap val="0"/>'
            + axes_ids
            + "</c:barChart>"
        )
    if lines:
        plots += (
            '<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>'
            + "".join(_series(chart, s, i) for i, s in lines)
            + '<c:marker val="1"/>'
            + axes_ids
            + "</c:lineChart>"
        )
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<c:chartSpace xmlns:c="{_C}" xmlns:a="{_A}" xmlns:r="{_R}">'
        '<c:date1904 val="0"/><c:lang val="zh-CN"/><c:roundedCorners val="0"/>'
        f'<c:chart><c:title>{_rich(chart.title, 1050)}<c:overlay val="0"/></c:title>'
        '<c:autoTitleDeleted val="0"/>'
        f"<c:plotArea><c:layout/>{plots}{_axes(chart)}</c:plotArea>"
        f'<c:legend><c:legendPos val="b"/><c:overlay val="0"/>{_text_props(800)}</c:legend>'
        '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>'
        '<c:spPr><a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill><a:ln><a:noFill/></a:ln>'
        f"</c:spPr>{_text_props(900)}"
        '<c:externalData r:id="rId1"><c:autoUpdate val="0"/></c:externalData>'
        "</c:chartSpace>"
    )
    return xml.encode("utf-8")


# ---------------------------------------------------------------------------------------------
# the embedded workbook: the smallest package Excel, WPS and LibreOffice open

_XLSX_TYPES: Final = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_REL: Final = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XLSX_RELS: Final = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK: Final = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    f'xmlns:r="{_R}"><sheets><sheet name="{_SHEET}" sheetId="1" r:id="rId1"/></sheets>'
    "</workbook>"
)
_WORKBOOK_RELS: Final = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
# cell style 1: per cent with one decimal (number format 164)
_STYLES: Final = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
    "</cellStyles></styleSheet>"
)


def _text_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{_esc(text)}</t></is></c>'


def workbook_xlsx(chart: Chart) -> bytes:
    """The chart's figures as a one-sheet workbook: categories in A, one column per series."""
    style = ' s="1"' if chart.percent else ""
    rows = [
        '<row r="1">'
        + "".join(
            _text_cell(f"{column_letters(j + 1)}1", s.name) for j, s in enumerate(chart.series)
        )
        + "</row>"
    ]
    for i, category in enumerate(chart.categories):
        r = i + 2
        cells = _text_cell(f"A{r}", category)
        for j, s in enumerate(chart.series):
            v = s.values[i]
            if v is not None:
                cells += f'<c r="{column_letters(j + 1)}{r}"{style}><v>{_number(v)}</v></c>'
        rows.append(f'<row r="{r}">{cells}</row>')
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{''.join(rows)}</sheetData></worksheet>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _XLSX_TYPES)
        z.writestr("_rels/.rels", _XLSX_RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        z.writestr("xl/styles.xml", _STYLES)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------
# into the document


def add_chart(document: Any, run: Any, chart: Chart, number: int, width_mm: float) -> None:
    """Add ``chart`` as part ``chartN`` of ``document`` and place it inline in ``run``.

    ``number`` makes the part names and the drawing id unique within the document.
    """
    package = document.part.package
    part = Part(
        PackURI(f"/word/charts/chart{number}.xml"), CHART_CONTENT_TYPE, chart_xml(chart), package
    )
    workbook = Part(
        PackURI(f"/word/embeddings/Microsoft_Excel_Worksheet{number}.xlsx"),
        XLSX_CONTENT_TYPE,
        workbook_xlsx(chart),
        package,
    )
    rid_data = part.relate_to(workbook, RT.PACKAGE)
    if rid_data != "rId1":  # pragma: no cover - a new part's first relationship
        raise RuntimeError("the chart's workbook must be its first relationship")
    rid = document.part.relate_to(part, RT.CHART)
    cx = round(width_mm * EMU_PER_MM)
    cy = round(chart.height_mm * width_mm / chart.width_mm * EMU_PER_MM)
    drawing = (
        f'<w:drawing xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        f'xmlns:wp="{_WP}" xmlns:a="{_A}" xmlns:c="{_C}" xmlns:r="{_R}">'
        f'<wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{cx}" cy="{cy}"/>'
        '<wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="{CHART_ID_BASE + number}" name="图表 {number}" '
        f'descr="{_esc(chart.title)}"/>'
        "<wp:cNvGraphicFramePr/>"
        f'<a:graphic><a:graphicData uri="{_C}"><c:chart r:id="{rid}"/></a:graphicData>'
        "</a:graphic></wp:inline></w:drawing>"
    )
    run._r.append(parse_xml(drawing))
