"""Parsing one cell: each function takes what a sheet holds (text, or a typed Excel cell) and
returns a typed value or raises `CellError` saying, in Chinese, what was expected.

These are the single source of truth for what a cell may hold. The reader applies them to the
distinct values of a column (a register of five million rows has a few thousand distinct dates),
never row by row.

A typed Excel cell is first turned into text by `to_text`, according to what its column holds:
a number cell 510001.0 in a code column is "510001", a date cell in a period column is the month
of that date ("202403"), a number cell in a date column within 20000–80000 is an Excel serial day.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

import polars as pl

if TYPE_CHECKING:
    from zicha.domain.period import Period
    from zicha.domain.target import Bound


class CellError(ValueError):
    """A cell that does not hold what its column needs.

    `expected` completes 「应为…」; `message` (optional) says what is wrong when that is more
    than "not the expected form" (a date that does not exist, a percent sign).

    >>> err = CellError("数字", "不要带百分号")
    >>> err.expected, err.message, str(err)
    ('数字', '不要带百分号', '不要带百分号，应为数字')
    """

    def __init__(self, expected: str | None, message: str | None = None) -> None:
        self.expected = expected
        self.message = message
        super().__init__(
            "，".join(x for x in (message, f"应为{expected}" if expected else None) if x)
        )


#: what a clerk is told a cell should hold, by kind
EXPECTED: dict[str, str] = {
    "code": "单位代码",
    "text": "文字",
    "period": "期间，如 2024、2024S1、2024Q1、202401、2023Oct",
    "number": "数字",
    "date": "日期，如 2024-03-05、2024/3/5 或 2024年3月5日",
    "sex": "性别：男/女、M/F 或 1/2",
    "flag": "是/否（也可填 Y/N、true/false、1/0）",
    "order": "孩次：正整数，如 1、2、3",
    "age": "年龄：不小于 0 的数字",
    "points": "分值：不小于 0 的数字，或留空",
}

#: Excel counts days from 1899-12-30 (its 1900 leap-year bug included)
EXCEL_EPOCH = date(1899, 12, 30)
SERIAL_MIN, SERIAL_MAX = 20000, 80000  # 1954-10-03 … 2119-01-10

_SPACES = re.compile(r"\s+")


def is_blank(value: object) -> bool:
    """A missing cell: None, empty text or only spaces (also full-width ones). Never zero.

    >>> is_blank(None), is_blank(" \u3000"), is_blank(0), is_blank("0")
    (True, True, False, False)
    """
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, float) and math.isnan(value)


def _number_text(x: float) -> str:
    if x.is_integer() and abs(x) < 1e16:
        return str(int(x))
    return repr(x)


def to_text(value: object, kind: str = "text") -> str | None:
    """A typed cell as the text a clerk would have typed into a column of this kind.

    >>> to_text(510001.0, "code"), to_text(1.5), to_text(True), to_text(None)
    ('510001', '1.5', 'TRUE', None)
    >>> to_text(date(2024, 3, 5), "period"), to_text(date(2024, 3, 5), "date")
    ('202403', '2024-03-05')
    >>> to_text(45356.0, "date"), to_text(45356.0)
    ('2024-03-05', '45356')
    """
    if value is None:
        return None
    cls = value.__class__
    if cls is str:
        return value  # type: ignore[return-value]
    if cls is bool:
        return "TRUE" if value else "FALSE"
    if cls is float or cls is int:
        x = float(value)  # type: ignore[arg-type]
        if math.isnan(x):
            return None
        if kind == "date" and SERIAL_MIN <= x < SERIAL_MAX:
            return (EXCEL_EPOCH + timedelta(days=math.floor(x))).isoformat()
        return _number_text(x)
    if isinstance(value, datetime):
        if kind == "period":
            return f"{value.year:04d}{value.month:02d}"
        if kind == "date" or value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        if kind == "period":
            return f"{value.year:04d}{value.month:02d}"
        return value.isoformat()
    return str(value)


def _text(value: object, kind: str) -> str:
    """The cell as stripped, NFKC-normalised text; CellError("…为空") when blank."""
    text = value if isinstance(value, str) else to_text(value, kind)
    if text is None or not text.strip():
        raise CellError(EXPECTED.get(kind), "单元格为空")
    return unicodedata.normalize("NFKC", text).strip()


def parse_text(value: object) -> str:
    """Free text: surrounding spaces removed, line breaks kept (as \\n).

    >>> parse_text("  第一段\\r\\n第二段 ")
    '第一段\\n第二段'
    """
    text = value if isinstance(value, str) else to_text(value, "text")
    if text is None or not text.strip():
        raise CellError(EXPECTED["text"], "单元格为空")
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def parse_code(value: object) -> str:
    """An org-unit code: text, leading zeros kept; a number cell loses its ".0".

    >>> parse_code(" 0101 "), parse_code(510001.0), parse_code("５１０００１")
    ('0101', '510001', '510001')
    """
    text = _text(value, "code")
    if _SPACES.search(text):
        raise CellError(EXPECTED["code"], "代码中间不应有空格")
    return text


# ---------------------------------------------------------------------------------------------
# numbers

_PLAIN = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")


def parse_number(value: object) -> float:
    """A number: stray spaces, thousands separators and full-width digits are accepted.

    >>> parse_number(" 1,234.5 "), parse_number("１２"), parse_number(3.0), parse_number("−2")
    (1234.5, 12.0, 3.0, -2.0)
    >>> try:
    ...     parse_number("12%")
    ... except CellError as err:
    ...     print(err)
    不要带百分号（按数据项的单位填写数字），应为数字
    """
    if value.__class__ is float or value.__class__ is int:
        x = float(value)
        if math.isfinite(x):
            return x
    text = _text(value, "number").replace("\u2212", "-")
    if _PLAIN.fullmatch(text):
        return float(text)
    if _GROUPED.fullmatch(text):
        return float(text.replace(",", ""))
    if text.endswith(("%", "‰")) and (
        _PLAIN.fullmatch(text[:-1].strip()) or _GROUPED.fullmatch(text[:-1].strip())
    ):
        sign = "百分号" if text.endswith("%") else "千分号"
        raise CellError(EXPECTED["number"], f"不要带{sign}（按数据项的单位填写数字）")
    raise CellError(EXPECTED["number"])


def parse_order(value: object) -> int:
    """A birth order: a positive whole number.

    >>> parse_order("2"), parse_order(1.0)
    (2, 1)
    """
    try:
        x = parse_number(value)
    except CellError as err:
        raise CellError(EXPECTED["order"], err.message) from None
    # beyond 2**53 a float holds no exact whole number (and 1E100 overflows a 64-bit column)
    if not x.is_integer() or x < 1 or x > 2**53:
        raise CellError(EXPECTED["order"])
    return int(x)


def parse_age(value: object) -> float:
    """An age in years: a number not below 0 (0.5 for six months).

    >>> parse_age("0.5"), parse_age(80.0)
    (0.5, 80.0)
    """
    try:
        x = parse_number(value)
    except CellError as err:
        raise CellError(EXPECTED["age"], err.message) from None
    if x < 0:
        raise CellError(EXPECTED["age"])
    return x


def parse_points(value: object) -> float:
    """Points of a target: a number not below 0.

    >>> parse_points("5")
    5.0
    """
    try:
        x = parse_number(value)
    except CellError as err:
        raise CellError(EXPECTED["points"], err.message) from None
    if x < 0:
        raise CellError(EXPECTED["points"])
    return x


# ---------------------------------------------------------------------------------------------
# dates

_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_DATE_FORMS = (
    re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})" + _TIME),
    re.compile(r"(\d{4})(年)(\d{1,2})月(\d{1,2})[日号]?" + _TIME),
    re.compile(r"(\d{4})()(\d{2})(\d{2})"),
)
_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")


def parse_date(value: object) -> date:
    """A date: 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日, 20240305, a date cell or an Excel
    serial day (a number from 20000 to 80000); a time of day is dropped.

    >>> [parse_date(x).isoformat() for x in ("2024/3/5", "2024年3月5日", "2024.03.05", 45356.0)]
    ['2024-03-05', '2024-03-05', '2024-03-05', '2024-03-05']
    >>> try:
    ...     parse_date("2023-02-30")
    ... except CellError as err:
    ...     print(err.message)
    日期不存在（2023年2月没有30日）
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value, "date")
    for form in _DATE_FORMS:
        m = form.fullmatch(text)
        if m is not None:
            y, mo, d = int(m[1]), int(m[3]), int(m[4])
            try:
                return date(y, mo, d)
            except ValueError:
                if not 1 <= mo <= 12:
                    problem = f"日期不存在（没有{mo}月）"
                else:
                    problem = f"日期不存在（{y}年{mo}月没有{d}日）"
                raise CellError(EXPECTED["date"], problem) from None
    if _SERIAL.fullmatch(text) and SERIAL_MIN <= float(text) < SERIAL_MAX:
        return EXCEL_EPOCH + timedelta(days=math.floor(float(text)))
    raise CellError(EXPECTED["date"])


# ---------------------------------------------------------------------------------------------
# codes with a small vocabulary

SEX: dict[str, str] = {
    "男": "M",
    "女": "F",
    "男性": "M",
    "女性": "F",
    "m": "M",
    "f": "F",
    "1": "M",
    "2": "F",
}
FLAG: dict[str, bool] = {
    "是": True,
    "否": False,
    "y": True,
    "n": False,
    "yes": True,
    "no": False,
    "true": True,
    "false": False,
    "1": True,
    "0": False,
}


def parse_sex(value: object) -> str:
    """Sex as "M" or "F": 男/女, M/F (any case), 1/2 (GB/T 2261.1).

    >>> [parse_sex(x) for x in ("男", " f ", 2.0, "1")]
    ['M', 'F', 'F', 'M']
    """
    text = _text(value, "sex")
    sex = SEX.get(text.casefold())
    if sex is None:
        raise CellError(EXPECTED["sex"])
    return sex


def parse_flag(value: object) -> bool:
    """A yes/no flag: 是/否, Y/N, yes/no, true/false (any case), 1/0, or a TRUE/FALSE cell.

    >>> [parse_flag(x) for x in ("是", "N", True, 0.0, "False")]
    [True, False, True, False, False]
    """
    text = _text(value, "flag")
    flag = FLAG.get(text.casefold())
    if flag is None:
        raise CellError(EXPECTED["flag"])
    return flag


# ---------------------------------------------------------------------------------------------
# periods and bounds (parsed by the domain; errors carry its Chinese message)


def period_text(value: object) -> str:
    """The text of a period cell: a number cell 2024.0 is "2024", a date cell its month.

    >>> period_text(202401.0), period_text(datetime(2024, 3, 31)), period_text(" 2024S1 ")
    ('202401', '202403', '2024S1')
    """
    if value.__class__ is float and not float(value).is_integer():
        raise CellError("期间（请按文本填写，如 202401、2024Q1）", "期间不是整数")
    text = _text(value, "period")
    if re.fullmatch(r"\d+\.\d+", text):
        raise CellError("期间（请按文本填写，如 202401、2024Q1）", "期间不是整数")
    return text


def parse_period(value: object) -> Period:
    """A period, as `zicha.domain.period.parse_period` reads it.

    >>> parse_period(2024.0).id, parse_period(date(2024, 1, 1)).id
    ('2024', '202401')
    """
    from zicha.domain.period import PeriodError
    from zicha.domain.period import parse_period as domain_parse_period

    text = period_text(value)
    try:
        return domain_parse_period(text)
    except PeriodError as err:
        raise CellError(None, str(err)) from None


def parse_bound(value: object) -> Bound:
    """A target bound, as `zicha.domain.expression.parse_bound` reads it.

    >>> parse_bound(" ≤510 ").op
    '<='
    """
    from zicha.domain.expression import ExpressionError
    from zicha.domain.expression import parse_bound as domain_parse_bound

    text = _text(value, "text")
    try:
        return domain_parse_bound(text)
    except ExpressionError as err:
        raise CellError(None, str(err)) from None


# ---------------------------------------------------------------------------------------------
# a whole column at once: each distinct text parsed once, results spread back with polars

#: at most this many distinct values are told apart with a when/then chain, else with an Enum
_SMALL = 8


@dataclass
class Parsed:
    """A column parsed: values (null where blank or wrong), which rows are blank, which wrong
    (None: none), and the error of each wrong text."""

    raw: pl.Series
    values: pl.Series
    blank: pl.Series
    bad: pl.Series | None
    errors: dict[str, CellError]


def _index_of(raw: pl.Series, uniques: list[str]) -> pl.Series:
    """For each row, the position of its text in `uniques` (null where the text is null)."""
    if not uniques:
        return pl.Series([None] * len(raw), dtype=pl.UInt32)
    if len(uniques) <= _SMALL:
        col = pl.col("s")
        chain: Any = pl.when(col == uniques[0]).then(pl.lit(0, pl.UInt32))
        for i, u in enumerate(uniques[1:], start=1):
            chain = chain.when(col == u).then(pl.lit(i, pl.UInt32))
        return pl.DataFrame({"s": raw}).select(chain.alias("i")).to_series()
    return raw.cast(pl.Enum(uniques)).to_physical().cast(pl.UInt32)


def spread(raw: pl.Series, mapping: dict[str, Any], dtype: pl.DataType) -> pl.Series:
    """Each row's text replaced by its value in `mapping` (texts absent from it become null)."""
    uniques = list(mapping)
    values = pl.Series([mapping[u] for u in uniques], dtype=dtype)
    return values.gather(_index_of(raw, uniques))


def parse_column(
    raw: pl.Series,
    parse: Callable[[str], Any],
    dtype: pl.DataType,
    fast: Callable[[pl.Series], pl.Series] | None = None,
) -> Parsed:
    """Parse a text column with a cell parser applied once per distinct text.

    `fast`, when given, is a vectorised parser that returns null for anything it does not
    accept with certainty (it must never accept what `parse` rejects); only the rows it leaves
    go through `parse`.
    """
    need: pl.Series | None = None
    todo = raw
    if fast is not None:
        quick = fast(raw)
        need = quick.is_null() & raw.is_not_null()
        if not need.any():
            return Parsed(raw, quick, raw.is_null(), None, {})
        todo = raw.filter(need)
    uniques: list[str] = todo.drop_nulls().unique().to_list()
    mapping: dict[str, Any] = {}
    blanks: list[str] = []
    errors: dict[str, CellError] = {}
    for u in uniques:
        if is_blank(u):
            blanks.append(u)
            mapping[u] = None
            continue
        try:
            mapping[u] = parse(u)
        except CellError as err:
            errors[u] = err
            mapping[u] = None
    if (
        fast is None
        and dtype == pl.String
        and not blanks
        and not errors
        and all(mapping[u] == u for u in uniques)
    ):
        values = raw  # codes already in canonical form: nothing to spread
    else:
        values = spread(todo, mapping, dtype)
        if need is not None:
            values = quick.scatter(need.arg_true(), values)
    blank = (raw.is_null() | raw.is_in(blanks)).fill_null(True) if blanks else raw.is_null()
    bad = raw.is_in(list(errors)).fill_null(False) if errors else None
    return Parsed(raw, values, blank, bad, errors)


def fast_number(raw: pl.Series) -> pl.Series:
    x = raw.cast(pl.Float64, strict=False)
    return pl.select(pl.when(x.is_finite()).then(x)).to_series()


def fast_age(raw: pl.Series) -> pl.Series:
    x = raw.cast(pl.Float64, strict=False)
    return pl.select(pl.when(x.is_finite() & (x >= 0)).then(x)).to_series()


def clean_text(raw: pl.Series) -> pl.Series:
    """Optional text (a register number, a comment): stripped, blank → null; cheap when clean."""
    if raw.null_count() == len(raw):
        return raw
    if raw.str.contains(r"^\s|\s$|^$").any():
        stripped = raw.str.strip_chars()
        return pl.select(pl.when(stripped != "").then(stripped)).to_series()
    return raw
