"""Reading the checklist sheet: English and Chinese headers, .xlsx and CSV, every date and flag
form; what cannot be used refused with row and column, also through the command line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from zicha.cli.main import cli
from zicha.domain.errors import InputError
from zicha.workbook import read_workbook

from ..workbook.helpers import ORGS, base, one_problem, resolver, write_csv, write_xlsx

ZH = ["单位代码", "期间", "检查事项", "标准要求", "检查结果", "发现问题", "整改措施"]
ZH += ["责任部门/责任人", "整改时限", "整改完成", "完成日期", "分值"]
EN = ["orgunit", "period", "item", "requirement", "result", "problem", "action", "owner"]
EN += ["deadline", "closed", "closed_on", "points"]

ROWS = [
    [
        "510001",
        "2024S1",
        "成立领导组",
        "党委书记任组长",
        "达标",
        None,
        None,
        None,
        None,
        None,
        None,
        5,
    ],
    [
        "510001",
        "2024S1",
        "灭火器有效",
        None,
        " 未达标 ",
        "3具过期",
        "更换",
        "总务科",
        "2024/5/31",
        "是",
        "2024年5月20日",
        None,
    ],
    [
        "510001",
        "2024S1",
        "建站",
        None,
        "推进中",
        "设计阶段",
        None,
        None,
        date(2024, 9, 30),
        "N",
        None,
        None,
    ],
]


def _items(path: Path) -> list[tuple[object, ...]]:
    ds = read_workbook(path, resolver())
    return [
        (
            i.org_unit,
            i.period.id,
            i.item,
            i.result,
            i.owner,
            i.deadline,
            i.closed,
            i.closed_on,
            i.points,
            i.row,
        )
        for i in ds.checklist
    ]


EXPECTED = [
    ("510001", "2024S1", "成立领导组", "达标", "", None, None, None, 5.0, 2),
    (
        "510001",
        "2024S1",
        "灭火器有效",
        "未达标",
        "总务科",
        date(2024, 5, 31),
        True,
        date(2024, 5, 20),
        None,
        3,
    ),
    ("510001", "2024S1", "建站", "推进中", "", date(2024, 9, 30), False, None, None, 4),
]


def test_chinese_headers_xlsx(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "w.xlsx", base(检查事项=[ZH, *ROWS]))
    assert _items(path) == EXPECTED


def test_english_headers_xlsx(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "w.xlsx", base(checklist=[EN, *ROWS]))
    assert _items(path) == EXPECTED


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_folder(tmp_path: Path, encoding: str) -> None:
    rows = [[c.isoformat() if isinstance(c, date) else c for c in r] for r in ROWS]
    folder = write_csv(tmp_path / "csv", base(检查事项=[ZH, *rows]), encoding)
    assert _items(folder) == EXPECTED


@pytest.mark.parametrize(
    "header", ["责任部门", "责任人", "责任部门/责任人", "owner", "责任部门／责任人"]
)
def test_owner_header_spellings(tmp_path: Path, header: str) -> None:
    head = ["单位代码", "期间", "检查事项", "检查结果", header]
    path = write_xlsx(
        tmp_path / "w.xlsx", base(检查事项=[head, ["510001", "2024", "x", "达标", "办公室"]])
    )
    (i,) = read_workbook(path, resolver()).checklist
    assert i.owner == "办公室"


def test_only_the_required_columns(tmp_path: Path) -> None:
    head = ["单位代码", "期间", "检查事项", "检查结果"]
    path = write_xlsx(tmp_path / "w.xlsx", base(检查事项=[head, ["510001", "2024", "x", "达标"]]))
    (i,) = read_workbook(path, resolver()).checklist
    assert (i.deadline, i.closed, i.points, i.problem) == (None, None, None, "")


def test_a_completion_date_means_closed(tmp_path: Path) -> None:
    head = ["单位代码", "期间", "检查事项", "检查结果", "发现问题", "完成日期"]
    row = ["510001", "2024", "x", "未达标", "p", "2024-03-05"]
    path = write_xlsx(tmp_path / "w.xlsx", base(检查事项=[head, row]))
    (i,) = read_workbook(path, resolver()).checklist
    assert i.closed is True and i.closed_on == date(2024, 3, 5)


def test_a_checklist_alone_is_data_enough(tmp_path: Path) -> None:
    head = ["单位代码", "期间", "检查事项", "检查结果"]
    path = write_xlsx(
        tmp_path / "w.xlsx", {"组织机构": ORGS, "检查事项": [head, ["510001", "2024", "x", "达标"]]}
    )
    assert len(read_workbook(path, resolver()).checklist) == 1


def test_a_missing_required_column(tmp_path: Path) -> None:
    head = ["单位代码", "期间", "检查事项"]
    path = write_xlsx(tmp_path / "w.xlsx", base(检查事项=[head, ["510001", "2024", "x"]]))
    with pytest.raises(InputError) as excinfo:
        read_workbook(path, resolver())
    one_problem(excinfo, "检查事项", "缺少「检查结果」列")


@pytest.mark.parametrize(
    ("column", "cell", "says"),
    [
        ("整改时限", "下月底", "应为日期"),
        ("整改时限", "2024-02-30", "日期不存在"),
        ("完成日期", "不详", "应为日期"),
        ("检查结果", "基本达标", "达标、未达标、推进中、未启动 之一"),
        ("检查结果", None, "单元格为空"),
        ("单位代码", "999999", "没有这个单位"),
        ("期间", "2024H3", "期间"),
        ("整改完成", "也许", "是/否"),
        ("分值", "-1", "分值"),
    ],
)
def test_unusable_cells_are_refused_with_row_and_column(
    tmp_path: Path, column: str, cell: object, says: str
) -> None:
    row: list[object] = [
        "510001",
        "2024S1",
        "灭火器有效",
        None,
        "未达标",
        "过期",
        "更换",
        "总务科",
        "2024-05-31",
        "否",
        None,
        5,
    ]
    row[ZH.index(column)] = cell
    good = ["510001", "2024S1", "成立领导组", None, "达标"] + [None] * 7
    path = write_xlsx(tmp_path / "w.xlsx", base(检查事项=[ZH, good, row]))
    with pytest.raises(InputError) as excinfo:
        read_workbook(path, resolver())
    text = one_problem(excinfo, "工作表「检查事项」第 3 行", f"「{column}」列")
    assert says in text


def test_a_bad_deadline_exits_2_through_the_command_line(tmp_path: Path) -> None:
    row = [
        "510001",
        "2024S1",
        "灭火器有效",
        None,
        "未达标",
        "过期",
        "更换",
        "总务科",
        "2024-13-01",
        None,
        None,
        None,
    ]
    path = write_xlsx(tmp_path / "w.xlsx", base(检查事项=[ZH, row]))
    for command in (["check", str(path)], ["compute", str(path), "--period", "2024S1"]):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
        said = "".join(result.stderr.split())
        assert "工作表「检查事项」第2行" in said and "「整改时限」列" in said
