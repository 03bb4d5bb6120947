"""One cell at a time: every accepted form, the errors, and properties over many inputs."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from zicha.workbook import cells
from zicha.workbook.cells import CellError, parse_column
from zicha.workbook.source import _column_text

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def date_forms(d: date) -> list[object]:
    """Every way a clerk (or Excel) may give this date."""
    forms: list[object] = [
        d.isoformat(),
        f"{d.year}/{d.month}/{d.day}",
        f"{d.year}-{d.month}-{d.day}",
        f"{d.year}年{d.month}月{d.day}日",
        f"{d.year}.{d.month}.{d.day}",
        f"{d.year:04d}{d.month:02d}{d.day:02d}",
        f" {d.isoformat()} 00:00:00 ",
        f"{d.year}年{d.month}月{d.day}日".translate(FULL_WIDTH),
        d,
        datetime(d.year, d.month, d.day, 13, 45),
    ]
    serial = (d - cells.EXCEL_EPOCH).days
    if cells.SERIAL_MIN <= serial < cells.SERIAL_MAX:
        forms += [float(serial), float(serial) + 0.25, str(serial)]
    return forms


@given(st.dates(min_value=date(cells.YEAR_MIN, 1, 1), max_value=date(cells.YEAR_MAX, 12, 31)))
def test_dates_round_trip_through_every_form(d: date) -> None:
    for form in date_forms(d):
        assert cells.parse_date(form) == d, form


@pytest.mark.parametrize(
    "value", ["2911-03-05", "1900-01-01", "9999-12-31", date(1949, 12, 31), "21010101"]
)
def test_a_date_in_an_implausible_year(value: object) -> None:
    with pytest.raises(CellError) as excinfo:
        cells.parse_date(value)
    assert "不合理" in str(excinfo.value.message)


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31)))
def test_date_cells_become_text_that_parses_back(d: date) -> None:
    for value in (d, datetime(d.year, d.month, d.day)):
        text = cells.to_text(value, "date")
        assert text is not None and cells.parse_date(text) == d


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("2023-02-30", "日期不存在（2023年2月没有30日）"),
        ("2023年2月29日", "日期不存在（2023年2月没有29日）"),
        ("2024/13/1", "日期不存在（没有13月）"),
        ("2024-04-31", "日期不存在（2024年4月没有31日）"),
    ],
)
def test_a_date_that_does_not_exist(text: str, problem: str) -> None:
    with pytest.raises(CellError) as excinfo:
        cells.parse_date(text)
    assert excinfo.value.message == problem
    assert "2024-03-05" in str(excinfo.value.expected)


@pytest.mark.parametrize("text", ["2024-03", "03/05/2024", "明天", "2024-3/5", "12.5", "1000"])
def test_not_a_date(text: str) -> None:
    with pytest.raises(CellError) as excinfo:
        cells.parse_date(text)
    assert excinfo.value.message is None


def test_serials_only_in_their_range() -> None:
    assert cells.parse_date(20000.0) == date(1954, 10, 3)
    with pytest.raises(CellError):
        cells.parse_date(19999.0)
    with pytest.raises(CellError):
        cells.parse_date(80000.0)


@given(st.from_regex(r"0[0-9]{1,11}", fullmatch=True), st.sampled_from(["", " ", "\u3000", "\t"]))
def test_codes_keep_leading_zeros(code: str, pad: str) -> None:
    assert cells.parse_code(pad + code + pad) == code
    assert cells.parse_code(code.translate(FULL_WIDTH)) == code


@given(st.integers(min_value=0, max_value=10**14))
def test_number_cells_as_codes_lose_only_the_point_zero(n: int) -> None:
    assert cells.parse_code(float(n)) == str(n)
    assert cells.to_text(float(n), "code") == str(n)


def test_code_with_inner_space() -> None:
    with pytest.raises(CellError):
        cells.parse_code("5100 01")


@given(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.sampled_from(["", ".5", ".25", ".0"]),
    st.sampled_from(["", " ", "\u3000"]),
)
def test_numbers_with_separators(n: int, fraction: str, pad: str) -> None:
    expected = float(f"{n}{fraction}") if fraction else float(n)
    grouped = f"{n:,}{fraction}"
    assert cells.parse_number(pad + grouped + pad) == expected
    assert cells.parse_number(grouped.translate(FULL_WIDTH)) == expected
    assert cells.parse_number(f"{n}{fraction}") == expected
    full_width_comma = grouped.replace(",", "，")
    assert unicodedata.normalize("NFKC", full_width_comma) == grouped
    assert cells.parse_number(full_width_comma) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(3, 3.0), (2.5, 2.5), ("1e3", 1000.0), ("+4", 4.0), (".5", 0.5), ("−2", -2.0)],
)
def test_number_forms(value: object, expected: float) -> None:
    assert cells.parse_number(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("12%", "不要带百分号（按数据项的单位填写数字）"),
        ("1.5‰", "不要带千分号（按数据项的单位填写数字）"),
        ("abc", None),
        ("1,23", None),
        ("1.2.3", None),
        ("nan", None),
        ("inf", None),
        ("1e400", "不是有限的数字"),
        (1e30, "数字过大（绝对值应小于 10 的 15 次方），请检查是否多输入了数字"),
        ("-1e15", "数字过大（绝对值应小于 10 的 15 次方），请检查是否多输入了数字"),
        (
            "#DIV/0!",
            "单元格是公式的错误值「#DIV/0!」（公式无法计算，如除数为 0）；"
            "请改正公式，或直接填写数值",
        ),
        (True, None),
        (" ", "单元格为空"),
    ],
)
def test_not_a_number(value: object, message: str | None) -> None:
    with pytest.raises(CellError) as excinfo:
        cells.parse_number(value)
    assert excinfo.value.expected == "数字"
    assert excinfo.value.message == message


@pytest.mark.parametrize(
    ("value", "sex"),
    [
        ("男", "M"),
        ("女", "F"),
        ("M", "M"),
        ("f", "F"),
        (" m ", "M"),
        ("1", "M"),
        ("2", "F"),
        (1.0, "M"),
        (2.0, "F"),
        ("男性", "M"),
        ("Ｆ", "F"),
    ],
)
def test_sex(value: object, sex: str) -> None:
    assert cells.parse_sex(value) == sex


@pytest.mark.parametrize("value", ["3", "男女", "x", 0.0, True])
def test_not_a_sex(value: object) -> None:
    with pytest.raises(CellError, match="男/女"):
        cells.parse_sex(value)


@pytest.mark.parametrize(
    ("value", "flag"),
    [
        ("是", True),
        ("否", False),
        ("Y", True),
        ("n", False),
        ("Yes", True),
        ("NO", False),
        ("true", True),
        ("FALSE", False),
        ("1", True),
        ("0", False),
        (True, True),
        (False, False),
        (1.0, True),
        (0.0, False),
    ],
)
def test_flags(value: object, flag: bool) -> None:
    assert cells.parse_flag(value) is flag


@pytest.mark.parametrize("value", ["对", "2", "是的", 0.5])
def test_not_a_flag(value: object) -> None:
    with pytest.raises(CellError, match="是/否"):
        cells.parse_flag(value)


@pytest.mark.parametrize(
    ("value", "order"), [("1", 1), (2.0, 2), (" 3 ", 3), ("１", 1), ("2.0", 2)]
)
def test_birth_order(value: object, order: int) -> None:
    assert cells.parse_order(value) == order


@pytest.mark.parametrize("value", [0, -1, 1.5, "0", "二", "2%", "21", "12345678901234567890"])
def test_not_a_birth_order(value: object) -> None:
    with pytest.raises(CellError, match="正整数"):
        cells.parse_order(value)


def test_age() -> None:
    assert cells.parse_age("0") == 0.0 and cells.parse_age(0.5) == 0.5
    assert cells.parse_age("150") == 150.0
    with pytest.raises(CellError, match="不小于 0"):
        cells.parse_age(-1)
    with pytest.raises(CellError, match="不合理"):
        cells.parse_age("151")


@pytest.mark.parametrize(
    ("value", "period"),
    [
        (2024.0, "2024"),
        (202401.0, "202401"),
        ("2024-01", "202401"),
        (" 2024Q1 ", "2024Q1"),
        (date(2024, 3, 1), "202403"),
        (datetime(2024, 3, 31, 12), "202403"),
        ("2023Oct", "2023Oct"),
    ],
)
def test_periods(value: object, period: str) -> None:
    assert cells.parse_period(value).id == period


@pytest.mark.parametrize(
    ("value", "period"),
    [
        ("2011上半年", "2011S1"),
        ("2011年下半年", "2011S2"),
        ("2011年1-6月", "2011-01-01/2011-06-30"),
        ("2011年1月至6月", "2011-01-01/2011-06-30"),
        ("2010年10月-2011年3月", "2010-10-01/2011-03-31"),
        ("2011年度", "2011"),
    ],
)
def test_period_forms_clerks_write(value: str, period: str) -> None:
    assert cells.parse_period(value).id == period


def test_a_statistical_year_written_as_nian_du() -> None:
    """In a pack whose year starts in October, 2011年度 is 1 Oct 2010 – 30 Sep 2011."""
    p = cells.parse_period("2011年度", year_start=10)
    assert (p.id, p.start, p.end) == ("2010Oct", date(2010, 10, 1), date(2011, 9, 30))


@pytest.mark.parametrize("value", [2024.5, "2024.10", "2024H1", "2911", "191001", "1900"])
def test_not_a_period(value: object) -> None:
    with pytest.raises(CellError):
        cells.parse_period(value)


def test_bounds() -> None:
    assert cells.parse_bound(" ≥85% ").op == ">="
    with pytest.raises(CellError) as excinfo:
        cells.parse_bound("85")
    assert excinfo.value.message is not None and "85" in excinfo.value.message


@pytest.mark.parametrize(
    ("text", "unit", "op", "value"),
    [
        ("不超过510人", "人", "<=", 510.0),
        ("≤510人", "人", "<=", 510.0),
        ("510人以内", "人", "<=", 510.0),
        ("510人以下", "人", "<=", 510.0),
        ("控制在510人", "人", "<=", 510.0),
        ("控制在5‰以内", "‰", "<=", 5.0),
        ("不低于85%", "%", ">=", 85.0),
        ("85%以上", "%", ">=", 85.0),
        ("85%及以上", "%", ">=", 85.0),
        ("达到31.64万元", "万元", ">=", 31.64),
        ("≥316400元", "万元", ">=", 31.64),
        ("低于5", "‰", "<", 5.0),
        ("超过40%", "%", ">", 40.0),
        ("等于0", "%", "=", 0.0),
    ],
)
def test_bounds_in_words(text: str, unit: str, op: str, value: float) -> None:
    bound = cells.parse_bound(text, unit)
    assert (bound.op, bound.value) == (op, value)


@pytest.mark.parametrize(
    ("text", "unit", "low", "high"),
    [("105～107", "（女=100）", 105.0, 107.0), ("在105至107之间", "", 105.0, 107.0)],
)
def test_ranges_in_words(text: str, unit: str, low: float, high: float) -> None:
    bound = cells.parse_bound(text, unit)
    assert (bound.op, bound.low, bound.high) == ("range", low, high)


@pytest.mark.parametrize(
    ("text", "unit", "part"),
    [
        ("≤510例", "人", "单位「例」"),
        ("≤510%", "人", "带「%」"),
        ("≥85‰", "%", "带「‰」"),
        ("不超过510以上", "人", "前后矛盾"),
        ("不低于", "%", "无法识别"),
        ("510", "人", "看不出是上限还是下限"),
        ("≤1e400", "人", "过大，不是有限的数"),
    ],
)
def test_bounds_refused_with_advice(text: str, unit: str, part: str) -> None:
    with pytest.raises(CellError) as excinfo:
        cells.parse_bound(text, unit)
    assert part in str(excinfo.value)


@pytest.mark.parametrize(
    ("text", "number", "unit"),
    [
        ("233人", 233.0, "人"),
        (" 13 万元", 13.0, "万元"),
        ("85.4%", 85.4, "%"),
        ("6.55‰", 6.55, "‰"),
        ("12,345元", 12345.0, "元"),
        ("233", 233.0, ""),
        (233.0, 233.0, ""),
    ],
)
def test_quantities_carry_their_unit(text: object, number: float, unit: str) -> None:
    assert cells.split_quantity(text) == (number, unit)


@pytest.mark.parametrize("text", ["约233", "233左右", "230余人", "≈5"])
def test_approximate_figures_are_refused(text: str) -> None:
    with pytest.raises(CellError, match="确切的数字"):
        cells.split_quantity(text)


def test_blank() -> None:
    for value in (None, "", "  ", "\u3000", "\xa0", float("nan")):
        assert cells.is_blank(value)
    for value in (0, 0.0, "0", False):
        assert not cells.is_blank(value)


def test_to_text() -> None:
    assert cells.to_text(None) is None
    assert cells.to_text(1.5) == "1.5"
    assert cells.to_text(1e20) == "1e+20"
    assert cells.to_text(False) == "FALSE"
    assert cells.to_text(datetime(2024, 3, 5, 10, 30)) == "2024-03-05 10:30:00"
    assert cells.to_text(datetime(2024, 3, 5, 10, 30), "date") == "2024-03-05"
    assert cells.to_text(timedelta(hours=1)) == "1:00:00"


# ---------------------------------------------------------------------------------------------
# whole columns agree with the cell parsers


texts = st.one_of(
    st.none(),
    st.sampled_from(["", " ", "2024-03-05", "2024/3/5", "2024-02-30", "abc", "45356", "1"]),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 1, 1)).map(
        lambda d: f"{d.year}年{d.month}月{d.day}日"
    ),
    st.text(max_size=6),
)


def _scalar(parse, value):  # type: ignore[no-untyped-def]
    if cells.is_blank(value):
        return None
    try:
        return parse(value)
    except CellError:
        return None


@given(st.lists(texts, max_size=40))
def test_a_column_parses_as_its_cells(values: list[str | None]) -> None:
    raw = pl.Series(values, dtype=pl.String)
    for parse, dtype, fast in (
        (cells.parse_date, pl.Date(), None),
        (cells.parse_number, pl.Float64(), cells.fast_number),
        (cells.parse_age, pl.Float64(), cells.fast_age),
        (cells.parse_sex, pl.String(), None),
        (cells.parse_order, pl.Int64(), None),
    ):
        parsed = parse_column(raw, parse, dtype, fast)
        assert parsed.values.to_list() == [_scalar(parse, v) for v in values]
        assert parsed.blank.to_list() == [cells.is_blank(v) for v in values]
        bad = parsed.bad.to_list() if parsed.bad is not None else [False] * len(values)
        assert bad == [not cells.is_blank(v) and _scalar(parse, v) is None for v in values]


@given(st.lists(st.sampled_from(["男", "女", "1", "2", "x", None, "F"]), min_size=1, max_size=60))
def test_many_distinct_and_few_distinct_columns_agree(values: list[str | None]) -> None:
    """Few distinct texts are told apart with when/then, many with an Enum: same result."""
    raw = pl.Series(values + [f"z{i}" for i in range(20)], dtype=pl.String)
    many = parse_column(raw, cells.parse_sex, pl.String())
    few = parse_column(raw.head(len(values)), cells.parse_sex, pl.String())
    assert many.values.head(len(values)).to_list() == few.values.to_list()


def test_xlsx_cells_become_the_text_to_text_gives() -> None:
    cells_in = ["a", 1.0, 2.5, 1e20, date(2024, 3, 5), datetime(2024, 3, 5, 8), True, "", 45356.0]
    rows = [[c] for c in cells_in]
    for kind in ("code", "date", "period", "number", "text"):
        assert _column_text(rows, 0, kind) == [
            c if isinstance(c, str) else cells.to_text(c, kind) for c in cells_in
        ]


_TEXTS = st.lists(
    st.one_of(
        st.none(),
        st.text(alphabet=st.sampled_from(["B", "7", "号", " ", "\u3000", "\t", "\n", "\x00"])),
    ),
    max_size=12,
)


@given(_TEXTS)
def test_optional_text_is_stripped_and_blank_is_null(texts: list[str | None]) -> None:
    """`clean_text` on a column, against the rule written out one cell at a time: a formula
    left without its result (text starting with NUL) is no text, the rest is stripped of
    Unicode white space at both ends, and what is left empty is null."""

    def one(text: str | None) -> str | None:
        if text is None or text.startswith("\x00"):
            return None
        return text.strip() or None

    got = cells.clean_text(pl.Series(texts, dtype=pl.String)).to_list()
    assert got == [one(t) for t in texts]
