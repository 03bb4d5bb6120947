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
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import polars as pl

if TYPE_CHECKING:
    from zicha.domain.period import Period
    from zicha.domain.target import Bound


@dataclass(frozen=True)
class Formula:
    """A formula cell of an .xlsx file: its text (without "=") and its computed result, None when
    it was never computed (a program wrote the formula)."""

    text: str
    result: float | None = None


@dataclass(frozen=True)
class Percent:
    """A number cell shown as a percentage: 0.854 is what the clerk sees and typed as 85.4%."""

    value: float


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
    "bound": "目标值，如 <=510、>=85、105～107、不超过510、不低于85%",
}

#: numbers at or beyond this size are typing mistakes (10^15: a thousand trillion)
MAX_MAGNITUDE = 1e15
#: the years a date or a period of a workbook may fall in
YEAR_MIN, YEAR_MAX = 1950, 2100
#: the largest birth order and age accepted
MAX_ORDER, MAX_AGE = 20, 150
#: what Excel shows in a cell whose formula fails
EXCEL_ERRORS = frozenset(
    {"#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"}
)
#: marks a formula cell that has no computed result (the text after it is the formula)
FORMULA_MARK = "\x00="
#: marks a cell covered by a merged range in a column of figures (the text after it is the range)
MERGED_MARK = "\x00merged:"

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
    >>> to_text(time(6, 4)), to_text(time(4, 3, 3)), to_text(date(2024, 5, 10), "bound")
    ('6:4', '4:3:3', '5-10')
    >>> to_text(Percent(0.854)), to_text(Formula("0", 0.0), "bound"), to_text(Formula("0", 0.0))
    ('85.4%', '=0', '0')
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
        if kind == "bound" and value.time() == time(0, 0):
            return f"{value.month}-{value.day}"
        if kind == "date" or value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        if kind == "period":
            return f"{value.year:04d}{value.month:02d}"
        if kind == "bound":
            return f"{value.month}-{value.day}"  # Excel turned a typed range 5-10 into 10 May
        return value.isoformat()
    if isinstance(value, time):
        # Excel turned a typed ratio 6:4 (or 4:3:3) into a time of day: give back what was typed
        parts = [value.hour, value.minute] + ([value.second] if value.second else [])
        return ":".join(str(x) for x in parts)
    if isinstance(value, Percent):
        if not math.isfinite(value.value):
            return repr(value.value)
        shown = (Decimal(repr(value.value)) * 100).normalize()
        return format(shown, "f") + "%"
    if isinstance(value, Formula):
        if value.result is None:
            return FORMULA_MARK + value.text
        if kind == "bound" and _PLAIN.fullmatch(value.text.strip()):
            return "=" + value.text.strip()  # =0 typed as a target: "equal to 0"
        return to_text(value.result, kind)
    return str(value)


def _text(value: object, kind: str) -> str:
    """The cell as stripped, NFKC-normalised text; CellError("…为空") when blank, and when it
    is a formula without a result or an error value."""
    text = value if isinstance(value, str) else to_text(value, kind)
    if text is None or not text.strip():
        raise CellError(EXPECTED.get(kind), "单元格为空")
    text = unicodedata.normalize("NFKC", text).strip()
    refuse_formula_leftovers(text, EXPECTED.get(kind))
    return text


def refuse_formula_leftovers(text: str, expected: str | None) -> None:
    """A formula cell without a computed result, or with an error value (#DIV/0!), is not
    empty: say what it is.

    >>> try:
    ...     refuse_formula_leftovers("#DIV/0!", "数字")
    ... except CellError as err:
    ...     print(err.message)
    单元格是公式的错误值「#DIV/0!」（公式无法计算，如除数为 0）；请改正公式，或直接填写数值
    """
    first = text[:1]
    if first != "\x00" and first != "#":
        return
    if text.startswith(FORMULA_MARK):
        raise CellError(
            expected,
            f"单元格是公式「={text[len(FORMULA_MARK) :]}」，但没有计算结果（文件由程序写出、"
            "未经 Excel 或 WPS 计算）；请在 Excel 或 WPS 中打开并保存，或把公式改为数值",
        )
    if text.startswith(MERGED_MARK):
        raise CellError(
            expected,
            f"单元格在合并单元格 {text[len(MERGED_MARK) :]} 中，合并后只有第一格有值；"
            "请取消合并，逐行填写",
        )
    if text.upper() in EXCEL_ERRORS:
        raise CellError(
            expected,
            f"单元格是公式的错误值「{text}」（公式无法计算，如除数为 0）；"
            "请改正公式，或直接填写数值",
        )


def parse_text(value: object) -> str:
    """Free text: surrounding spaces removed, line breaks kept (as \\n).

    >>> parse_text("  第一段\\r\\n第二段 ")
    '第一段\\n第二段'
    """
    text = value if isinstance(value, str) else to_text(value, "text")
    if text is None or not text.strip():
        raise CellError(EXPECTED["text"], "单元格为空")
    refuse_formula_leftovers(text.strip(), EXPECTED["text"])
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
        if math.isfinite(x) and abs(x) < MAX_MAGNITUDE:
            return x
        return _plausible(x)
    text = _text(value, "number").replace("\u2212", "-")
    if _PLAIN.fullmatch(text):
        return _plausible(float(text))
    if _GROUPED.fullmatch(text):
        return _plausible(float(text.replace(",", "")))
    if text.endswith(("%", "‰")) and (
        _PLAIN.fullmatch(text[:-1].strip()) or _GROUPED.fullmatch(text[:-1].strip())
    ):
        sign = "百分号" if text.endswith("%") else "千分号"
        raise CellError(EXPECTED["number"], f"不要带{sign}（按数据项的单位填写数字）")
    raise CellError(EXPECTED["number"])


def _plausible(x: float) -> float:
    """A number a workbook can hold: finite and below MAX_MAGNITUDE.

    >>> try:
    ...     _plausible(1e30)
    ... except CellError as err:
    ...     print(err.message)
    数字过大（绝对值应小于 10 的 15 次方），请检查是否多输入了数字
    """
    if not math.isfinite(x):
        raise CellError(EXPECTED["number"], "不是有限的数字")
    if abs(x) >= MAX_MAGNITUDE:
        raise CellError(
            EXPECTED["number"], "数字过大（绝对值应小于 10 的 15 次方），请检查是否多输入了数字"
        )
    return x


#: a number followed by a unit word: 233人, 13万元, 85.4%, 6.55‰
_QUANTITY = re.compile(
    r"(?P<number>[+-]?(?:\d{1,3}(?:,\d{3})+(?:\.\d*)?|\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"\s*(?P<unit>[^\d\s.,+\-][^\d]*)"
)
_APPROXIMATE = ("约", "大约", "近", "将近", "≈", "~", "左右", "多", "余")


def split_quantity(value: object) -> tuple[float, str]:
    """A figure as typed, with the unit it may carry: (number, unit), unit "" when none.

    Whether the unit fits is for the caller to say (it knows the data element).

    >>> split_quantity("233人"), split_quantity(" 13 万元 "), split_quantity("85.4%")
    ((233.0, '人'), (13.0, '万元'), (85.4, '%'))
    >>> split_quantity(6.0)
    (6.0, '')
    >>> try:
    ...     split_quantity("约230人")
    ... except CellError as err:
    ...     print(err.message)
    请填写确切的数字，不要写「约」「左右」等字样
    """
    try:
        return parse_number(value), ""
    except CellError as err:
        if not isinstance(value, str):
            raise
        text = unicodedata.normalize("NFKC", value).strip().replace("\u2212", "-")
        if text.upper() in EXCEL_ERRORS or text.startswith(FORMULA_MARK):
            raise
        found = _QUANTITY.fullmatch(text)
        if found is None:
            if text.startswith(_APPROXIMATE) or text.endswith(_APPROXIMATE):
                raise CellError(
                    EXPECTED["number"], "请填写确切的数字，不要写「约」「左右」等字样"
                ) from None
            raise err from None
        unit = found["unit"].strip()
        if unit.endswith(_APPROXIMATE) or unit.startswith(_APPROXIMATE):
            raise CellError(
                EXPECTED["number"], "请填写确切的数字，不要写「约」「左右」等字样"
            ) from None
        return _plausible(float(found["number"].replace(",", ""))), unit


def unit_factor(unit: str, wanted: str) -> float | None:
    """How a figure typed in `unit` converts to `wanted` (the data element's unit): 1 when they
    are the same (or no unit was typed), 10000 or 1/10000 across 万, None when they do not fit.

    >>> unit_factor("人", "人"), unit_factor("元", "万元"), unit_factor("万人", "人")
    (1.0, 0.0001, 10000.0)
    >>> unit_factor("例", "人") is None
    True
    """
    if not unit or unit == wanted:
        return 1.0
    if wanted and unit == "万" + wanted:
        return 10000.0
    if wanted.startswith("万") and unit == wanted[1:]:
        return 0.0001
    return None


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
    if x > MAX_ORDER:
        raise CellError(EXPECTED["order"], f"孩次 {to_text(x)} 不合理（应不超过 {MAX_ORDER}）")
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
    if x > MAX_AGE:
        raise CellError(EXPECTED["age"], f"年龄 {to_text(x)} 不合理（应不超过 {MAX_AGE} 岁）")
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
        return plausible_date(value.date())
    if isinstance(value, date):
        return plausible_date(value)
    text = _text(value, "date")
    for form in _DATE_FORMS:
        m = form.fullmatch(text)
        if m is not None:
            y, mo, d = int(m[1]), int(m[3]), int(m[4])
            try:
                found = date(y, mo, d)
            except ValueError:
                if not 1 <= mo <= 12:
                    problem = f"日期不存在（没有{mo}月）"
                else:
                    problem = f"日期不存在（{y}年{mo}月没有{d}日）"
                raise CellError(EXPECTED["date"], problem) from None
            return plausible_date(found)
    if _SERIAL.fullmatch(text) and SERIAL_MIN <= float(text) < SERIAL_MAX:
        return EXCEL_EPOCH + timedelta(days=math.floor(float(text)))
    raise CellError(EXPECTED["date"])


def plausible_date(d: date) -> date:
    """A date whose year a workbook can mean (YEAR_MIN to YEAR_MAX).

    >>> try:
    ...     plausible_date(date(2911, 3, 5))
    ... except CellError as err:
    ...     print(err.message)
    年份 2911 不合理（应在 1950 至 2100 之间），请检查是否输错
    """
    if not YEAR_MIN <= d.year <= YEAR_MAX:
        raise CellError(EXPECTED["date"], _year_problem(d.year))
    return d


def _year_problem(year: int) -> str:
    return f"年份 {year} 不合理（应在 {YEAR_MIN} 至 {YEAR_MAX} 之间），请检查是否输错"


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


def parse_period(value: object, year_start: int = 1) -> Period:
    """A period, as `zicha.domain.period.parse_period` reads it, in a year a workbook can mean.
    `year_start` is the pack's: `2011年度` is its statistical year ending in 2011.

    >>> parse_period(2024.0).id, parse_period(date(2024, 1, 1)).id
    ('2024', '202401')
    >>> parse_period("2011年度", year_start=10).id
    '2010Oct'
    """
    from zicha.domain.period import PeriodError
    from zicha.domain.period import parse_period as domain_parse_period

    text = period_text(value)
    for year in (int(y) for y in re.findall(r"(?<!\d)\d{4}(?=\d{2}(?!\d)|\D|$)", text)):
        if not YEAR_MIN <= year <= YEAR_MAX:
            raise CellError(None, f"期间「{text}」的{_year_problem(year)}")
    try:
        period = domain_parse_period(text, year_start)
    except PeriodError as err:
        raise CellError(None, str(err)) from None
    for year in (period.start.year, period.end.year):
        if not YEAR_MIN <= year <= YEAR_MAX:
            raise CellError(None, f"期间「{text}」的{_year_problem(year)}")
    return period


#: words for a bound, as targets are written in county documents (不超过510人, 不低于85%).
#: 以上, 以下 and 以内 include the number itself (民法典第一千二百五十九条); 不满 and 超过 do not.
_BOUND_PREFIXES: tuple[tuple[str, str], ...] = (
    ("大于或等于", ">="),
    ("大于等于", ">="),
    ("小于或等于", "<="),
    ("小于等于", "<="),
    ("不低于", ">="),
    ("不少于", ">="),
    ("不小于", ">="),
    ("至少", ">="),
    ("达到", ">="),
    ("不高于", "<="),
    ("不超过", "<="),
    ("不多于", "<="),
    ("不大于", "<="),
    ("最多", "<="),
    ("低于", "<"),
    ("少于", "<"),
    ("小于", "<"),
    ("不足", "<"),
    ("不满", "<"),
    ("高于", ">"),
    ("多于", ">"),
    ("大于", ">"),
    ("超过", ">"),
    ("等于", "="),
)
_BOUND_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("及以上", ">="),
    ("及以下", "<="),
    ("以上", ">="),
    ("以下", "<="),
    ("以内", "<="),
)
_BOUND_FILLERS = ("控制在", "保持在", "稳定在", "在")
_BOUND_UNIT = re.compile(
    r"((?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)(?![eE][+-]?\d)"
    r"\s*([^\d\s<>=≤≥≦≧≠~〜～至到–—\-.,%‰]+)"
)


def bound_text(value: object, unit: str = "") -> str:
    """A target as the bound grammar reads it: words turned into signs, the indicator's unit
    dropped. `控制在510人` is a cap; a unit other than the indicator's is refused.

    >>> [bound_text(x, "人") for x in ("不超过510人", "510人以内", "控制在510人", "≤510人")]
    ['<=510', '<=510', '<=510', '≤510']
    >>> [bound_text(x, "%") for x in ("不低于85%", "85%以上", "在105至107之间")]
    ['>=85%', '>=85%', '105至107']
    >>> bound_text("≥316400元", "万元")
    '≥31.64'
    """
    text = _text(value, "bound").replace(" ", "")
    shown = text
    capped = False
    for filler in _BOUND_FILLERS:
        if text.startswith(filler):
            capped = filler == "控制在"
            text = text[len(filler) :]
            break
    if text.endswith("之间"):
        text = text[:-2]
    op = ""
    for word, sign in _BOUND_PREFIXES:
        if text.startswith(word):
            op, text = sign, text[len(word) :]
            break
    for word, sign in _BOUND_SUFFIXES:
        if text.endswith(word):
            if op and op != sign:
                raise CellError(EXPECTED["bound"], f"目标值「{shown}」前后矛盾")
            op, text = sign, text[: -len(word)]
            break

    def in_unit(m: re.Match[str]) -> str:
        factor = unit_factor(m[2], unit)
        if factor is None:
            expected = f"指标的单位「{unit}」" if unit else "指标本身的单位"
            raise CellError(
                EXPECTED["bound"],
                f"目标值「{shown}」的单位「{m[2]}」与{expected}不符；请按指标的单位填写数字",
            )
        if factor == 1.0:
            return m[1]
        scaled = Decimal(m[1]) * (Decimal(10000) if factor > 1 else Decimal("0.0001"))
        return format(scaled.normalize(), "f")

    text = _BOUND_UNIT.sub(in_unit, text)
    stray = next((s for s in "%‰" if s in text and s != unit), None)
    if unit and stray is not None:
        raise CellError(
            EXPECTED["bound"],
            f"目标值「{shown}」带「{stray}」，而指标的单位是「{unit}」；请按指标的单位填写数字",
        )
    if not op and capped and _PLAIN.fullmatch(text):
        op = "<="
    if op and text[:1] and text[:1] in "<>=≤≥≦≧≠":
        raise CellError(EXPECTED["bound"], f"目标值「{shown}」前后矛盾")
    return op + text


def parse_bound(value: object, unit: str = "") -> Bound:
    """A target bound, as `zicha.domain.expression.parse_bound` reads it, after `bound_text`.

    >>> parse_bound(" ≤510 ").op, parse_bound("不低于85%", "%").value
    ('<=', 85.0)
    """
    from zicha.domain.expression import ExpressionError
    from zicha.domain.expression import parse_bound as domain_parse_bound

    text = bound_text(value, unit)
    try:
        bound = domain_parse_bound(text)
    except ExpressionError as err:
        shown = _text(value, "bound")
        if text == shown.replace(" ", ""):
            # no word read as a sign: the grammar's own message, where it stopped in the text typed
            message = str(err)
            try:
                domain_parse_bound(shown)
            except ExpressionError as typed:
                message = str(typed)
            raise CellError(None, message) from None
        raise CellError(EXPECTED["bound"], f"无法识别的目标值「{shown}」") from None
    for x in (bound.value, bound.low, bound.high):
        if x is not None:
            _plausible(x)
    return bound


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
    return pl.select(pl.when(x.abs() < MAX_MAGNITUDE).then(x)).to_series()


def fast_age(raw: pl.Series) -> pl.Series:
    x = raw.cast(pl.Float64, strict=False)
    return pl.select(pl.when((x >= 0) & (x <= MAX_AGE)).then(x)).to_series()


def clean_text(raw: pl.Series) -> pl.Series:
    """Optional text (a register number, a comment): stripped, blank → null; cheap when clean."""
    if raw.null_count() == len(raw):
        return raw
    # (the three questions in one query, which polars answers in parallel: one after the
    # other, with a pattern for the spaces at either end, took 2.5 × as long)
    text = pl.col("text")
    formula, padded, empty = (
        pl.DataFrame({"text": raw})
        .select(
            text.str.starts_with("\x00").any().alias("formula"),
            (text.str.strip_chars() != text).any().alias("padded"),
            (text.str.len_bytes() == 0).any().alias("empty"),
        )
        .row(0)
    )
    if formula:  # a formula without a result is no text
        raw = pl.select(pl.when(~raw.str.starts_with("\x00")).then(raw)).to_series()
    if padded or empty:
        stripped = raw.str.strip_chars()
        return pl.select(pl.when(stripped != "").then(stripped)).to_series()
    return raw
