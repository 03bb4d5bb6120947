"""Readable but wrong: a fraction of a person, 元 for 万元, targets for another year, a period
with nothing entered."""

from __future__ import annotations

from dataclasses import replace

from tests.factories import dataset, target, tree, values
from zicha.actions.session import workbook_engine
from zicha.domain.finding import Finding
from zicha.domain.period import parse_period
from zicha.engine.dataset import Dataset
from zicha.packs.registry import get_pack

PACK = get_pack(None)
ORGS = tree(
    ("X", "测试县", None, "county"),
    ("T", "东乡", "X", "township"),
    ("U", "西乡", "X", "township"),
    ("W", "南乡", "X", "township"),
)


def rule(findings: list[Finding], name: str) -> list[Finding]:
    return [f for f in findings if f.rule == name]


def test_a_fraction_of_a_count() -> None:
    data = dataset(
        ORGS, values=values(("T", "2024Q1", "births", 233.4), ("T", "2024Q1", "deaths", 95))
    )
    (found,) = rule(workbook_engine(PACK, data).check(), "fractional_count")
    assert (found.severity, found.org_unit, found.period, found.elements) == (
        "error",
        "T",
        "2024Q1",
        ("births",),
    )
    assert "第 2 行" in found.message and "233.4" in found.message


def test_amounts_in_wan_yuan_may_have_fractions() -> None:
    data = dataset(ORGS, values=values(("T", "2024Q1", "budget_spent", 13.25)))
    assert rule(workbook_engine(PACK, data).check(), "fractional_count") == []


def test_yuan_for_wan_yuan_against_the_target() -> None:
    data = dataset(
        ORGS,
        values=values(("T", "2024Q1", "budget_spent", 130000)),
        targets=[target("T", "2023Oct", "budget_spent", ">=31.64")],
    )
    engine = workbook_engine(PACK, data)
    (found,) = rule(engine.check(), "unit_slip")
    assert found.severity == "error" and found.org_unit == "T"
    assert "目标 31.64万元" in found.message and "4109 倍" in found.message  # 130000 / 31.64
    assert "合 13万元" in found.message
    # the finding comes with the computation whose full marks it explains
    c = engine.compute("T", parse_period("2024Q1"))
    assert rule(c.findings, "unit_slip") == [found]


def test_yuan_for_wan_yuan_against_the_other_townships() -> None:
    data = dataset(
        ORGS,
        values=values(
            ("T", "2024Q1", "budget_spent", 12.5),
            ("U", "2024Q1", "budget_spent", 9),
            ("W", "2024Q1", "budget_spent", 11),
            ("W", "2024Q2", "budget_spent", 110000),
        ),
    )
    (found,) = rule(workbook_engine(PACK, data).check(), "unit_slip")
    assert (found.org_unit, found.period) == ("W", "2024Q2")
    assert "其他填报数的中位数 11万元" in found.message and "10000 倍" in found.message


def test_a_large_amount_of_another_element_is_no_slip() -> None:
    """The seed's 800 万元 of fees identified beside 31.75 collected is no unit slip."""
    data = dataset(
        ORGS,
        values=values(
            ("T", "2024Q1", "fees_identified", 800), ("T", "2024Q1", "fees_collected", 31.75)
        ),
    )
    assert rule(workbook_engine(PACK, data).check(), "unit_slip") == []


def _with_period(data: Dataset, period: str) -> Dataset:
    return replace(data, meta={"period": period})


def test_targets_for_the_year_before_the_report() -> None:
    """2010年度 read as 1 Oct 2009 – 30 Sep 2010 in a pack whose year starts in October: the
    report for 2010OctS1 has no target, and that is said."""
    data = _with_period(
        dataset(
            ORGS,
            values=values(("T", "2010OctS1", "births", 233)),
            targets=[
                target("T", "2009Oct", "births", "<=510"),
                target("T", "2009Oct", "policy_birth_rate", ">=85"),
            ],
        ),
        "2010OctS1",
    )
    engine = workbook_engine(PACK, data)
    (found,) = rule(engine.check(), "targets_for_no_period")
    assert (found.org_unit, found.period, found.severity) == ("T", "2009Oct", "warning")
    assert "2 个目标" in found.message and "2009年10月至2010年9月" in found.message
    assert "「2011年度」指 2010年10月1日至2011年9月底" in found.message
    c = engine.compute("T", parse_period("2010OctS1"))
    (told,) = rule(c.findings, "no_target_applies")
    assert "都不包含2010年10月至2011年3月" in told.message


def test_targets_of_other_years_beside_this_years_are_no_finding() -> None:
    data = _with_period(
        dataset(
            ORGS,
            values=values(("T", "2010OctS1", "births", 233)),
            targets=[
                target("T", "2009Oct", "births", "<=500"),
                target("T", "2010Oct", "births", "<=510"),
            ],
        ),
        "2010OctS1",
    )
    engine = workbook_engine(PACK, data)
    assert rule(engine.check(), "targets_for_no_period") == []
    c = engine.compute("T", parse_period("2010OctS1"))
    assert rule(c.findings, "no_target_applies") == []


def test_a_period_with_nothing_entered() -> None:
    data = dataset(
        ORGS,
        values=values(("T", "202403", "population", 1000), ("T", "2024Q1", "births", 3)),
    )
    engine = workbook_engine(PACK, data)
    (found,) = rule(engine.compute("T", parse_period("2025S1")).findings, "no_data_in_period")
    assert "2025年上半年没有填报任何数据" in found.message
    assert "2024年1月1日至2024年3月31日" in found.message
    assert rule(engine.compute("T", parse_period("2024Q1")).findings, "no_data_in_period") == []
    # the county sees its township's figures
    assert rule(engine.compute("X", parse_period("2024Q1")).findings, "no_data_in_period") == []
