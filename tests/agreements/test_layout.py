"""The agreement's .docx in the official layout, checked in its XML: title, body, numbered
clauses, headings, the signature blocks side by side; and its HTML and Markdown forms."""

from __future__ import annotations

from datetime import date

import pytest

from tests.reports.test_docx_layout import NS, Package, w
from zicha.actions.agreements import agreement_file
from zicha.actions.session import Session
from zicha.domain.period import parse_period
from zicha.engine.terms import agreement_terms
from zicha.reports.agreement import AgreementContext, build_agreement
from zicha.reports.document import Document, Signatures
from zicha.reports.html_writer import render_html
from zicha.reports.markdown_writer import render_markdown

YEAR = parse_period("2010Oct")


@pytest.fixture(scope="module")
def pkg(seed: Session, tmp_path_factory: pytest.TempPathFactory) -> Package:
    made = agreement_file(seed.engine, "510001", YEAR, date(2010, 10, 8))
    path = tmp_path_factory.mktemp("agreement") / made.name
    path.write_bytes(made.data)
    return Package(path)


@pytest.fixture(scope="module")
def doc(seed: Session) -> Document:
    wording = seed.pack.agreement
    assert wording is not None
    tree = seed.dataset.tree
    terms = agreement_terms(seed.engine, "510001", YEAR)
    ctx = AgreementContext(wording, tree.get("510000"), tree.get("510001"), YEAR, terms)
    return build_agreement(ctx)


def body_paragraphs(pkg: Package) -> list[tuple[str | None, str, object]]:
    """(style id, text, the paragraph) of the body's own paragraphs."""
    out = []
    for p in pkg.document.findall("w:body/w:p", NS):
        style = p.find("w:pPr/w:pStyle", NS)
        out.append((None if style is None else style.get(w("val")), "".join(p.itertext()), p))
    return out


def test_title_in_the_title_style_2hao(pkg: Package) -> None:
    style, text, _ = body_paragraphs(pkg)[0]
    assert (style, text) == ("Title", "2010年度人口和计划生育目标管理责任书")
    title = pkg.style("Title")
    assert title.find("w:rPr/w:sz", NS).get(w("val")) == "44"  # 2号 = 22 pt
    assert title.find("w:rPr/w:rFonts", NS).get(w("eastAsia")) == "方正小标宋简体"
    assert title.find("w:pPr/w:jc", NS).get(w("val")) == "center"


def test_body_in_3hao_fangsong_with_numbered_clauses(pkg: Package) -> None:
    normal = pkg.style("Normal")
    assert normal.find("w:rPr/w:sz", NS).get(w("val")) == "32"  # 3号 = 16 pt
    assert normal.find("w:rPr/w:rFonts", NS).get(w("eastAsia")) == "仿宋_GB2312"
    assert normal.find("w:pPr/w:ind", NS).get(w("firstLineChars")) == "200"
    paragraphs = body_paragraphs(pkg)
    targets = [(s, t) for s, t, _ in paragraphs if t.startswith(("1.全年", "9.往年度"))]
    # the clauses are body paragraphs (the default style), indented two characters
    assert targets == [
        (None, "1.全年出生人口控制在510人以内；"),
        (None, "9.往年度违规生育未处理案件查处率达到40%以上。"),
    ]


def test_parties_flush_left(pkg: Package) -> None:
    paragraphs = body_paragraphs(pkg)
    parties = [(t, p) for _, t, p in paragraphs if t.startswith(("甲方：", "乙方："))]
    assert [t for t, _ in parties] == ["甲方：XX县人民政府", "乙方：XX乡人民政府"]
    for _, p in parties:
        assert p.find("w:pPr/w:ind", NS).get(w("firstLineChars")) == "0"


def test_headings_in_their_styles(pkg: Package) -> None:
    styles = {t: s for s, t, _ in body_paragraphs(pkg)}
    assert styles["一、目标任务"] == "Heading1"
    assert styles["三、一票否决"] == "Heading1"
    assert styles["（一）人口控制（55分）"] == "Heading2"


def test_signature_blocks_side_by_side_and_kept_together(pkg: Package) -> None:
    body = pkg.document.find("w:body", NS)
    tables = body.findall("w:tbl", NS)
    assert len(tables) == 1
    table = tables[0]
    # two equal columns within the 156 mm text block, no borders
    widths = [int(c.get(w("w"))) for c in table.findall("w:tblGrid/w:gridCol", NS)]
    assert len(widths) == 2 and widths[0] == widths[1] and sum(widths) <= 11906 - 1588 - 1474
    borders = table.find("w:tblPr/w:tblBorders", NS)
    assert {b.get(w("val")) for b in borders} == {"nil"}
    # one row that never splits over two pages
    rows = table.findall("w:tr", NS)
    assert len(rows) == 1 and rows[0].find("w:trPr/w:cantSplit", NS) is not None
    cells = [
        ["".join(p.itertext()) for p in tc.findall("w:p", NS)] for tc in rows[0].findall("w:tc", NS)
    ]
    assert cells == [
        ["甲方：XX县人民政府", "（盖章）", "负责人（签字）：", "", "2010年10月8日"],
        ["乙方：XX乡人民政府", "（盖章）", "负责人（签字）：", "", "2010年10月8日"],
    ]
    for p in rows[0].iter(w("p")):
        assert p.find("w:pPr/w:jc", NS).get(w("val")) == "left"
    # the last article and the blank line before the signatures go with them to a new page
    children = list(body)
    before = children[children.index(table) - 2 : children.index(table)]
    assert "".join(before[0].itertext()).endswith("自双方签字盖章之日起生效。")
    for p in before:
        assert p.find("w:pPr/w:keepNext", NS) is not None


def test_page_is_a4_with_gbt_margins_and_page_numbers(pkg: Package) -> None:
    mar = pkg.document.find(".//w:body/w:sectPr/w:pgMar", NS)
    assert (mar.get(w("top")), mar.get(w("left"))) == ("2098", "1588")
    instr = "".join(t.text or "" for t in pkg.footer("default").iter(w("instrText")))
    assert "PAGE" in instr


def test_html_sets_the_signatures_side_by_side(doc: Document) -> None:
    html = render_html(doc)
    assert '<table class="signatures"><tr><td><p>甲方：XX县人民政府</p>' in html
    assert html.count("<td>") == 2
    assert "<p>&nbsp;</p>" in html  # the line left to sign on


def test_markdown_lists_each_party(doc: Document) -> None:
    md = render_markdown(doc)
    assert "甲方：XX县人民政府  \n（盖章）  \n负责人（签字）：  \n　　年　　月　　日" in md
    assert md.count("负责人（签字）：") == 2


def test_signatures_need_a_party() -> None:
    with pytest.raises(ValueError):
        Signatures(())
    assert Signatures((("a", "b"), ("c",))).rows == 2
