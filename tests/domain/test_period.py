"""Tests for zicha.domain.period: every accepted form written out by hand, errors, properties."""

from __future__ import annotations

import doctest
import itertools
from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from zicha.domain import period as period_module
from zicha.domain.period import (
    Period,
    PeriodError,
    fiscal_year,
    fiscal_year_of,
    half,
    interval,
    month,
    month_of,
    parse_period,
    periods_of_kind,
    quarter,
    year,
)

D = date

# text, start, end, kind, canonical id, label
ACCEPTED: list[tuple[str, date, date, str, str, str]] = [
    # calendar years
    ("2024", D(2024, 1, 1), D(2024, 12, 31), "year", "2024", "2024年"),
    ("2024年", D(2024, 1, 1), D(2024, 12, 31), "year", "2024", "2024年"),
    ("2024年度", D(2024, 1, 1), D(2024, 12, 31), "year", "2024", "2024年"),
    ("2024Jan", D(2024, 1, 1), D(2024, 12, 31), "year", "2024", "2024年"),
    ("1900", D(1900, 1, 1), D(1900, 12, 31), "year", "1900", "1900年"),
    ("2200", D(2200, 1, 1), D(2200, 12, 31), "year", "2200", "2200年"),
    # calendar halves
    ("2024S1", D(2024, 1, 1), D(2024, 6, 30), "half", "2024S1", "2024年上半年"),
    ("2024S2", D(2024, 7, 1), D(2024, 12, 31), "half", "2024S2", "2024年下半年"),
    ("2024s2", D(2024, 7, 1), D(2024, 12, 31), "half", "2024S2", "2024年下半年"),
    ("2024年上半年", D(2024, 1, 1), D(2024, 6, 30), "half", "2024S1", "2024年上半年"),
    ("2024年下半年", D(2024, 7, 1), D(2024, 12, 31), "half", "2024S2", "2024年下半年"),
    ("2024JanS1", D(2024, 1, 1), D(2024, 6, 30), "half", "2024S1", "2024年上半年"),
    # calendar quarters
    ("2024Q1", D(2024, 1, 1), D(2024, 3, 31), "quarter", "2024Q1", "2024年第一季度"),
    ("2024Q2", D(2024, 4, 1), D(2024, 6, 30), "quarter", "2024Q2", "2024年第二季度"),
    ("2024Q3", D(2024, 7, 1), D(2024, 9, 30), "quarter", "2024Q3", "2024年第三季度"),
    ("2024Q4", D(2024, 10, 1), D(2024, 12, 31), "quarter", "2024Q4", "2024年第四季度"),
    ("2024q4", D(2024, 10, 1), D(2024, 12, 31), "quarter", "2024Q4", "2024年第四季度"),
    ("2024年第一季度", D(2024, 1, 1), D(2024, 3, 31), "quarter", "2024Q1", "2024年第一季度"),
    ("2024年第二季度", D(2024, 4, 1), D(2024, 6, 30), "quarter", "2024Q2", "2024年第二季度"),
    ("2024年第三季度", D(2024, 7, 1), D(2024, 9, 30), "quarter", "2024Q3", "2024年第三季度"),
    ("2024年第四季度", D(2024, 10, 1), D(2024, 12, 31), "quarter", "2024Q4", "2024年第四季度"),
    ("2024年第1季度", D(2024, 1, 1), D(2024, 3, 31), "quarter", "2024Q1", "2024年第一季度"),
    ("2024年第4季度", D(2024, 10, 1), D(2024, 12, 31), "quarter", "2024Q4", "2024年第四季度"),
    ("2024年一季度", D(2024, 1, 1), D(2024, 3, 31), "quarter", "2024Q1", "2024年第一季度"),
    ("2024JanQ2", D(2024, 4, 1), D(2024, 6, 30), "quarter", "2024Q2", "2024年第二季度"),
    # months
    ("202401", D(2024, 1, 1), D(2024, 1, 31), "month", "202401", "2024年1月"),
    ("202402", D(2024, 2, 1), D(2024, 2, 29), "month", "202402", "2024年2月"),
    ("202302", D(2023, 2, 1), D(2023, 2, 28), "month", "202302", "2023年2月"),
    ("190002", D(1900, 2, 1), D(1900, 2, 28), "month", "190002", "1900年2月"),
    ("200002", D(2000, 2, 1), D(2000, 2, 29), "month", "200002", "2000年2月"),
    ("202412", D(2024, 12, 1), D(2024, 12, 31), "month", "202412", "2024年12月"),
    ("2024-01", D(2024, 1, 1), D(2024, 1, 31), "month", "202401", "2024年1月"),
    ("2024-1", D(2024, 1, 1), D(2024, 1, 31), "month", "202401", "2024年1月"),
    ("2024-11", D(2024, 11, 1), D(2024, 11, 30), "month", "202411", "2024年11月"),
    ("2024/01", D(2024, 1, 1), D(2024, 1, 31), "month", "202401", "2024年1月"),
    ("2024/9", D(2024, 9, 1), D(2024, 9, 30), "month", "202409", "2024年9月"),
    ("2024年1月", D(2024, 1, 1), D(2024, 1, 31), "month", "202401", "2024年1月"),
    ("2024年01月", D(2024, 1, 1), D(2024, 1, 31), "month", "202401", "2024年1月"),
    ("2024年10月", D(2024, 10, 1), D(2024, 10, 31), "month", "202410", "2024年10月"),
    ("2024年6月份", D(2024, 6, 1), D(2024, 6, 30), "month", "202406", "2024年6月"),
    # statistical years
    (
        "2023Oct",
        D(2023, 10, 1),
        D(2024, 9, 30),
        "fyear",
        "2023Oct",
        "2023年10月至2024年9月",
    ),
    ("2023oct", D(2023, 10, 1), D(2024, 9, 30), "fyear", "2023Oct", "2023年10月至2024年9月"),
    ("2023OCT", D(2023, 10, 1), D(2024, 9, 30), "fyear", "2023Oct", "2023年10月至2024年9月"),
    ("2024Feb", D(2024, 2, 1), D(2025, 1, 31), "fyear", "2024Feb", "2024年2月至2025年1月"),
    ("2024Mar", D(2024, 3, 1), D(2025, 2, 28), "fyear", "2024Mar", "2024年3月至2025年2月"),
    ("2023Mar", D(2023, 3, 1), D(2024, 2, 29), "fyear", "2023Mar", "2023年3月至2024年2月"),
    ("2024Apr", D(2024, 4, 1), D(2025, 3, 31), "fyear", "2024Apr", "2024年4月至2025年3月"),
    ("2024April", D(2024, 4, 1), D(2025, 3, 31), "fyear", "2024Apr", "2024年4月至2025年3月"),
    ("2024May", D(2024, 5, 1), D(2025, 4, 30), "fyear", "2024May", "2024年5月至2025年4月"),
    ("2024Jun", D(2024, 6, 1), D(2025, 5, 31), "fyear", "2024Jun", "2024年6月至2025年5月"),
    ("2024June", D(2024, 6, 1), D(2025, 5, 31), "fyear", "2024Jun", "2024年6月至2025年5月"),
    ("2024Jul", D(2024, 7, 1), D(2025, 6, 30), "fyear", "2024Jul", "2024年7月至2025年6月"),
    ("2024July", D(2024, 7, 1), D(2025, 6, 30), "fyear", "2024Jul", "2024年7月至2025年6月"),
    ("2024Aug", D(2024, 8, 1), D(2025, 7, 31), "fyear", "2024Aug", "2024年8月至2025年7月"),
    ("2024Sep", D(2024, 9, 1), D(2025, 8, 31), "fyear", "2024Sep", "2024年9月至2025年8月"),
    ("2024Sept", D(2024, 9, 1), D(2025, 8, 31), "fyear", "2024Sep", "2024年9月至2025年8月"),
    ("2024Nov", D(2024, 11, 1), D(2025, 10, 31), "fyear", "2024Nov", "2024年11月至2025年10月"),
    ("2024Dec", D(2024, 12, 1), D(2025, 11, 30), "fyear", "2024Dec", "2024年12月至2025年11月"),
    # statistical halves
    ("2023OctS1", D(2023, 10, 1), D(2024, 3, 31), "fhalf", "2023OctS1", "2023年10月至2024年3月"),
    ("2023OctS2", D(2024, 4, 1), D(2024, 9, 30), "fhalf", "2023OctS2", "2024年4月至9月"),
    ("2023octs1", D(2023, 10, 1), D(2024, 3, 31), "fhalf", "2023OctS1", "2023年10月至2024年3月"),
    ("2024AprilS1", D(2024, 4, 1), D(2024, 9, 30), "fhalf", "2024AprS1", "2024年4月至9月"),
    ("2024AprS2", D(2024, 10, 1), D(2025, 3, 31), "fhalf", "2024AprS2", "2024年10月至2025年3月"),
    ("2024SeptS1", D(2024, 9, 1), D(2025, 2, 28), "fhalf", "2024SepS1", "2024年9月至2025年2月"),
    # statistical quarters
    ("2023OctQ1", D(2023, 10, 1), D(2023, 12, 31), "fquarter", "2023OctQ1", "2023年10月至12月"),
    ("2023OctQ2", D(2024, 1, 1), D(2024, 3, 31), "fquarter", "2023OctQ2", "2024年1月至3月"),
    ("2023OctQ3", D(2024, 4, 1), D(2024, 6, 30), "fquarter", "2023OctQ3", "2024年4月至6月"),
    ("2023OctQ4", D(2024, 7, 1), D(2024, 9, 30), "fquarter", "2023OctQ4", "2024年7月至9月"),
    ("2024JulyQ2", D(2024, 10, 1), D(2024, 12, 31), "fquarter", "2024JulQ2", "2024年10月至12月"),
    (
        "2023DecQ1",
        D(2023, 12, 1),
        D(2024, 2, 29),
        "fquarter",
        "2023DecQ1",
        "2023年12月至2024年2月",
    ),
    # intervals (never canonicalised to a named period)
    (
        "2023-10-01/2024-03-31",
        D(2023, 10, 1),
        D(2024, 3, 31),
        "interval",
        "2023-10-01/2024-03-31",
        "2023年10月1日至2024年3月31日",
    ),
    (
        "2024-01-01/2024-12-31",
        D(2024, 1, 1),
        D(2024, 12, 31),
        "interval",
        "2024-01-01/2024-12-31",
        "2024年1月1日至2024年12月31日",
    ),
    (
        "2024-2-5 / 2024-2-29",
        D(2024, 2, 5),
        D(2024, 2, 29),
        "interval",
        "2024-02-05/2024-02-29",
        "2024年2月5日至2024年2月29日",
    ),
    (
        "2024-03-15/2024-03-15",
        D(2024, 3, 15),
        D(2024, 3, 15),
        "interval",
        "2024-03-15/2024-03-15",
        "2024年3月15日",
    ),
    # normalisation: surrounding spaces, full-width digits, letters and punctuation
    ("  2024Q1 \t", D(2024, 1, 1), D(2024, 3, 31), "quarter", "2024Q1", "2024年第一季度"),
    ("\u30002024年3月\u3000", D(2024, 3, 1), D(2024, 3, 31), "month", "202403", "2024年3月"),
    ("２０２４", D(2024, 1, 1), D(2024, 12, 31), "year", "2024", "2024年"),
    ("２０２４Ｑ３", D(2024, 7, 1), D(2024, 9, 30), "quarter", "2024Q3", "2024年第三季度"),
    (
        "２０２３ＯｃｔＳ１",
        D(2023, 10, 1),
        D(2024, 3, 31),
        "fhalf",
        "2023OctS1",
        "2023年10月至2024年3月",
    ),
    ("２０２４年１月", D(2024, 1, 1), D(2024, 1, 31), "month", "202401", "2024年1月"),
    ("２０２４／０１", D(2024, 1, 1), D(2024, 1, 31), "month", "202401", "2024年1月"),
    (
        "２０２３－１０－０１／２０２４－０３－３１",
        D(2023, 10, 1),
        D(2024, 3, 31),
        "interval",
        "2023-10-01/2024-03-31",
        "2023年10月1日至2024年3月31日",
    ),
]


@pytest.mark.parametrize(("text", "start", "end", "kind", "id_", "label"), ACCEPTED)
def test_accepted_forms(text: str, start: date, end: date, kind: str, id_: str, label: str) -> None:
    p = parse_period(text)
    assert (p.start, p.end, p.kind, p.id, p.label) == (start, end, kind, id_, label)
    assert str(p) == id_
    assert parse_period(id_) == p


REJECTED: list[tuple[str, str]] = [
    ("2024H1", "无法识别的期间「2024H1」"),
    ("", "无法识别的期间「」"),
    ("   ", "无法识别的期间「」"),
    ("24", "无法识别的期间「24」"),
    ("20241", "无法识别的期间「20241」"),
    ("2024-01-15", "无法识别的期间「2024-01-15」"),
    ("2024Q", "无法识别的期间「2024Q」"),
    ("2024Octo", "无法识别的期间「2024Octo」"),
    ("2024OctH1", "无法识别的期间「2024OctH1」"),
    ("2024Foo", "无法识别的期间「2024Foo」"),
    ("2024W01", "无法识别的期间「2024W01」"),
    ("Q1 2024", "无法识别的期间「Q1 2024」"),
    ("2024年中", "无法识别的期间「2024年中」"),
    ("2024-01-01/", "无法识别的期间「2024-01-01/」"),
    ("202413", "月份 13 不存在"),
    ("202400", "月份 0 不存在"),
    ("2024-13", "月份 13 不存在"),
    ("2024/0", "月份 0 不存在"),
    ("2024年13月", "月份 13 不存在"),
    ("2024Q5", "季度 5 不存在"),
    ("2024Q0", "季度 0 不存在"),
    ("2024年第五季度", "季度 5 不存在"),
    ("2024年第5季度", "季度 5 不存在"),
    ("2023OctQ5", "季度 5 不存在"),
    ("2024S3", "半年序号 3 不存在"),
    ("2024S0", "半年序号 0 不存在"),
    ("2023OctS3", "半年序号 3 不存在"),
    ("1899", "年份 1899 超出范围"),
    ("2201", "年份 2201 超出范围"),
    ("0000", "年份 0 超出范围"),
    ("189912", "年份 1899 超出范围"),
    ("2201Q1", "年份 2201 超出范围"),
    ("1899Oct", "年份 1899 超出范围"),
    ("1899-12-01/1900-01-31", "年份 1899 超出范围"),
    ("2023-02-30/2023-03-31", "日期 2023-02-30 不存在"),
    ("2023-02-29/2023-03-31", "日期 2023-02-29 不存在"),
    ("2023-01-01/2023-13-01", "日期 2023-13-01 不存在"),
    ("2024-03-31/2023-10-01", "结束日期 2023-10-01 早于开始日期 2024-03-31"),
]


@pytest.mark.parametrize(("text", "fragment"), REJECTED)
def test_rejected_forms(text: str, fragment: str) -> None:
    with pytest.raises(PeriodError) as info:
        parse_period(text)
    message = str(info.value)
    assert fragment in message
    assert f"「{text.strip()}」" in message


def test_unrecognised_message_lists_accepted_forms() -> None:
    with pytest.raises(PeriodError) as info:
        parse_period("2024H1")
    message = str(info.value)
    assert message.startswith("无法识别的期间「2024H1」，应为 ")
    for form in ("2024", "2024S1", "2024Q1", "202401", "2023Oct", "2023OctS1"):
        assert form in message
    assert "2023-10-01/2024-03-31" in message


def test_period_error_is_value_error() -> None:
    assert issubclass(PeriodError, ValueError)


# ---------------------------------------------------------------------------------------------
# constructors


def test_constructors() -> None:
    assert month(2024, 2) == parse_period("202402")
    assert year(2024) == parse_period("2024")
    assert fiscal_year(2023, 10) == parse_period("2023Oct")
    assert fiscal_year(2024, 1) == parse_period("2024")
    assert fiscal_year(2024, 1).kind == "year"
    assert half(2024, 1) == parse_period("2024S1")
    assert half(2023, 2, start_month=10) == parse_period("2023OctS2")
    assert quarter(2024, 4) == parse_period("2024Q4")
    assert quarter(2023, 1, start_month=10) == parse_period("2023OctQ1")
    assert interval(D(2023, 10, 1), D(2024, 3, 31)) == parse_period("2023-10-01/2024-03-31")


@pytest.mark.parametrize(
    "call",
    [
        lambda: month(2024, 13),
        lambda: month(2024, 0),
        lambda: month(1899, 12),
        lambda: year(2201),
        lambda: fiscal_year(2023, 13),
        lambda: fiscal_year(2023, 0),
        lambda: half(2024, 3),
        lambda: quarter(2024, 5),
        lambda: interval(D(2024, 1, 2), D(2024, 1, 1)),
        lambda: interval(D(1899, 12, 31), D(1900, 1, 1)),
        lambda: fiscal_year_of(D(2024, 1, 1), 13),
        lambda: Period(D(2024, 1, 2), D(2024, 1, 1), "interval", "x"),
        lambda: Period(D(2024, 1, 1), D(2024, 1, 1), "week", "x"),
    ],
)
def test_constructor_errors(call: object) -> None:
    assert callable(call)
    with pytest.raises(PeriodError):
        call()


def test_month_of() -> None:
    assert month_of(D(2024, 2, 29)) == month(2024, 2)
    assert month_of(D(2023, 12, 31)) == month(2023, 12)


@pytest.mark.parametrize(
    ("d", "start_month", "expected"),
    [
        (D(2023, 10, 1), 10, "2023Oct"),
        (D(2024, 9, 30), 10, "2023Oct"),
        (D(2024, 10, 1), 10, "2024Oct"),
        (D(2023, 9, 30), 10, "2022Oct"),
        (D(2024, 3, 31), 4, "2023Apr"),
        (D(2024, 4, 1), 4, "2024Apr"),
        (D(2024, 1, 1), 1, "2024"),
        (D(2024, 12, 31), 1, "2024"),
    ],
)
def test_fiscal_year_of(d: date, start_month: int, expected: str) -> None:
    assert fiscal_year_of(d, start_month).id == expected


# ---------------------------------------------------------------------------------------------
# days and leap years


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("2022OctS1", 182),  # 1 Oct 2022 .. 31 Mar 2023
        ("2023OctS1", 183),  # includes 29 Feb 2024
        ("2022-10-01/2023-03-31", 182),
        ("2023-10-01/2024-03-31", 183),
        ("2023Oct", 366),
        ("2022Oct", 365),
        ("2024", 366),
        ("2023", 365),
        ("1900", 365),  # not a leap year
        ("2000", 366),  # a leap year
        ("2100", 365),
        ("202402", 29),
        ("202302", 28),
        ("2024Q1", 91),
        ("2023Q1", 90),
        ("2024S2", 184),
        ("2024-03-15/2024-03-15", 1),
    ],
)
def test_days(text: str, days: int) -> None:
    assert parse_period(text).days == days


# ---------------------------------------------------------------------------------------------
# start_month, contains, months


@pytest.mark.parametrize(
    ("text", "start_month"),
    [
        ("2023Oct", 10),
        ("2023OctS2", 10),
        ("2023OctQ3", 10),
        ("2024AprS1", 4),
        ("2024", 1),
        ("2024S2", 1),
        ("2024Q4", 1),
        ("202405", None),
        ("2024-01-01/2024-12-31", None),
    ],
)
def test_start_month(text: str, start_month: int | None) -> None:
    assert parse_period(text).start_month == start_month


def test_contains() -> None:
    fy = parse_period("2023Oct")
    assert fy.contains(parse_period("2023OctS2"))
    assert fy.contains(parse_period("2024Q1"))
    assert fy.contains(parse_period("202409"))
    assert not fy.contains(parse_period("202410"))
    assert not fy.contains(parse_period("2024"))
    assert parse_period("2024").contains(parse_period("2024-02-29/2024-02-29"))


def test_months() -> None:
    ids = [m.id for m in parse_period("2023OctS1").months()]
    assert ids == ["202310", "202311", "202312", "202401", "202402", "202403"]
    assert [m.id for m in parse_period("202402").months()] == ["202402"]
    assert [m.id for m in parse_period("2023-12-31/2024-01-01").months()] == ["202312", "202401"]
    assert [m.id for m in parse_period("2024-02-10/2024-02-11").months()] == ["202402"]
    assert len(parse_period("2023Oct").months()) == 12


# ---------------------------------------------------------------------------------------------
# to_date, elapsed_in


@pytest.mark.parametrize(
    ("text", "enclosing", "expected"),
    [
        ("2024Q1", "2023Oct", "2023-10-01/2024-03-31"),
        ("2023OctQ2", "2023Oct", "2023-10-01/2024-03-31"),
        ("202403", "2023Oct", "2023-10-01/2024-03-31"),
        ("2023OctQ1", "2023Oct", "2023OctQ1"),  # equals self
        ("202310", "2023Oct", "202310"),
        ("2023OctS2", "2023Oct", "2023Oct"),  # equals enclosing
        ("202409", "2023Oct", "2023Oct"),
        ("2023Oct", "2023Oct", "2023Oct"),
        ("202406", "2024", "2024-01-01/2024-06-30"),
        ("2024Q2", "2024S1", "2024S1"),
        ("2024Q1", "2024", "2024Q1"),
        ("2024Q1", "2024-01-01/2024-06-30", "2024Q1"),
        ("2024S1", "2024-01-01/2024-06-30", "2024S1"),  # named preferred to an equal interval
        ("2024-01-01/2024-06-30", "2024S1", "2024S1"),
        ("2024-02-10/2024-02-20", "202402", "2024-02-01/2024-02-20"),
    ],
)
def test_to_date(text: str, enclosing: str, expected: str) -> None:
    assert parse_period(text).to_date(parse_period(enclosing)).id == expected


def test_to_date_outside_enclosing() -> None:
    with pytest.raises(ValueError, match="不包含"):
        parse_period("202410").to_date(parse_period("2023Oct"))
    with pytest.raises(ValueError, match="不包含"):
        parse_period("2024").to_date(parse_period("2023Oct"))


def test_elapsed_in() -> None:
    assert parse_period("2023OctS1").elapsed_in(parse_period("2023Oct")) == 183 / 366
    assert parse_period("2022OctS1").elapsed_in(parse_period("2022Oct")) == 182 / 365
    assert round(parse_period("2022OctS1").elapsed_in(parse_period("2022Oct")), 5) == 0.49863
    assert parse_period("2023Oct").elapsed_in(parse_period("2023Oct")) == 1.0
    assert parse_period("2024Q1").elapsed_in(parse_period("2024")) == 91 / 366
    assert parse_period("202410").elapsed_in(parse_period("2024")) == 305 / 366
    with pytest.raises(ValueError, match="不包含"):
        parse_period("202410").elapsed_in(parse_period("2023Oct"))


# ---------------------------------------------------------------------------------------------
# previous, previous_year


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("202401", "202312"),
        ("202403", "202402"),
        ("2024", "2023"),
        ("2024S1", "2023S2"),
        ("2024S2", "2024S1"),
        ("2024Q1", "2023Q4"),
        ("2024Q3", "2024Q2"),
        ("2023Oct", "2022Oct"),
        ("2023OctS1", "2022OctS2"),
        ("2023OctS2", "2023OctS1"),
        ("2023OctQ1", "2022OctQ4"),
        ("2023OctQ4", "2023OctQ3"),
        ("2023-10-01/2024-03-31", "2023-04-01/2023-09-30"),
        ("2024-03-01/2024-03-31", "2024-01-30/2024-02-29"),
        ("2024-03-15/2024-03-15", "2024-03-14/2024-03-14"),
    ],
)
def test_previous(text: str, expected: str) -> None:
    assert parse_period(text).previous().id == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("202402", "202302"),
        ("2024", "2023"),
        ("2024S2", "2023S2"),
        ("2024Q1", "2023Q1"),
        ("2023Oct", "2022Oct"),
        ("2023OctS1", "2022OctS1"),
        ("2023OctQ4", "2022OctQ4"),
        ("2023-10-01/2024-03-31", "2022-10-01/2023-03-31"),
        ("2024-02-29/2024-03-31", "2023-02-28/2023-03-31"),
        ("2024-01-01/2024-02-29", "2023-01-01/2023-02-28"),
    ],
)
def test_previous_year(text: str, expected: str) -> None:
    assert parse_period(text).previous_year().id == expected


def test_previous_below_range() -> None:
    with pytest.raises(PeriodError):
        parse_period("190001").previous()
    with pytest.raises(PeriodError):
        parse_period("1900Q2").previous_year()


# ---------------------------------------------------------------------------------------------
# periods_of_kind


def _ids(periods: list[Period]) -> list[str]:
    return [p.id for p in periods]


def test_periods_of_kind_in_statistical_year() -> None:
    fy = parse_period("2023Oct")
    assert _ids(periods_of_kind("month", fy)) == [
        "202310",
        "202311",
        "202312",
        "202401",
        "202402",
        "202403",
        "202404",
        "202405",
        "202406",
        "202407",
        "202408",
        "202409",
    ]
    assert _ids(periods_of_kind("quarter", fy)) == ["2023Q4", "2024Q1", "2024Q2", "2024Q3"]
    assert _ids(periods_of_kind("half", fy)) == ["2024S1"]
    assert _ids(periods_of_kind("year", fy)) == []
    assert _ids(periods_of_kind("fyear", fy, 10)) == ["2023Oct"]
    assert _ids(periods_of_kind("fhalf", fy, 10)) == ["2023OctS1", "2023OctS2"]
    assert _ids(periods_of_kind("fquarter", fy, 10)) == [
        "2023OctQ1",
        "2023OctQ2",
        "2023OctQ3",
        "2023OctQ4",
    ]
    # start_month only matters for the f-kinds
    assert _ids(periods_of_kind("quarter", fy, 10)) == ["2023Q4", "2024Q1", "2024Q2", "2024Q3"]


def test_periods_of_kind_calendar_and_intervals() -> None:
    assert _ids(periods_of_kind("half", parse_period("2024"))) == ["2024S1", "2024S2"]
    assert _ids(periods_of_kind("fquarter", parse_period("2024"))) == [
        "2024Q1",
        "2024Q2",
        "2024Q3",
        "2024Q4",
    ]
    assert _ids(periods_of_kind("year", parse_period("2023-01-01/2024-12-31"))) == [
        "2023",
        "2024",
    ]
    within = parse_period("2024-01-15/2024-04-30")
    assert _ids(periods_of_kind("month", within)) == ["202402", "202403", "202404"]
    assert _ids(periods_of_kind("quarter", within)) == []
    assert _ids(periods_of_kind("month", parse_period("2024-02-02/2024-02-03"))) == []
    assert _ids(periods_of_kind("year", parse_period("1900"))) == ["1900"]
    assert _ids(periods_of_kind("fyear", parse_period("2200"), 10)) == []


def test_periods_of_kind_errors() -> None:
    with pytest.raises(ValueError, match="interval"):
        periods_of_kind("interval", parse_period("2024"))
    with pytest.raises(ValueError, match="week"):
        periods_of_kind("week", parse_period("2024"))
    with pytest.raises(PeriodError):
        periods_of_kind("fquarter", parse_period("2024"), 13)


def test_ordering_and_hash() -> None:
    ps = [parse_period(t) for t in ("202402", "2024", "202401", "2023Oct")]
    assert [p.id for p in sorted(ps)] == ["2023Oct", "202401", "2024", "202402"]
    assert len({parse_period("2024Q1"), parse_period("2024年第一季度")}) == 1


def test_doctests() -> None:
    result = doctest.testmod(period_module)
    assert result.attempted > 20
    assert result.failed == 0


# ---------------------------------------------------------------------------------------------
# properties

YEARS = st.integers(min_value=1901, max_value=2198)
DATES = st.dates(min_value=D(1901, 1, 1), max_value=D(2198, 12, 31))


@st.composite
def named_periods(draw: st.DrawFn) -> Period:
    kind = draw(st.sampled_from(["month", "quarter", "half", "year", "fyear", "fhalf", "fquarter"]))
    y = draw(YEARS)
    if kind == "month":
        return month(y, draw(st.integers(1, 12)))
    start_month = 1 if kind in ("year", "half", "quarter") else draw(st.integers(2, 12))
    if kind.endswith("year"):
        return fiscal_year(y, start_month)
    if kind.endswith("half"):
        return half(y, draw(st.integers(1, 2)), start_month)
    return quarter(y, draw(st.integers(1, 4)), start_month)


@st.composite
def intervals(draw: st.DrawFn) -> Period:
    a, b = draw(DATES), draw(DATES)
    return interval(min(a, b), max(a, b))


@st.composite
def short_intervals(draw: st.DrawFn) -> Period:
    start = draw(DATES)
    return interval(start, start + timedelta(days=draw(st.integers(0, 800))))


PERIODS = st.one_of(named_periods(), intervals(), short_intervals())


@given(PERIODS)
def test_parse_round_trip(p: Period) -> None:
    assert parse_period(p.id) == p
    assert parse_period(f"  {p.id} ") == p
    assert p.label


@given(named_periods())
def test_named_kinds_are_consistent(p: Period) -> None:
    assert p.start.day == 1
    assert (p.end + timedelta(days=1)).day == 1
    months = {"month": 1, "quarter": 3, "fquarter": 3, "half": 6, "fhalf": 6}.get(p.kind, 12)
    assert len(p.months()) == months
    if p.kind.startswith("f"):
        assert p.start_month not in (None, 1)
    elif p.kind != "month":
        assert p.start_month == 1


@given(PERIODS)
def test_months_cover_without_gaps(p: Period) -> None:
    ms = p.months()
    assert ms[0].start <= p.start <= ms[0].end
    assert ms[-1].start <= p.end <= ms[-1].end
    for a, b in itertools.pairwise(ms):
        assert a.end + timedelta(days=1) == b.start
    assert all(m.kind == "month" for m in ms)


@given(PERIODS, DATES)
def test_contains_reflexive_and_consistent_with_dates(p: Period, d: date) -> None:
    assert p.contains(p)
    day = interval(d, d)
    assert p.contains(day) == (p.start <= d <= p.end)
    assert p.contains(month_of(d)) == (p.start <= month_of(d).start and month_of(d).end <= p.end)


@given(PERIODS)
def test_previous_is_adjacent(p: Period) -> None:
    assume(p.start - timedelta(days=p.days) >= D(1900, 1, 1))
    prev = p.previous()
    assert prev.end + timedelta(days=1) == p.start
    assert prev.kind == p.kind
    assert prev.start_month == p.start_month
    if p.kind == "interval":
        assert prev.days == p.days


@given(PERIODS)
def test_previous_year_shifts_a_year(p: Period) -> None:
    prev = p.previous_year()
    assert prev.kind == p.kind
    assert prev.start.year == p.start.year - 1
    assert prev.end.year == p.end.year - 1
    if p.kind != "interval":
        assert prev.start.month == p.start.month
        assert prev.end.month == p.end.month


@given(named_periods(), DATES)
def test_to_date_and_elapsed_in_within_enclosing(p: Period, d: date) -> None:
    start_month = p.start_month or 1
    enclosing = fiscal_year_of(p.start, start_month)
    assert enclosing.contains(p)
    ytd = p.to_date(enclosing)
    assert ytd.start == enclosing.start
    assert ytd.end == p.end
    assert enclosing.contains(ytd)
    assert 0 < p.elapsed_in(enclosing) <= 1
    # also inside an arbitrary interval around a day
    day = interval(d, d)
    around = interval(min(d, enclosing.start), max(d, enclosing.end))
    assert day.to_date(around).start == around.start
    assert 0 < day.elapsed_in(around) <= 1


@given(named_periods())
def test_fiscal_year_of_contains_period(p: Period) -> None:
    start_month = p.start_month or 1
    fy = fiscal_year_of(p.end, start_month)
    assert fy.contains(p)
    assert fy.start.month == start_month
    assert periods_of_kind(p.kind, fy, start_month).count(p) == 1


@given(intervals())
def test_periods_of_kind_lie_within(within: Period) -> None:
    for kind in ("month", "quarter", "half", "year"):
        found = periods_of_kind(kind, within)
        assert all(within.contains(q) for q in found)
        assert found == sorted(found)
        for a, b in itertools.pairwise(found):
            assert a.end < b.start
