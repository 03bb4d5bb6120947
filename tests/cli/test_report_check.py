"""`zicha report` writes the data check sheet beside the report, and attaches it when asked;
a PDF without LibreOffice is refused with exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from zicha.reports import pdf

from .conftest import run


def test_the_check_sheet_is_written_beside_the_report(demo_workbook: Path, tmp_path: Path) -> None:
    out = tmp_path / "自查报告.md"
    code, text, err = run("report", demo_workbook, "--out", out)
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["自查报告-数据核查单.md", "自查报告.md"]
    assert "征求意见稿" in text and "自查报告-数据核查单.md" in text
    report = out.read_text(encoding="utf-8")
    assert "数据核查" not in report
    sheet = (tmp_path / "自查报告-数据核查单.md").read_text(encoding="utf-8")
    assert sheet.count("【需更正】") == 4


def test_attach_check_puts_the_sheet_after_the_report(demo_workbook: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.md"
    code, _, err = run("report", demo_workbook, "--out", out, "--attach-check")
    assert code == 0, err
    report = out.read_text(encoding="utf-8")
    # named among the attachments under the body, and set out after the signature
    assert "数据核查单" in report.split("特此报告。")[1].split("---")[0]
    attachment = report.split("# 数据核查单")[1]
    assert attachment.count("【需更正】") == 4
    assert (tmp_path / "r-数据核查单.md").is_file()


def test_a_pdf_without_libreoffice_is_refused_before_anything_is_written(
    demo_workbook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "find_office", lambda: None)
    out = tmp_path / "x.pdf"
    code, _, err = run("report", demo_workbook, "--out", out)
    assert code == 2
    assert "x.pdf" in err and "LibreOffice" in err and "ZICHA_LIBREOFFICE" in err
    assert "无法完成" in err and "内部错误" not in err
    assert list(tmp_path.iterdir()) == []


def test_a_misnamed_libreoffice_is_told(
    demo_workbook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(pdf.OFFICE_ENV, str(tmp_path / "no-office"))
    code, _, err = run("report", demo_workbook, "--out", tmp_path / "x.pdf")
    assert code == 2
    assert "ZICHA_LIBREOFFICE" in err and "no-office" in err
