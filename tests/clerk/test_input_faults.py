"""Input problems that used to end in an internal error (exit 3): now exit 2, naming the cell."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl.workbook.workbook import Workbook

from tests.clerk.conftest import Change, figures, refused, run, value_row

Book = Callable[[Change], Path]


def _births_register(date: object, order: object = 1) -> Change:
    def change(wb: Workbook) -> None:
        ws = wb.create_sheet("出生登记")
        ws.append(["单位代码", "出生日期", "性别", "孩次", "政策内"])
        ws.append(["510001", "2010-11-05", "男", 1, "是"])
        ws.append(["510001", date, "女", order, "是"])

    return change


@pytest.mark.parametrize(
    "date", ["2911-03-05", "1900-01-01", "9999-12-31", dt.datetime(9999, 12, 31), "1900/1/1"]
)
def test_a_register_date_in_an_absurd_year(book: Book, date: object) -> None:
    line = refused(book(_births_register(date)), "工作表「出生登记」第 3 行", "「出生日期」列")
    assert "不合理" in line


@pytest.mark.parametrize(
    "period", ["291103", "1900", "9999-12-31/9999-12-31", "2010-10-01/2911-03-31"]
)
def test_a_period_in_an_absurd_year(book: Book, period: str) -> None:
    def change(wb: Workbook) -> None:
        wb["数据"].cell(value_row(wb, "出生人数"), 2).value = period

    line = refused(book(change), "工作表「数据」第 4 行", "「期间」列")
    assert "不合理" in line


@pytest.mark.parametrize(("typed", "what"), [("1e400", "不是有限的数字"), (1e30, "数字过大")])
def test_an_absurd_number(book: Book, typed: object, what: str) -> None:
    def change(wb: Workbook) -> None:
        wb["数据"].cell(value_row(wb, "出生人数"), 4).value = typed

    refused(book(change), "工作表「数据」第 4 行", "「数值」列", what)


def test_a_birth_order_of_twenty_digits(book: Book) -> None:
    path = book(_births_register("2010-11-06", "12345678901234567890"))
    refused(path, "工作表「出生登记」第 3 行", "「孩次」列", "孩次")


def test_a_target_of_1e400(book: Book) -> None:
    def change(wb: Workbook) -> None:
        wb["目标"]["D2"].value = "<=1e400"

    refused(book(change), "工作表「目标」第 2 行", "「目标值」列", "过大，不是有限的数")


# ------------------------------------------------------------------ the Word template


def _dotx(tmp_path: Path) -> Path:
    from zicha.reports.docx_writer import DEFAULT_TEMPLATE

    path = tmp_path / "县模板.dotx"
    with zipfile.ZipFile(DEFAULT_TEMPLATE) as src, zipfile.ZipFile(path, "w") as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"wordprocessingml.document.main+xml", b"wordprocessingml.template.main+xml"
                )
            out.writestr(item, data)
    return path


def test_a_dotx_template_is_accepted(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "报告.docx"
    code, _, err = run("report", demo, "--out", out, "--template", _dotx(tmp_path))
    assert code == 0, err
    assert zipfile.ZipFile(out).read("word/document.xml")


@pytest.mark.parametrize(
    ("name", "content", "what"),
    [
        ("旧模板.doc", b"\xd0\xcf\x11\xe0 old word", "旧版 Word 格式"),
        ("说明.txt", "这是一段文字".encode(), "不是 Word 文档"),
        ("模板.docx", b"not a zip at all", "不是 Word 文档"),
        ("模板目录", None, "是文件夹"),
    ],
)
def test_a_template_that_is_no_word_file(
    demo: Path, tmp_path: Path, name: str, content: bytes | None, what: str
) -> None:
    template = tmp_path / name
    if content is None:
        template.mkdir()
    else:
        template.write_bytes(content)
    out = tmp_path / "报告.docx"
    code, _, err = run("report", demo, "--out", out, "--template", template)
    assert code == 2 and what in err.replace("\n", "")
    assert not out.exists()


def test_the_demo_figures_still_hold(demo: Path) -> None:
    assert figures(demo)["by_id"]["births"]["value"] == 233.0
