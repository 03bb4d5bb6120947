"""The self-inspection report drafted from the demo: its text as a golden file, its PDF, and
reports for a county, a half-year and a whole year."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from zicha.actions.reporting import check_sheet, draft, write_document
from zicha.actions.session import Session, open_workbook
from zicha.reports.markdown_writer import render_markdown
from zicha.reports.pdf import find_office

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "demo-report.md"
GOLDEN_CHECK = Path(__file__).resolve().parents[1] / "golden" / "demo-check-sheet.md"


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Session:
    from click.testing import CliRunner

    from zicha.cli.main import cli

    out = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(cli, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return open_workbook(out / "workbook.xlsx")


def test_demo_report_text_matches_golden(session: Session) -> None:
    doc, _ = draft(session, "510001", "2010OctS1", charts=False)
    text = render_markdown(doc)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_demo_check_sheet_matches_golden(session: Session) -> None:
    _, c = draft(session, "510001", "2010OctS1", charts=False)
    text = render_markdown(check_sheet(session, c))
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN_CHECK.write_text(text, encoding="utf-8")
    assert text == GOLDEN_CHECK.read_text(encoding="utf-8")


def test_findings_leave_the_report_for_the_check_sheet(session: Session) -> None:
    doc, c = draft(session, "510001", "2010OctS1", charts=False)
    report = render_markdown(doc)
    # the report sent to the county has no data-check section, but a draft mark
    assert "数据核查" not in report and "需更正" not in report
    assert doc.draft_mark == "征求意见稿"
    assert report.startswith("**【征求意见稿】**")
    sheet = check_sheet(session, c)
    text = render_markdown(sheet)
    assert sheet.title == "XX乡2010年10月至2011年3月自查报告数据核查单"
    # the seed's four errors, each with the figures it concerns and where they were entered
    assert text.count("【需更正】") == 4
    assert text.count("【需说明】") == 2
    assert "已落实避孕节育措施 580例（「数据」第 15 行）" in text
    assert "应落实避孕节育措施 509例（「数据」第 14 行）" in text
    # the pack rule's own instruction is what to correct
    assert "| 如何更正 | 落实率超过100%说明应落实数或已落实数的口径有误，请核对统计口径 |" in text
    assert sheet.addressee is None and sheet.signature is None


def test_a_report_without_errors_has_no_draft_mark() -> None:
    from tests.factories import dataset, tree, values
    from zicha.actions.session import Session as S
    from zicha.actions.session import workbook_engine
    from zicha.packs.registry import get_pack

    town = tree(("C", "县", None, "county"), ("T", "乡", "C", "township"))
    rows = values(("T", "2024S1", "births", 12))
    data = dataset(town, values=rows)
    pack = get_pack(None)
    session = S(Path("x.xlsx"), pack, data, workbook_engine(pack, data))
    doc, c = draft(session, "T", "2024S1", charts=False)
    assert [f for f in c.findings if f.severity == "error"] == []
    assert doc.draft_mark is None
    assert "未发现不一致" in render_markdown(check_sheet(session, c))


def test_demo_report_states_figures_and_shortfalls(session: Session) -> None:
    doc, _ = draft(session, "510001", "2010OctS1", charts=False)
    text = render_markdown(doc)
    assert (
        doc.title
        == "中共XX乡委员会关于2010年10月至2011年3月人口和计划生育综合治理工作目标自查情况的报告"
    )
    assert doc.addressee == "中共XX县委："
    # spending: 13 / 31.64 = 41.09 % done against 182 / 365 = 49.86 % of the time
    done = 13 / 31.64 * 100
    elapsed = 182 / 365 * 100
    assert f"完成全年任务的{done:.1f}%，低于时间进度{elapsed - done:.1f}个百分点" in text
    assert "半年来全乡共出生人口233人" in text
    assert "85.41%" in text
    assert "特此报告。" in text
    assert "现将自查情况报告如下：" in text
    assert doc.date is not None and doc.date.isoformat() == "2011-03-31"


def test_missing_narrative_shows_a_placeholder(session: Session) -> None:
    doc, _ = draft(session, "510000", "2010OctS1", charts=False)
    text = render_markdown(doc)
    # the county has no narrative of its own: placeholders, never invented prose
    assert "待填写" in text


def test_county_report_sets_townships_side_by_side(session: Session) -> None:
    doc, c = draft(session, "510000", "2010OctS1", charts=False)
    assert c.org_unit.code == "510000"
    text = render_markdown(doc)
    assert "下级单位指标对比" in text
    assert "| XX乡 | 233人" in text


def test_whole_year_report_judges_final(session: Session) -> None:
    doc, c = draft(session, "510001", "2010Oct", charts=False)
    births = c.result("births")
    assert births.elapsed == 1.0
    assert births.status in ("met", "not_met")
    assert "2010年10月至2011年9月" in doc.title


def test_each_format_is_written(session: Session, tmp_path: Path) -> None:
    doc, _ = draft(session, "510001", "2010OctS1")
    for suffix in (".docx", ".html", ".md"):
        out = tmp_path / f"r{suffix}"
        write_document(doc, out, None)
        assert out.stat().st_size > 1000
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert html.count('<svg class="chart"') == 1


@pytest.mark.skipif(
    find_office() is None and os.environ.get("CI") != "true", reason="LibreOffice not installed"
)
def test_pdf_carries_title_figures_and_closing(session: Session, tmp_path: Path) -> None:
    doc, _ = draft(session, "510001", "2010OctS1")
    pdf = tmp_path / "r.pdf"
    write_document(doc, pdf, None)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))  # type: ignore[union-attr]
    assert 6 <= pages <= 16
    assert shutil.which("pdftotext")
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = re.sub(r"\s+", "", text)
    assert "自查情况的报告" in flat
    for figure in ("233", "85.41", "106.2", "3.88", "13.00", "特此报告"):
        assert figure in flat, figure


def test_comparisons_are_said_in_words() -> None:
    from tests.factories import dataset, tree, values
    from zicha.actions.session import workbook_engine
    from zicha.domain.period import parse_period
    from zicha.packs.registry import get_pack
    from zicha.reports.wording import comparison_phrase

    town = tree(("C", "县", None, "county"), ("T", "乡", "C", "township"))
    rows = values(
        ("T", "2024S1", "births", 233),
        ("T", "2023S1", "births", 221),
        ("T", "2023S2", "births", 240),
    )
    c = workbook_engine(get_pack(None), dataset(town, values=rows)).compute(
        "T", parse_period("2024S1")
    )
    # 233 − 221 = 12, 12 / 221 = 5.43 %; 233 − 240 = −7, 7 / 240 = 2.92 %
    assert comparison_phrase(c.result("births")) == (
        "比上年同期增加12人，增长5.4%；比上期减少7人，下降2.9%"
    )
