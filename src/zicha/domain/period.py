"""Periods: DHIS2-style identifiers, statistical years that start in any month, ISO intervals.

A period is a closed span of days with a canonical identifier:

- calendar kinds: ``2024`` (year), ``2024S1`` (half), ``2024Q1`` (quarter), ``202401`` (month);
- statistical ("fiscal") years starting in any month other than January: ``2023Oct`` (fyear,
  2023-10-01..2024-09-30), ``2023OctS1`` (fhalf), ``2023OctQ1`` (fquarter). A statistical year
  starting in January is the calendar year, so ``2024Jan`` canonicalises to ``2024``;
- ISO 8601 intervals ``2023-10-01/2024-03-31`` (interval), kept as intervals even when they
  coincide with a named period.

>>> p = parse_period("2023OctS1")
>>> p.start, p.end, p.kind, p.label
(datetime.date(2023, 10, 1), datetime.date(2024, 3, 31), 'fhalf', '2023年10月至2024年3月')
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

MIN_YEAR: Final = 1900
MAX_YEAR: Final = 2200

KINDS: Final = ("month", "quarter", "half", "year", "fyear", "fhalf", "fquarter", "interval")

_MONTH_ABBR: Final = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)
_MONTH_BY_NAME: Final[dict[str, int]] = {
    **{abbr.lower(): i for i, abbr in enumerate(_MONTH_ABBR, start=1)},
    "april": 4,
    "june": 6,
    "july": 7,
    "sept": 9,
}
_CN_NUMBERS: Final = {
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_QUARTERS: Final = "一二三四"

# A named period other than a month is unit number `index` of the year starting (year, start_month).
_UNIT_MONTHS: Final = {"year": 12, "half": 6, "quarter": 3}
_UNIT_OF_KIND: Final = {
    "year": "year",
    "half": "half",
    "quarter": "quarter",
    "fyear": "year",
    "fhalf": "half",
    "fquarter": "quarter",
}
_FISCAL_KIND: Final = {"year": "fyear", "half": "fhalf", "quarter": "fquarter"}
_SUFFIX: Final = {"year": "", "half": "S", "quarter": "Q"}

_EXPECTED: Final = (
    "应为 2024、2024S1、2024Q1、202401、2024年1月、2024年上半年、2024年第一季度、"
    "2023Oct、2023OctS1、2023OctQ1 或 2023-10-01/2024-03-31 等形式"
)


class PeriodError(ValueError):
    """A period identifier that cannot be parsed; the message says what was expected."""


@dataclass(frozen=True, order=True)
class Period:
    """A closed span of days with a canonical identifier.

    `start` and `end` are both inclusive. `kind` is one of: "month", "quarter", "half", "year",
    "fyear" (a year starting in `start.month`), "fhalf", "fquarter", "interval".
    Build periods with `parse_period` or the module's constructors, not directly.

    >>> str(parse_period("2024年第一季度"))
    '2024Q1'
    """

    start: date
    end: date
    kind: str
    id: str

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError(f"期间「{self.id}」的结束日期早于开始日期")
        if self.kind not in KINDS:
            raise PeriodError(f"期间类型「{self.kind}」不存在，应为 {'、'.join(KINDS)} 之一")

    def __str__(self) -> str:
        """The canonical identifier.

        >>> str(parse_period("2024-1"))
        '202401'
        """
        return self.id

    @property
    def days(self) -> int:
        """Number of days, both ends included.

        >>> parse_period("2023OctS1").days
        183
        """
        return (self.end - self.start).days + 1

    def contains(self, other: Period) -> bool:
        """Whether every day of `other` lies within this period.

        >>> parse_period("2023Oct").contains(parse_period("2024Q1"))
        True
        >>> parse_period("2024").contains(parse_period("2023OctQ1"))
        False
        """
        return self.start <= other.start and other.end <= self.end

    @property
    def start_month(self) -> int | None:
        """The month a statistical year starts in: 1 for calendar kinds, None for month/interval.

        >>> parse_period("2023OctQ2").start_month, parse_period("2024S1").start_month
        (10, 1)
        >>> parse_period("202401").start_month is None
        True
        """
        if self.kind in ("month", "interval"):
            return None
        return self._frame()[1]

    @property
    def label(self) -> str:
        """Chinese display label, without zero padding.

        >>> parse_period("2024S2").label
        '2024年下半年'
        >>> parse_period("2023Oct").label
        '2023年10月至2024年9月'
        >>> parse_period("2023OctQ1").label
        '2023年10月至12月'
        >>> parse_period("2023-10-01/2024-03-31").label
        '2023年10月1日至2024年3月31日'
        """
        s, e = self.start, self.end
        if self.kind == "year":
            return f"{s.year}年"
        if self.kind == "half":
            return f"{s.year}年{'上' if s.month == 1 else '下'}半年"
        if self.kind == "quarter":
            return f"{s.year}年第{_CN_QUARTERS[(s.month - 1) // 3]}季度"
        if self.kind == "month":
            return f"{s.year}年{s.month}月"
        if self.kind == "interval":
            first = f"{s.year}年{s.month}月{s.day}日"
            return first if s == e else f"{first}至{e.year}年{e.month}月{e.day}日"
        if s.year == e.year:
            return f"{s.year}年{s.month}月至{e.month}月"
        return f"{s.year}年{s.month}月至{e.year}年{e.month}月"

    def months(self) -> list[Period]:
        """The calendar months this period touches, even partly, in order.

        >>> [str(m) for m in parse_period("2024Q1").months()]
        ['202401', '202402', '202403']
        >>> [str(m) for m in parse_period("2024-01-31/2024-02-01").months()]
        ['202401', '202402']
        """
        first = _month_index(self.start.year, self.start.month)
        last = _month_index(self.end.year, self.end.month)
        return [_month_at(i) for i in range(first, last + 1)]

    def cut_edges(self) -> list[tuple[date, date]]:
        """The parts of months this period cuts: the spans, at its ends, that do not make a
        whole calendar month. Register counts for them cannot come from monthly sums.

        >>> parse_period("2024Q1").cut_edges()
        []
        >>> [(str(a), str(b)) for a, b in parse_period("2024-01-15/2024-03-10").cut_edges()]
        [('2024-01-15', '2024-01-31'), ('2024-03-01', '2024-03-10')]
        >>> [(str(a), str(b)) for a, b in parse_period("2024-02-03/2024-02-05").cut_edges()]
        [('2024-02-03', '2024-02-05')]
        """
        first = self.start if self.start.day == 1 else month_end(self.start) + timedelta(days=1)
        last = (
            self.end
            if self.end == month_end(self.end)
            else self.end.replace(day=1) - timedelta(days=1)
        )
        if first > last:
            return [(self.start, self.end)]
        edges: list[tuple[date, date]] = []
        if self.start < first:
            edges.append((self.start, first - timedelta(days=1)))
        if last < self.end:
            edges.append((last + timedelta(days=1), self.end))
        return edges

    def to_date(self, enclosing: Period) -> Period:
        """The span from `enclosing.start` to this period's end ("year to date").

        If that span is exactly `enclosing` or this period, the named period is returned
        instead of an interval. Raises ValueError if `enclosing` does not contain this period.

        >>> str(parse_period("2024Q1").to_date(parse_period("2023Oct")))
        '2023-10-01/2024-03-31'
        >>> str(parse_period("2023OctQ1").to_date(parse_period("2023Oct")))
        '2023OctQ1'
        """
        if not enclosing.contains(self):
            raise ValueError(f"期间「{enclosing.id}」不包含「{self.id}」")
        if self.start == enclosing.start:
            same_as_enclosing = self.end == enclosing.end
            return enclosing if same_as_enclosing and enclosing.kind != "interval" else self
        if self.end == enclosing.end:
            return enclosing
        return interval(enclosing.start, self.end)

    def elapsed_in(self, enclosing: Period) -> float:
        """Time progress: days from `enclosing.start` to this period's end, over `enclosing.days`.

        Raises ValueError if `enclosing` does not contain this period.

        >>> parse_period("2023OctS1").elapsed_in(parse_period("2023Oct")) == 183 / 366
        True
        >>> round(parse_period("2022OctS1").elapsed_in(parse_period("2022Oct")), 5)
        0.49863
        """
        if not enclosing.contains(self):
            raise ValueError(f"期间「{enclosing.id}」不包含「{self.id}」")
        return ((self.end - enclosing.start).days + 1) / enclosing.days

    def previous(self) -> Period:
        """The period of the same kind just before this one.

        For an interval: the interval of as many days ending the day before this one starts.

        >>> [str(parse_period(p).previous()) for p in ("202401", "2024S1", "2023OctS1", "2023Oct")]
        ['202312', '2023S2', '2022OctS2', '2022Oct']
        >>> str(parse_period("2024-03-01/2024-03-31").previous())
        '2024-01-30/2024-02-29'
        """
        if self.kind == "interval":
            end = self.start - timedelta(days=1)
            return interval(end - timedelta(days=self.days - 1), end)
        if self.kind == "month":
            return _month_at(_month_index(self.start.year, self.start.month) - 1)
        y, start_month, unit, index = self._frame()
        if index > 1:
            return _unit(y, start_month, unit, index - 1)
        return _unit(y - 1, start_month, unit, 12 // _UNIT_MONTHS[unit])

    def previous_year(self) -> Period:
        """The same period one year earlier; for an interval both ends move back a year.

        >>> [str(parse_period(p).previous_year()) for p in ("2024Q1", "2023OctS1", "202402")]
        ['2023Q1', '2022OctS1', '202302']
        >>> str(parse_period("2024-02-29/2024-03-31").previous_year())
        '2023-02-28/2023-03-31'
        """
        if self.kind == "interval":
            return interval(_year_earlier(self.start), _year_earlier(self.end))
        if self.kind == "month":
            return _month(self.start.year - 1, self.start.month)
        y, start_month, unit, index = self._frame()
        return _unit(y - 1, start_month, unit, index)

    def _frame(self) -> tuple[int, int, str, int]:
        """(year, start month, unit, index) of a named period other than a month."""
        unit = _UNIT_OF_KIND[self.kind]
        size = _UNIT_MONTHS[unit]
        if self.kind in ("year", "half", "quarter"):
            return self.start.year, 1, unit, (self.start.month - 1) // size + 1
        start_month = _MONTH_BY_NAME[self.id[4:7].lower()]
        y = int(self.id[:4])
        offset = _month_index(self.start.year, self.start.month) - _month_index(y, start_month)
        return y, start_month, unit, offset // size + 1


# ---------------------------------------------------------------------------------------------
# Constructors


def month(year: int, month: int) -> Period:
    """The calendar month.

    >>> p = month(2024, 2)
    >>> p.id, p.end, p.label
    ('202402', datetime.date(2024, 2, 29), '2024年2月')
    """
    return _month(year, month)


def year(y: int) -> Period:
    """The calendar year.

    >>> p = year(2024)
    >>> p.id, p.days, p.label
    ('2024', 366, '2024年')
    """
    return _unit(y, 1, "year", 1)


def half(y: int, n: int, start_month: int = 1) -> Period:
    """Half `n` (1 or 2) of the year `y` starting in `start_month`.

    >>> str(half(2024, 2)), str(half(2023, 1, start_month=10))
    ('2024S2', '2023OctS1')
    """
    return _unit(y, start_month, "half", n)


def quarter(y: int, n: int, start_month: int = 1) -> Period:
    """Quarter `n` (1 to 4) of the year `y` starting in `start_month`.

    >>> str(quarter(2024, 3)), str(quarter(2023, 2, start_month=10))
    ('2024Q3', '2023OctQ2')
    """
    return _unit(y, start_month, "quarter", n)


def fiscal_year(y: int, start_month: int) -> Period:
    """The statistical year `y` starting in `start_month`; start_month 1 gives the calendar year.

    >>> p = fiscal_year(2023, 10)
    >>> p.id, p.start, p.end
    ('2023Oct', datetime.date(2023, 10, 1), datetime.date(2024, 9, 30))
    >>> str(fiscal_year(2024, 1))
    '2024'
    """
    return _unit(y, start_month, "year", 1)


def interval(start: date, end: date) -> Period:
    """The interval of days `start`..`end`, both included.

    >>> p = interval(date(2023, 10, 1), date(2024, 3, 31))
    >>> p.id, p.kind, p.days
    ('2023-10-01/2024-03-31', 'interval', 183)
    """
    if end < start:
        raise PeriodError(f"结束日期 {end.isoformat()} 早于开始日期 {start.isoformat()}")
    _check_year(start.year)
    _check_year(end.year)
    return Period(start, end, "interval", f"{start.isoformat()}/{end.isoformat()}")


def month_of(d: date) -> Period:
    """The calendar month containing `d`.

    >>> str(month_of(date(2024, 2, 29)))
    '202402'
    """
    return _month(d.year, d.month)


def fiscal_year_of(d: date, start_month: int) -> Period:
    """The statistical year starting in `start_month` that contains `d`.

    >>> str(fiscal_year_of(date(2024, 3, 1), 10)), str(fiscal_year_of(date(2024, 10, 1), 10))
    ('2023Oct', '2024Oct')
    >>> str(fiscal_year_of(date(2024, 3, 1), 1))
    '2024'
    """
    _check_month(start_month, "起始月份")
    return fiscal_year(d.year if d.month >= start_month else d.year - 1, start_month)


def periods_of_kind(kind: str, within: Period, start_month: int = 1) -> list[Period]:
    """All periods of `kind` lying inside `within`, in order.

    `kind` is "month", "quarter", "half", "year", "fyear", "fhalf" or "fquarter". `start_month`
    applies to the f-kinds only (with start_month 1 they are the calendar kinds).

    >>> [str(p) for p in periods_of_kind("quarter", parse_period("2023Oct"))]
    ['2023Q4', '2024Q1', '2024Q2', '2024Q3']
    >>> [str(p) for p in periods_of_kind("fhalf", parse_period("2023Oct"), start_month=10)]
    ['2023OctS1', '2023OctS2']
    """
    if kind == "month":
        return [m for m in within.months() if within.contains(m)]
    if kind not in _UNIT_OF_KIND:
        expected = "、".join(k for k in KINDS if k != "interval")
        raise ValueError(f"期间类型「{kind}」不能列举，应为 {expected} 之一")
    unit = _UNIT_OF_KIND[kind]
    first_month = 1 if kind in ("year", "half", "quarter") else start_month
    _check_month(first_month, "起始月份")
    found: list[Period] = []
    for y in range(max(MIN_YEAR, within.start.year - 1), min(MAX_YEAR, within.end.year) + 1):
        for index in range(1, 12 // _UNIT_MONTHS[unit] + 1):
            p = _unit(y, first_month, unit, index)
            if within.contains(p):
                found.append(p)
    return found


# ---------------------------------------------------------------------------------------------
# Parsing


def parse_period(text: str, year_start: int = 1) -> Period:
    """Parse a period identifier (full-width characters allowed; surrounding spaces ignored).

    `year_start` is the month the statistical year of the pack starts in: `2011年度` is the
    statistical year that ends in 2011 (family planning's 2011年度 ran from 1 October 2010 to
    30 September 2011, "上年10月1日至本年9月30日"); with year_start 1 it is the calendar year.

    >>> [str(parse_period(t)) for t in ("2024", "2024S1", "2024Q1", "2024/01", "2024年3月")]
    ['2024', '2024S1', '2024Q1', '202401', '202403']
    >>> [str(parse_period(t)) for t in ("2024年下半年", "2024AprilS1", "2024JanQ2", "２０２４")]
    ['2024S2', '2024AprS1', '2024Q2', '2024']
    >>> [str(parse_period(t)) for t in ("2011上半年", "2011年1-6月", "2010年10月至2011年3月")]
    ['2011S1', '2011-01-01/2011-06-30', '2010-10-01/2011-03-31']
    >>> str(parse_period("2011年度", year_start=10)), str(parse_period("2011年度"))
    ('2010Oct', '2011')
    >>> try:
    ...     parse_period("2024H1")
    ... except PeriodError as err:
    ...     print(err)  # doctest: +ELLIPSIS
    无法识别的期间「2024H1」，应为 2024、2024S1、2024Q1、202401、... 或 2023-10-01/2024-03-31 等形式
    """
    shown = text.strip()
    normal = unicodedata.normalize("NFKC", text).strip()
    statistical = _STAT_YEAR.fullmatch(normal)
    if statistical is not None and year_start != 1:
        _check_month(year_start, "起始月份")
        return _unit(int(statistical[1]) - 1, year_start, "year", 1)
    for pattern, build in _PARSERS:
        match = pattern.fullmatch(normal)
        if match is None:
            continue
        try:
            result = build(match)
        except PeriodError as err:
            raise PeriodError(f"期间「{shown}」有误：{err}") from None
        if result is not None:
            return result
    raise PeriodError(f"无法识别的期间「{shown}」，{_EXPECTED}")


def _parse_fiscal(m: re.Match[str]) -> Period | None:
    start_month = _MONTH_BY_NAME.get(m[2].lower())
    if start_month is None:
        return None
    y = int(m[1])
    if m[3] is None:
        return _unit(y, start_month, "year", 1)
    return _unit(y, start_month, "half" if m[3] in "sS" else "quarter", int(m[4]))


def _parse_interval(m: re.Match[str]) -> Period:
    return interval(_date(m[1], m[2], m[3]), _date(m[4], m[5], m[6]))


def _month_span(m: re.Match[str]) -> Period:
    """2011年1-6月 (one year), 2010年10月至2011年3月 (two): whole months, as an interval."""
    first_year = int(m[1])
    last_year = int(m[3]) if m[3] else first_year
    first = _month(first_year, int(m[2]))
    last = _month(last_year, int(m[4]))
    return interval(first.start, last.end)


def _cn_number(text: str) -> int:
    return _CN_NUMBERS[text] if text in _CN_NUMBERS else int(text)


_Y = r"([0-9]{4})"
_STAT_YEAR: Final = re.compile(_Y + r"年度")
_TO: Final = r"\s*(?:-|~|〜|—|–|至|到)\s*"
_PARSERS: Final[list[tuple[re.Pattern[str], Callable[[re.Match[str]], Period | None]]]] = [
    (re.compile(_Y + r"(?:年度?)?"), lambda m: _unit(int(m[1]), 1, "year", 1)),
    (
        re.compile(_Y + r"年?([上下])半年"),
        lambda m: _unit(int(m[1]), 1, "half", 1 if m[2] == "上" else 2),
    ),
    (
        re.compile(_Y + r"年([0-9]{1,2})月?" + _TO + r"(?:" + _Y + r"年)?([0-9]{1,2})月份?"),
        _month_span,
    ),
    (re.compile(_Y + r"S([0-9]+)", re.I), lambda m: _unit(int(m[1]), 1, "half", int(m[2]))),
    (re.compile(_Y + r"Q([0-9]+)", re.I), lambda m: _unit(int(m[1]), 1, "quarter", int(m[2]))),
    (re.compile(_Y + r"([0-9]{2})"), lambda m: _month(int(m[1]), int(m[2]))),
    (re.compile(_Y + r"[-/]([0-9]{1,2})"), lambda m: _month(int(m[1]), int(m[2]))),
    (re.compile(_Y + r"年([0-9]{1,2})月份?"), lambda m: _month(int(m[1]), int(m[2]))),
    (
        re.compile(_Y + r"年第?([一二三四五六七八九]|[0-9]+)季度?"),
        lambda m: _unit(int(m[1]), 1, "quarter", _cn_number(m[2])),
    ),
    (re.compile(_Y + r"([a-z]+?)(?:([sq])([0-9]+))?", re.I), _parse_fiscal),
    (
        re.compile(_Y + r"-([0-9]{1,2})-([0-9]{1,2})\s*/\s*" + _Y + r"-([0-9]{1,2})-([0-9]{1,2})"),
        _parse_interval,
    ),
]


# ---------------------------------------------------------------------------------------------
# Helpers


def _check_year(y: int) -> None:
    if not MIN_YEAR <= y <= MAX_YEAR:
        raise PeriodError(f"年份 {y} 超出范围，应在 {MIN_YEAR} 至 {MAX_YEAR} 之间")


def _check_month(m: int, what: str = "月份") -> None:
    if not 1 <= m <= 12:
        raise PeriodError(f"{what} {m} 不存在，应为 1 至 12")


def _date(y: str, m: str, d: str) -> date:
    _check_year(int(y))
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        raise PeriodError(f"日期 {y}-{m}-{d} 不存在") from None


def _month_index(y: int, m: int) -> int:
    return y * 12 + m - 1


def _month_at(index: int) -> Period:
    return _month(index // 12, index % 12 + 1)


def _first_of_month_at(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def _month(y: int, m: int) -> Period:
    _check_year(y)
    _check_month(m)
    start = date(y, m, 1)
    end = _first_of_month_at(_month_index(y, m) + 1) - timedelta(days=1)
    return Period(start, end, "month", f"{y}{m:02d}")


def _unit(y: int, start_month: int, unit: str, index: int) -> Period:
    """Unit number `index` ("year", "half" or "quarter") of the year `y` from `start_month`."""
    _check_year(y)
    _check_month(start_month, "起始月份")
    size = _UNIT_MONTHS[unit]
    if unit == "half" and index not in (1, 2):
        raise PeriodError(f"半年序号 {index} 不存在，应为 1 或 2")
    if unit == "quarter" and not 1 <= index <= 4:
        raise PeriodError(f"季度 {index} 不存在，应为 1 至 4")
    first = _month_index(y, start_month) + (index - 1) * size
    start = _first_of_month_at(first)
    end = _first_of_month_at(first + size) - timedelta(days=1)
    suffix = f"{_SUFFIX[unit]}{index}" if unit != "year" else ""
    if start_month == 1:
        return Period(start, end, unit, f"{y}{suffix}")
    return Period(start, end, _FISCAL_KIND[unit], f"{y}{_MONTH_ABBR[start_month - 1]}{suffix}")


def _year_earlier(d: date) -> date:
    if d.month == 2 and d.day == 29:
        return date(d.year - 1, 2, 28)
    return d.replace(year=d.year - 1)


def month_end(d: date) -> date:
    """The last day of `d`'s month.

    >>> month_end(date(2024, 2, 10))
    datetime.date(2024, 2, 29)
    """
    return _first_of_month_at(_month_index(d.year, d.month) + 1) - timedelta(days=1)
