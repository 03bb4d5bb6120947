"""Fuzzing: whatever a cell or a workbook holds, the answer is a value or a message (CellError,
InputError), never an internal error. Hypothesis runs these with the fixed profile in CI."""

from __future__ import annotations

import math
from datetime import date, datetime, time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.workbook.helpers import tiny_pack, write_csv, write_xlsx
from zicha.actions.session import workbook_engine
from zicha.domain.errors import InputError
from zicha.domain.period import parse_period
from zicha.packs.registry import get_pack, workbook_pack
from zicha.workbook import cells
from zicha.workbook.cells import CellError, Formula, Percent
from zicha.workbook.reader import read_workbook

#: what clerks type, and what they should not: forms that are nearly right
NEAR = st.sampled_from(
    [
        "2024-03-05",
        "2024/3/5",
        "2024年3月5日",
        "2024-02-30",
        "2911-03-05",
        "9999-12-31",
        "202401",
        "2024Q1",
        "2023OctS1",
        "2011上半年",
        "2011年1-6月",
        "2010年度",
        "1900",
        "233",
        "233人",
        "13万元",
        "1e400",
        "1e30",
        "-5",
        "233.4",
        "85.4%",
        "6.55‰",
        "约233",
        "≤510",
        "不超过510人",
        "不低于85%",
        "105～107",
        "5-10",
        "=0",
        "510",
        "#DIV/0!",
        "男",
        "女",
        "M",
        "2",
        "是",
        "否",
        "TRUE",
        "0",
        "12345678901234567890",
        "０５１０",
        "\x00=A1+1",
        "\x00merged:D3:D5",
        " ",
        "",
        "6:4",
        "4:3:3",
        "NaN",
        "inf",
    ]
)
TEXT = st.one_of(NEAR, st.text(max_size=12))
CELL = st.one_of(
    TEXT,
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**25), max_value=10**25),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)),
    st.times(),
    st.floats(allow_nan=True, allow_infinity=True).map(Percent),
    st.builds(Formula, TEXT, st.one_of(st.none(), st.floats(allow_nan=False))),
)
KINDS = [
    "code",
    "text",
    "period",
    "number",
    "date",
    "sex",
    "flag",
    "order",
    "age",
    "points",
    "bound",
]

PARSERS = [
    cells.parse_text,
    cells.parse_code,
    cells.parse_number,
    cells.split_quantity,
    cells.parse_order,
    cells.parse_age,
    cells.parse_points,
    cells.parse_date,
    cells.parse_sex,
    cells.parse_flag,
    cells.parse_period,
    lambda v: cells.parse_period(v, 10),
    cells.parse_bound,
    lambda v: cells.parse_bound(v, "人"),
    lambda v: cells.parse_bound(v, "%"),
    lambda v: cells.parse_bound(v, "万元"),
]


@settings(max_examples=400)
@given(CELL)
def test_every_cell_parser_gives_a_value_or_a_cell_error(value: object) -> None:
    for parse in PARSERS:
        try:
            parsed = parse(value)
        except CellError as err:
            assert str(err)  # a message a clerk can read
            continue
        if isinstance(parsed, float):
            assert math.isfinite(parsed) and abs(parsed) < cells.MAX_MAGNITUDE
        if isinstance(parsed, date):
            assert cells.YEAR_MIN <= parsed.year <= cells.YEAR_MAX


@settings(max_examples=400)
@given(CELL, st.sampled_from(KINDS))
def test_every_cell_becomes_text_or_nothing(value: object, kind: str) -> None:
    text = cells.to_text(value, kind)
    assert text is None or isinstance(text, str)


@settings(max_examples=200)
@given(st.text(max_size=30), st.sampled_from(["", "人", "%", "‰", "万元", "（女=100）"]))
def test_target_words_never_fail_inside(text: str, unit: str) -> None:
    try:
        bound = cells.parse_bound(text, unit)
    except CellError:
        return
    assert bound.op in ("<=", "<", ">=", ">", "=", "range")


# ------------------------------------------------------------------ whole workbooks

ORGS = [["代码", "名称", "上级代码", "类型"], ["510000", "XX县", None, "县"]]
ORGS += [["510001", "XX乡", "510000", "乡镇"], ["0510002", "YY乡", "510000", "乡镇"]]

ROW = st.lists(CELL, min_size=0, max_size=6)
VALUE_ROW = st.tuples(
    st.one_of(st.sampled_from(["510001", "0510002", 510001, 510002, "510099"]), CELL),
    st.one_of(st.sampled_from(["2024Q1", "202401", "2023OctS1", "2024"]), CELL),
    st.one_of(st.sampled_from(["births", "出生人数", "population", "出生率"]), CELL),
    CELL,
).map(list)
BIRTH_ROW = st.tuples(
    st.one_of(st.sampled_from(["510001", "0510002"]), CELL),
    st.one_of(st.dates(min_value=date(2023, 10, 1), max_value=date(2024, 9, 30)), CELL),
    st.one_of(st.sampled_from(["男", "女"]), CELL),
    st.one_of(st.integers(min_value=1, max_value=4), CELL),
    st.one_of(st.sampled_from(["是", "否"]), CELL),
).map(list)
TARGET_ROW = st.tuples(
    st.sampled_from(["510001", "0510002"]),
    st.one_of(st.sampled_from(["2023Oct", "2024", "2011年度"]), CELL),
    st.sampled_from(["birth_rate", "出生率", "births"]),
    st.one_of(st.sampled_from(["<=510", "不超过10‰", "105～107"]), CELL),
).map(list)
META_ROW = st.tuples(
    st.sampled_from(["期间", "单位代码", "成文日期", "标题", "联系人", "pack"]), CELL
).map(list)

SHEETS = st.fixed_dictionaries(
    {
        "数据": st.lists(VALUE_ROW, max_size=8).map(
            lambda rows: [["单位代码", "期间", "数据项", "数值"], *rows]
        ),
    },
    optional={
        "出生登记": st.lists(BIRTH_ROW, max_size=8).map(
            lambda rows: [["单位代码", "出生日期", "性别", "孩次", "政策内"], *rows]
        ),
        "目标": st.lists(TARGET_ROW, max_size=4).map(
            lambda rows: [["单位代码", "期间", "指标", "目标值"], *rows]
        ),
        "基本信息": st.lists(META_ROW, max_size=4).map(lambda rows: [["项目", "内容"], *rows]),
        "数据 (2)": st.lists(ROW, max_size=3),
    },
)


def _typed_for_xlsx(value: object) -> object:
    """xlsxwriter writes text, numbers, booleans and dates; anything else as its text."""
    if isinstance(value, Percent | Formula | time):
        return cells.to_text(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
        return str(value)
    if isinstance(value, date) and not 1900 <= value.year <= 9999:
        return value.isoformat()
    return value


def _read_and_check(path: Path, pack_id: str | None) -> None:
    """Read, check, and compute the root for its statistical year: InputError or findings."""
    pack = get_pack(pack_id) if pack_id else tiny_pack()
    try:
        dataset = read_workbook(path, lambda _id: pack)
    except InputError as err:
        assert err.problems and all(str(p) for p in err.problems)
        return
    engine = workbook_engine(pack, dataset)
    engine.check()
    engine.compute(dataset.tree.root.code, parse_period("2023Oct"))


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(SHEETS, st.sampled_from([None, "family-planning"]))
def test_the_reader_never_fails_inside_on_xlsx(
    tmp_path: Path,
    sheets: dict,  # type: ignore[type-arg]
    pack_id: str | None,
) -> None:
    typed = {
        name: [[_typed_for_xlsx(c) for c in row] for row in rows]
        for name, rows in {"组织机构": ORGS, **sheets}.items()
    }
    path = tmp_path / f"fuzz-{len(list(tmp_path.iterdir()))}.xlsx"
    _read_and_check(write_xlsx(path, typed), pack_id)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    SHEETS,
    st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
    st.sampled_from([None, "family-planning"]),
)
def test_the_reader_never_fails_inside_on_csv(
    tmp_path: Path,
    sheets: dict,  # type: ignore[type-arg]
    encoding: str,
    pack_id: str | None,
) -> None:
    as_text = {
        name: [[cells.to_text(c) for c in row] for row in rows]
        for name, rows in {"组织机构": ORGS, **sheets}.items()
    }
    folder = tmp_path / f"fuzz-{len(list(tmp_path.iterdir()))}"
    try:
        write_csv(folder, as_text, encoding)
    except UnicodeEncodeError:
        return  # text GB18030 cannot hold is no file a clerk can save
    _read_and_check(folder, pack_id)


@pytest.mark.parametrize("named", [None, "family-planning"])
def test_the_built_in_pack_reads_the_fuzzed_forms_too(tmp_path: Path, named: str | None) -> None:
    """The real pack, one workbook of the nearly-right forms, read and checked."""
    pack = get_pack(named)
    rows = [["单位代码", "期间", "数据项", "数值"]]
    rows += [["510001", "2023OctS1", "出生人数", v] for v in ("233人", "13万元", 233.0)]
    path = write_xlsx(tmp_path / "forms.xlsx", {"组织机构": ORGS, "数据": rows})
    with pytest.raises(InputError) as excinfo:
        read_workbook(path, lambda _id: workbook_pack(named, path))
    # 13万元 is no count of births: refused, naming the row
    assert any("第 3 行" in str(p) and "万元" in str(p) for p in excinfo.value.problems)
    assert pack.id == "family-planning"
