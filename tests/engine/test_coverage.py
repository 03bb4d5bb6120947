"""Registers: the months they are the complete record of, and where they fall short."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from tests.factories import births, dataset, tree
from zicha.actions.session import workbook_engine
from zicha.domain.finding import Finding
from zicha.domain.period import parse_period
from zicha.packs.registry import get_pack

PACK = get_pack(None)
ORGS = tree(
    ("X", "测试县", None, "county"),
    ("T", "东乡", "X", "township"),
    ("V", "东一村", "T", "village"),
    ("U", "西乡", "X", "township"),
)
HALF = parse_period("2010OctS1")  # 2010-10-01 .. 2011-03-31


def rule(findings: list[Finding], name: str) -> list[Finding]:
    return [f for f in findings if f.rule == name]


def monthly(org: str, months: list[str], per_month: int) -> list[tuple[str, str, str, int, bool]]:
    """`per_month` births on the first days of each month "2010-10", …"""
    rows = []
    for m in months:
        first = date.fromisoformat(f"{m}-01")
        for i in range(per_month):
            rows.append((org, (first + timedelta(days=i % 28)).isoformat(), "MF"[i % 2], 1, True))
    return rows


OCT_TO_FEB = ["2010-10", "2010-11", "2010-12", "2011-01", "2011-02"]


def test_a_busy_register_that_stops_before_the_period_ends_is_a_finding() -> None:
    """Forty births a month to February, none in March: chance cannot explain it."""
    data = dataset(ORGS, births=births(*monthly("T", OCT_TO_FEB, 40)))
    engine = workbook_engine(PACK, data)
    c = engine.compute("T", HALF)
    assert c.result("births").value == 200  # the register as entered, said to be short
    (found,) = rule(c.findings, "register_gap")
    assert (found.org_unit, found.period) == ("T", "201103")
    assert "东乡出生登记在2011年3月没有任何记录（登记只记到2011年2月）" in found.message
    # inside the register's months it is the complete record: a village without rows had none
    q4 = parse_period("2010Q4")
    assert engine.compute("V", q4).result("births").value == 0
    assert rule(engine.compute("T", q4).findings, "register_gap") == []


def test_the_report_period_beyond_the_register_is_a_finding_of_check() -> None:
    data = replace(
        dataset(ORGS, births=births(*monthly("T", OCT_TO_FEB, 40))), meta={"period": "2010OctS1"}
    )
    (found,) = rule(workbook_engine(PACK, data).check(), "register_gap")
    assert (found.org_unit, found.period) == ("T", "201103")


def test_a_quiet_register_is_complete_in_its_months() -> None:
    """Three births a month, none in March: that happens. The half-year is what the rows say."""
    data = dataset(ORGS, births=births(*monthly("T", OCT_TO_FEB, 3)))
    c = workbook_engine(PACK, data).compute("T", HALF)
    assert c.result("births").value == 15
    assert rule(c.findings, "register_gap") == []


def test_a_row_dated_outside_every_period_is_a_finding_and_not_coverage() -> None:
    rows = monthly("T", [*OCT_TO_FEB, "2011-03"], 2)
    rows.append(("T", "2031-03-05", "M", 1, True))  # 2011 mistyped
    data = replace(dataset(ORGS, births=births(*rows)), meta={"period": "2010OctS1"})
    engine = workbook_engine(PACK, data)
    cov = engine.calc.store.coverage["births"]
    assert (cov.start, cov.end, cov.rows) == (date(2010, 10, 1), date(2011, 3, 31), 12)
    assert cov.strays == ((14, date(2031, 3, 5)),)
    (found,) = rule(engine.check(), "register_row_outside")
    assert found.severity == "error" and "第 14 行（2031-03-05）" in found.message
    assert engine.compute("T", HALF).result("births").value == 12


def test_an_empty_month_of_a_busy_township_is_a_gap() -> None:
    busy = monthly("T", ["2010-10", "2010-11", "2011-01", "2011-02", "2011-03"], 12)
    quiet = monthly("U", ["2010-10", "2011-03"], 2)  # two births in six months: no gap to tell
    data = dataset(ORGS, births=births(*busy, *quiet))
    (found,) = rule(workbook_engine(PACK, data).check(), "register_gap")
    assert (found.org_unit, found.period) == ("T", "201012")
    assert "东乡出生登记在2010年12月没有任何记录" in found.message
    assert "在有记录的 5 个月中平均每月 12.0 条" in found.message


def test_a_month_empty_everywhere_is_one_finding_of_the_unit_above() -> None:
    """Both busy townships lack December: the register lacks it, said once at the county."""
    months = ["2010-10", "2010-11", "2011-01", "2011-02", "2011-03"]
    data = dataset(ORGS, births=births(*monthly("T", months, 12), *monthly("U", months, 15)))
    (found,) = rule(workbook_engine(PACK, data).check(), "register_gap")
    assert (found.org_unit, found.period) == ("X", "201012")
    assert "测试县出生登记在2010年12月没有任何记录" in found.message
    assert "在有记录的 5 个月中平均每月 27.0 条" in found.message
    assert found.also == (("T", "201012"), ("U", "201012"))


def test_a_unit_with_more_empty_months_keeps_its_own_finding() -> None:
    """December is empty everywhere, and 东乡 also lacks February: two findings."""
    data = dataset(
        ORGS,
        births=births(
            *monthly("T", ["2010-10", "2010-11", "2011-01", "2011-03"], 12),
            *monthly("U", ["2010-10", "2010-11", "2011-01", "2011-02", "2011-03"], 15),
        ),
    )
    found = rule(workbook_engine(PACK, data).check(), "register_gap")
    assert sorted((f.org_unit, f.period, f.also) for f in found) == [
        ("T", "201012", ()),
        ("X", "201012", (("U", "201012"),)),
    ]
    (town,) = [f for f in found if f.org_unit == "T"]
    assert "东乡出生登记在2010年12月、2011年2月没有任何记录" in town.message
