"""The .docx is laid out per GB/T 9704-2012: checked in the document's XML."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from lxml import etree

from zicha.reports.docx_chart import CHART_CONTENT_TYPE
from zicha.reports.docx_writer import (
    DEFAULT_TEMPLATE,
    LINE_PITCH,
    MARK_FILLS,
    STYLE_NAMES,
    write_docx,
)

from .sample import SAMPLE_ADDRESSEE, SAMPLE_TABLE, SAMPLE_TITLE, sample_document

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {"w": W, "r": R}
THEME_ATTRS = ("asciiTheme", "eastAsiaTheme", "hAnsiTheme", "cstheme")


def w(name: str) -> str:
    return f"{{{W}}}{name}"


class Package:
    """The XML parts of a .docx."""

    def __init__(self, path: Path) -> None:
        with zipfile.ZipFile(path) as z:
            self.names = z.namelist()
            self.raw = {n: z.read(n) for n in self.names}
        self.document = self.xml("word/document.xml")
        self.styles = self.xml("word/styles.xml")
        self.settings = self.xml("word/settings.xml")
        rels = self.xml("word/_rels/document.xml.rels")
        self.targets = {r.get("Id"): r.get("Target") for r in rels}

    def xml(self, name: str) -> Any:
        return etree.fromstring(self.raw[name])

    def style(self, style_id: str) -> Any:
        found = self.styles.find(f"w:style[@w:styleId='{style_id}']", NS)
        assert found is not None, f"style {style_id} missing"
        return found

    def footer(self, kind: str) -> Any:
        ref = self.document.find(f".//w:sectPr/w:footerReference[@w:type='{kind}']", NS)
        assert ref is not None, f"no {kind} footer"
        return self.xml("word/" + self.targets[ref.get(f"{{{R}}}id")])

    def texts(self) -> list[str]:
        """Texts of the body's paragraphs (not those inside tables)."""
        return ["".join(p.itertext()) for p in self.document.findall(".//w:body/w:p", NS)]


@pytest.fixture(scope="module")
def pkg(sample_docx: Path) -> Package:
    return Package(sample_docx)


def test_page_size_and_margins(pkg: Package) -> None:
    sect = pkg.document.find(".//w:body/w:sectPr", NS)
    size = sect.find("w:pgSz", NS)
    assert (size.get(w("w")), size.get(w("h"))) == ("11906", "16838")
    mar = sect.find("w:pgMar", NS)
    got = {k: mar.get(w(k)) for k in ("top", "left", "right", "bottom")}
    assert got == {"top": "2098", "left": "1588", "right": "1474", "bottom": "1984"}
    # the text block is 156 mm wide
    assert 11906 - 1588 - 1474 == 8844


def test_line_grid(pkg: Package) -> None:
    grid = pkg.document.find(".//w:body/w:sectPr/w:docGrid", NS)
    assert grid.get(w("type")) == "lines"
    assert grid.get(w("linePitch")) == str(LINE_PITCH)
    assert 575 <= LINE_PITCH <= 582  # 22 lines in 225 mm


def test_odd_and_even_footers(pkg: Package) -> None:
    assert pkg.settings.find("w:evenAndOddHeaders", NS) is not None
    for kind, align, side in (("default", "right", "right"), ("even", "left", "left")):
        footer = pkg.footer(kind)
        instr = "".join(t.text or "" for t in footer.iter(w("instrText")))
        assert "PAGE" in instr
        assert [f.get(w("fldCharType")) for f in footer.iter(w("fldChar"))] == [
            "begin",
            "separate",
            "end",
        ]
        text = "".join(t.text or "" for t in footer.iter(w("t")))
        assert text == "— 1 —"
        ppr = footer.find(".//w:p/w:pPr", NS)
        assert ppr.find("w:jc", NS).get(w("val")) == align
        ind = ppr.find("w:ind", NS)
        assert ind.get(w(f"{side}Chars")) == "100"  # one character's space
        assert ppr.find("w:pStyle", NS).get(w("val")) == "Footer"
    footer_style = pkg.style("Footer")
    assert footer_style.find("w:rPr/w:rFonts", NS).get(w("eastAsia")) == "宋体"
    assert footer_style.find("w:rPr/w:sz", NS).get(w("val")) == "28"  # 4号
    # the footer sits about 22 mm from the page edge: the number ~7 mm below the text block
    mar = pkg.document.find(".//w:body/w:sectPr/w:pgMar", NS)
    assert 1134 <= int(mar.get(w("footer"))) <= 1360


@pytest.mark.parametrize(
    ("style_id", "font", "half_points"),
    [
        ("Normal", "仿宋_GB2312", "32"),
        ("Title", "方正小标宋简体", "44"),
        ("Heading1", "黑体", "32"),
        ("Heading2", "楷体_GB2312", "32"),
        ("Heading3", "仿宋_GB2312", "32"),
        ("Heading4", "仿宋_GB2312", "32"),
        ("Salutation", "仿宋_GB2312", "32"),
        ("Signature", "仿宋_GB2312", "32"),
        ("Date", "仿宋_GB2312", "32"),
        ("AttachmentLabel", "黑体", "32"),
        ("TableText", "仿宋_GB2312", "24"),
        ("Caption", "仿宋_GB2312", "28"),
    ],
)
def test_style_fonts(pkg: Package, style_id: str, font: str, half_points: str) -> None:
    style = pkg.style(style_id)
    rfonts = style.find("w:rPr/w:rFonts", NS)
    for attr in ("eastAsia", "ascii", "hAnsi"):
        assert rfonts.get(w(attr)) == font
    assert style.find("w:rPr/w:sz", NS).get(w("val")) == half_points
    bold = style.find("w:rPr/w:b", NS)
    assert bold is None or bold.get(w("val")) in ("0", "false")


def test_doc_defaults_name_the_body_font(pkg: Package) -> None:
    rfonts = pkg.styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:rFonts", NS)
    assert rfonts.get(w("eastAsia")) == "仿宋_GB2312"
    lang = pkg.styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    assert lang.get(w("eastAsia")) == "zh-CN"


def test_no_theme_fonts_anywhere(pkg: Package) -> None:
    for name in pkg.names:
        if name.endswith(".xml") and name.startswith("word/") and "theme/" not in name:
            text = pkg.raw[name].decode("utf-8")
            for attr in THEME_ATTRS:
                assert f"w:{attr}=" not in text, f"{attr} left in {name}"


def test_no_embedded_fonts(pkg: Package) -> None:
    assert not [n for n in pkg.names if n.startswith("word/fonts/")]
    for tag in ("embedTrueTypeFonts", "embedSystemFonts"):
        assert pkg.settings.find(f"w:{tag}", NS) is None


def test_body_spacing_exact_and_indented(pkg: Package) -> None:
    normal = pkg.style("Normal").find("w:pPr", NS)
    spacing = normal.find("w:spacing", NS)
    assert spacing.get(w("lineRule")) == "exact"
    assert spacing.get(w("line")) == str(LINE_PITCH)  # 28.95 pt
    assert normal.find("w:ind", NS).get(w("firstLineChars")) == "200"
    assert normal.find("w:jc", NS).get(w("val")) == "both"


def test_title_addressee_and_date(pkg: Package) -> None:
    paras = pkg.document.findall(".//w:body/w:p", NS)
    texts = pkg.texts()
    assert texts[0] == SAMPLE_TITLE
    assert paras[0].find("w:pPr/w:pStyle", NS).get(w("val")) == "Title"
    assert texts[1] == ""  # a blank line between title and addressee
    assert texts[2] == SAMPLE_ADDRESSEE
    assert paras[2].find("w:pPr/w:pStyle", NS).get(w("val")) == "Salutation"
    assert "2011年3月31日" in texts
    date_p = paras[texts.index("2011年3月31日")]
    assert date_p.find("w:pPr/w:pStyle", NS).get(w("val")) == "Date"
    assert date_p.find("w:pPr/w:ind", NS).get(w("rightChars")) == "400"
    sig_p = paras[texts.index("中共XX乡委员会")]
    assert sig_p.find("w:pPr/w:pStyle", NS).get(w("val")) == "Signature"
    assert "特此报告。" in texts


def test_headings_use_heading_styles(pkg: Package) -> None:
    styles = {}
    for p in pkg.document.iter(w("p")):
        ps = p.find("w:pPr/w:pStyle", NS)
        if ps is not None and ps.get(w("val")).startswith("Heading"):
            styles["".join(p.itertext())] = ps.get(w("val"))
    assert styles["一、工作指标完成情况"] == "Heading1"
    assert styles["（一）主要指标"] == "Heading2"
    assert styles["1.出生人口"] == "Heading3"
    assert styles["（1）分村情况"] == "Heading4"


def test_table(pkg: Package) -> None:
    tables = pkg.document.findall(".//w:body/w:tbl", NS)
    assert len(tables) == 2
    tbl = tables[0]
    tblpr = tbl.find("w:tblPr", NS)
    assert tblpr.find("w:tblW", NS).get(w("w")) == "8844"  # as wide as the text block
    assert tblpr.find("w:tblW", NS).get(w("type")) == "dxa"
    assert tblpr.find("w:jc", NS).get(w("val")) == "center"
    borders = tblpr.find("w:tblBorders", NS)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        assert borders.find(f"w:{side}", NS).get(w("val")) == "single"
    widths = [int(c.get(w("w"))) for c in tbl.findall("w:tblGrid/w:gridCol", NS)]
    assert sum(widths) == 8844
    rows = tbl.findall("w:tr", NS)
    assert len(rows) == len(SAMPLE_TABLE.rows) + 1
    assert rows[0].find("w:trPr/w:tblHeader", NS) is not None  # repeated on each page
    assert all(r.find("w:trPr/w:tblHeader", NS) is None for r in rows[1:])
    for run in rows[0].iter(w("r")):
        assert run.find("w:rPr/w:b", NS) is not None  # header bold
    # table paragraphs: single spacing, never the body's exact 28.95 pt
    table_text = pkg.style("TableText").find("w:pPr/w:spacing", NS)
    assert table_text.get(w("lineRule")) == "auto"
    for p in tbl.iter(w("p")):
        assert p.find("w:pPr/w:pStyle", NS).get(w("val")) == "TableText"
        direct = p.find("w:pPr/w:spacing", NS)
        assert direct is None or direct.get(w("lineRule")) != "exact"
    # marks as shading
    fills = [s.get(w("fill")) for s in tbl.iter(w("shd"))]
    expected = [MARK_FILLS[m] for row in SAMPLE_TABLE.marks or () for m in row if m]
    assert fills == expected
    # caption above the table
    prev = tbl.getprevious()
    assert prev.find("w:pPr/w:pStyle", NS).get(w("val")) == "Caption"
    assert "".join(prev.itertext()) == SAMPLE_TABLE.caption


def test_charts_are_native_chart_parts(pkg: Package) -> None:
    chart_refs = list(pkg.document.iter(f"{{{C}}}chart"))
    assert len(chart_refs) == 2
    parts = [pkg.targets[ref.get(f"{{{R}}}id")] for ref in chart_refs]
    assert parts == ["charts/chart1.xml", "charts/chart2.xml"]
    types = pkg.xml("[Content_Types].xml")
    overrides = {o.get("PartName"): o.get("ContentType") for o in types}
    for i, part in enumerate(parts, start=1):
        assert overrides["/word/" + part] == CHART_CONTENT_TYPE
        chart = pkg.xml("word/" + part)
        rels = pkg.xml(f"word/charts/_rels/chart{i}.xml.rels")
        (rel,) = list(rels)
        assert rel.get("Target").endswith(f"embeddings/Microsoft_Excel_Worksheet{i}.xlsx")
        assert chart.find(f"{{{C}}}externalData").get(f"{{{R}}}id") == rel.get("Id")
    titles = [
        pkg.xml("word/" + p).find(f"{{{C}}}chart/{{{C}}}title").xpath("string()") for p in parts
    ]
    assert titles == ["主要指标完成进度", "逐月出生人口"]
    # each drawing id is unique and the charts are 150 mm wide
    ids = [d.get("id") for d in pkg.document.iter(f"{{{WP}}}docPr")]
    assert len(set(ids)) == len(ids) == 2
    widths = {int(e.get("cx")) for e in pkg.document.iter(f"{{{WP}}}extent")}
    assert widths == {150 * 36000}
    figure_paras = [p for p in pkg.document.iter(w("p")) if p.find(".//w:drawing", NS) is not None]
    for p in figure_paras:
        assert p.find("w:pPr/w:pStyle", NS).get(w("val")) == "Figure"
        assert p.getnext().find("w:pPr/w:pStyle", NS).get(w("val")) == "Caption"
    spacing = pkg.style("Figure").find("w:pPr/w:spacing", NS)
    assert spacing.get(w("lineRule")) == "auto"
    assert pkg.style("Figure").find("w:pPr/w:jc", NS).get(w("val")) == "center"
    # no picture: nothing was drawn to an image
    assert not [n for n in pkg.names if n.startswith("word/media/")]


def test_a_docx_with_charts_opens_again(sample_docx: Path) -> None:
    reopened = docx.Document(str(sample_docx))
    chart_parts = [
        rel.target_part.partname
        for rel in reopened.part.rels.values()
        if rel.reltype.endswith("/chart")
    ]
    assert sorted(chart_parts) == ["/word/charts/chart1.xml", "/word/charts/chart2.xml"]


def test_placeholder_highlighted(pkg: Package) -> None:
    runs = [
        r
        for r in pkg.document.iter(w("r"))
        if "".join(r.itertext()) == "【待填写：各村出生人口的说明】"
    ]
    assert len(runs) == 1
    assert runs[0].find("w:rPr/w:highlight", NS).get(w("val")) == "yellow"


def test_attachment_starts_a_new_page(pkg: Package) -> None:
    paras = pkg.document.findall(".//w:body/w:p", NS)
    texts = pkg.texts()
    label = paras[texts.index("附件")]
    assert label.find("w:pPr/w:pageBreakBefore", NS) is not None
    assert label.find("w:pPr/w:pStyle", NS).get(w("val")) == "AttachmentLabel"
    title = paras[texts.index("附件") + 2]
    assert title.find("w:pPr/w:pStyle", NS).get(w("val")) == "Title"
    assert "".join(title.itertext()) == "2011年1—6月逐月数据"
    # the note under the body
    assert "附件：2011年1—6月逐月数据" in texts


def test_page_break_before_next_block(pkg: Package) -> None:
    # the attachment's PageBreak sits before a caption-less table: carried by a paragraph
    tbl = pkg.document.findall(".//w:body/w:tbl", NS)[1]
    carrier = tbl.getprevious()
    assert carrier.find("w:pPr/w:pageBreakBefore", NS) is not None


def test_python_docx_reads_it_back(sample_docx: Path) -> None:
    d = docx.Document(str(sample_docx))
    assert d.paragraphs[0].style.name == "Title"
    assert d.sections[0].page_width == 11906 * 635  # EMU
    assert d.settings.odd_and_even_pages_header_footer


def test_bundled_template_has_the_styles() -> None:
    d = docx.Document(str(DEFAULT_TEMPLATE))
    names = {s.name for s in d.styles}
    assert set(STYLE_NAMES) <= names
    assert DEFAULT_TEMPLATE.stat().st_size < 100_000


def test_county_template_keeps_its_look(tmp_path: Path) -> None:
    """A replacement template's styles win; a style it lacks is created."""
    county = tmp_path / "county.docx"
    shutil.copy(DEFAULT_TEMPLATE, county)
    d = docx.Document(str(county))
    normal = d.styles["Normal"].element
    rfonts = normal.find(f"{{{W}}}rPr/{{{W}}}rFonts")
    for attr in ("ascii", "hAnsi", "eastAsia"):
        rfonts.set(w(attr), "方正仿宋_GBK")
    table_text = d.styles["Table Text"].element
    table_text.getparent().remove(table_text)
    d.add_paragraph("样例内容，应被丢弃")
    d.save(str(county))

    out = tmp_path / "out.docx"
    write_docx(sample_document(with_figures=False), out, template=county)
    pkg = Package(out)
    assert pkg.style("Normal").find("w:rPr/w:rFonts", NS).get(w("eastAsia")) == "方正仿宋_GBK"
    assert pkg.style("TableText").find("w:pPr/w:spacing", NS).get(w("lineRule")) == "auto"
    assert "样例内容，应被丢弃" not in pkg.texts()
    assert pkg.texts()[0] == SAMPLE_TITLE
