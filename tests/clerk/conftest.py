"""Clerk-style workbooks: the demo's workbook, altered the way Excel, WPS and hurried clerks
alter workbooks, one alteration a case (built with openpyxl, as a clerk's Excel would save it).

Every case ends in one of three ways, and the helpers here assert which, and that it is never
an internal error (exit 3) nor a traceback:
- the right figures (`figures`: `compute --json`, indicator by id);
- a finding (`found`: `check --json`, findings by rule; `computed_findings` for `compute`);
- a refusal, exit 2, naming sheet, row and column (`refused`).
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from zicha.cli.main import cli

Change = Callable[[Workbook], None]


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's workbook, as `zicha demo` writes it."""
    out = tmp_path_factory.mktemp("clerk-demo")
    result = CliRunner().invoke(cli, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out / "workbook.xlsx"


@pytest.fixture
def book(demo: Path, tmp_path: Path) -> Callable[[Change], Path]:
    """`book(change)`: a copy of the demo's workbook with `change` applied, saved by openpyxl."""

    def make(change: Change) -> Path:
        wb = openpyxl.load_workbook(demo)
        change(wb)
        path = tmp_path / f"clerk-{len(list(tmp_path.iterdir()))}.xlsx"
        wb.save(path)
        return path

    return make


def run(*args: object) -> tuple[int, str, str]:
    """The command line through click's runner; never an internal error, never a traceback."""
    result = CliRunner().invoke(cli, [str(a) for a in args])
    text = result.stdout + result.stderr
    assert result.exit_code != 3, text
    assert "Traceback" not in text and "内部错误" not in text, text
    assert result.exception is None or isinstance(result.exception, SystemExit), text
    return result.exit_code, result.stdout, result.stderr


def figures(path: Path, *options: str) -> dict[str, Any]:
    """`compute --json` of the workbook's own unit and period: the document, and each indicator
    under its id."""
    code, out, err = run("compute", path, "--json", *options)
    assert code == 0, err
    doc = json.loads(out)
    doc["by_id"] = {i["id"]: i for i in doc["indicators"]}
    return doc


def found(path: Path, rule: str) -> list[dict[str, Any]]:
    """The findings of `check --json` for one rule."""
    code, out, err = run("check", path, "--json")
    assert code in (0, 1), err
    return [f for f in json.loads(out)["findings"] if f["rule"] == rule]


def refused(path: Path, *where: str, command: str = "check") -> str:
    """Exit 2 with one problem naming every part of `where` (sheet, row, column, what)."""
    code, out, err = run(command, path)
    assert code == 2, out + err
    assert "未生成任何输出" in err
    lines = [line for line in _problems(err) if all(part in line for part in where)]
    assert lines, (where, err)
    return lines[0]


def _problems(err: str) -> list[str]:
    """The problems of an exit-2 message, one string each (rich wraps long lines)."""
    text = err.replace("\n", "")
    return [p.strip() for p in text.split("  - ")[1:]]


def sheet_row(ws: Worksheet, column: int, value: object) -> int:
    """The first row whose cell in `column` (1-based) holds `value`."""
    for row in ws.iter_rows(min_row=2):
        if row[column - 1].value == value:
            return row[0].row
    raise LookupError(value)


def value_row(wb: Workbook, element: str, period: str = "2010OctS1") -> int:
    """The row of the 数据 sheet holding the element (by its Chinese name) for the period."""
    ws = wb["数据"]
    for row in ws.iter_rows(min_row=2):
        if row[2].value == element and str(row[1].value) == period:
            return row[0].row
    raise LookupError(element)


def cache_result(path: Path, sheet_index: int, ref: str, cached: str, error: bool) -> Path:
    """Give a formula cell written by openpyxl the result Excel would have stored with it."""
    tmp = path.with_suffix(".tmp.xlsx")
    member = f"xl/worksheets/sheet{sheet_index}.xml"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == member:
                text = data.decode("utf-8")
                kind = ' t="e"' if error else ""
                text, n = re.subn(
                    rf'<c r="{ref}"([^>]*)><f>([^<]*)</f><v\s*/?>(?:</v>)?',
                    rf'<c r="{ref}"\1{kind}><f>\2</f><v>{cached}</v>',
                    text,
                )
                assert n == 1, text[:2000]
                data = text.encode("utf-8")
            out.writestr(item, data)
    shutil.move(tmp, path)
    return path
