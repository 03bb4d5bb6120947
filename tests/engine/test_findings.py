"""Findings: each check's rule, severity, elements, org unit and period, by hand."""

from __future__ import annotations

import math

import pytest

from tests.factories import births, dataset, stated, tree, values
from zicha.actions.session import workbook_engine
from zicha.domain.finding import Finding
from zicha.domain.period import parse_period
from zicha.engine.computation import Engine
from zicha.engine.dataset import Dataset
from zicha.packs.registry import get_pack

REL = 1e-12

# county X > townships T, U; villages V, W under T; village Y under U
ORGS = tree(
    ("X", "测试县", None, "county"),
    ("T", "东乡", "X", "township"),
    ("V", "东一村", "T", "village"),
    ("W", "东二村", "T", "village"),
    ("U", "西乡", "X", "township"),
    ("Y", "西一村", "U", "village"),
)

PARITY = (
    "married_women",
    "married_women_parity0",
    "married_women_parity1",
    "married_women_parity2",
    "married_women_parity3plus",
)


def engine_for(data: Dataset) -> Engine:
    return workbook_engine(get_pack(None), data)


def keys(findings: list[Finding]) -> set[tuple[str, str, str | None, str | None]]:
    return {(f.rule, f.severity, f.org_unit, f.period) for f in findings}


def only(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule]


# ------------------------------------------------------------------------ one check at a time


def test_register_conflict_uses_the_register() -> None:
    data = dataset(
        ORGS,
        births=births(("V", "2024-01-08", "M", 1, True), ("V", "2024-01-20", "F", 2, True)),
        values=values(("V", "202401", "births", 5), ("V", "202401", "budget_spent", 1)),
    )
    e = engine_for(data)
    found = only(e.check(), "register_conflict")
    assert len(found) == 1
    f = found[0]
    assert (f.severity, f.elements, f.org_unit, f.period) == ("error", ("births",), "V", "202401")
    assert "第 2 行" in f.message and "登记" in f.message
    # the register is used: two registered births, not the five entered
    c = e.compute("V", parse_period("202401"), ["births"])
    assert c.result("births").value == 2
    assert keys(c.findings) >= {("register_conflict", "error", "V", "202401")}


def test_negative_count() -> None:
    e = engine_for(dataset(ORGS, values=values(("W", "202402", "deaths", -1))))
    found = only(e.check(), "negative_value")
    assert [(f.severity, f.elements, f.org_unit, f.period) for f in found] == [
        ("error", ("deaths",), "W", "202402")
    ]
    assert "第 2 行" in found[0].message


def test_parent_and_child_report_the_same_element() -> None:
    data = dataset(
        ORGS,
        values=values(("V", "202403", "budget_spent", 1), ("T", "202403", "budget_spent", 2)),
    )
    found = only(engine_for(data).check(), "double_counting")
    assert [(f.severity, f.elements, f.org_unit, f.period) for f in found] == [
        ("warning", ("budget_spent",), "T", "202403")
    ]
    assert "东一村" in found[0].message and "第 3 行" in found[0].message


def test_parent_and_child_in_different_periods_are_not_double_counting() -> None:
    data = dataset(
        ORGS,
        values=values(("V", "202403", "budget_spent", 1), ("T", "202404", "budget_spent", 2)),
    )
    assert only(engine_for(data).check(), "double_counting") == []


def test_flow_entered_for_a_quarter_and_one_of_its_months() -> None:
    data = dataset(
        ORGS,
        values=values(("W", "2024Q1", "budget_spent", 3), ("W", "202402", "budget_spent", 1)),
    )
    e = engine_for(data)
    found = only(e.check(), "counted_twice_in_time")
    assert [(f.severity, f.elements, f.org_unit, f.period) for f in found] == [
        ("warning", ("budget_spent",), "W", "2024Q1")
    ]
    # as the warning says, the longer period counts both
    c = e.compute("W", parse_period("2024Q1"), ["budget_spent"])
    assert c.result("budget_spent").value == 3 + 1


@pytest.mark.parametrize(
    ("first", "second", "enclosing"),
    [("2023Q4", "2023OctQ1", "2023Oct"), ("202401", "2024-01-01/2024-01-31", "2024Q1")],
)
def test_flow_entered_twice_under_two_names_of_the_same_days(
    first: str, second: str, enclosing: str
) -> None:
    # 2023Q4 and 2023OctQ1 are the same three months (202401 and the interval the same month);
    # entered under both names the flow is added twice into every period containing them, as
    # with a quarter and one of its months, yet no finding says so
    assert parse_period(first).start == parse_period(second).start
    assert parse_period(first).end == parse_period(second).end
    data = dataset(
        ORGS,
        values=values(("W", first, "budget_spent", 3), ("W", second, "budget_spent", 3)),
    )
    e = engine_for(data)
    total = e.compute("W", parse_period(enclosing), ["budget_spent"]).result("budget_spent")
    assert total.value == 3 + 3
    about = [f for f in e.check() if f.org_unit == "W" and "budget_spent" in f.elements]
    assert about, "a flow entered twice for the same days must be a finding"


def test_stock_stated_twice_for_one_day() -> None:
    data = dataset(
        ORGS,
        values=values(("Y", "202403", "population", 1000), ("Y", "2024Q1", "population", 1001)),
    )
    found = only(engine_for(data).check(), "stock_stated_twice")
    assert [(f.severity, f.elements, f.org_unit, f.period) for f in found] == [
        ("error", ("population",), "Y", "2024Q1")
    ]
    assert "2024-03-31" in found[0].message


def test_stock_stated_twice_the_same_way_is_fine() -> None:
    data = dataset(
        ORGS,
        values=values(("Y", "202403", "population", 1000), ("Y", "2024Q1", "population", 1000)),
    )
    assert only(engine_for(data).check(), "stock_stated_twice") == []


def test_parity_groups_exceed_married_women() -> None:
    data = dataset(
        ORGS,
        values=values(
            ("Y", "202403", "married_women", 100),
            ("Y", "202403", "married_women_parity0", 40),
            ("Y", "202403", "married_women_parity1", 40),
            ("Y", "202403", "married_women_parity2", 20),
            ("Y", "202403", "married_women_parity3plus", 10),
        ),
    )
    e = engine_for(data)
    findings = e.check()
    le = [f for f in only(findings, "parity_parts_le_whole") if f.org_unit == "Y"]
    assert {(f.severity, f.elements, f.period) for f in le} >= {
        ("error", tuple(sorted(PARITY)), "202403")
    }
    assert "110" in le[0].message and "100" in le[0].message  # 40 + 40 + 20 + 10 > 100
    eq = only(findings, "parity_parts_eq_whole")
    assert ("parity_parts_eq_whole", "error", "Y", "202403") in keys(eq)
    # the sums go up the tree: the township and the county are wrong the same way, and that is
    # one problem listing where it shows, not a finding for each level and enclosing period
    (up,) = only(findings, "parity_parts_le_whole")
    assert (up.org_unit, up.period) == ("Y", "202403")
    assert {("U", "202403"), ("X", "202403")} <= set(up.also)
    assert "同一问题也见于" in up.message


def test_parity_groups_that_add_up_give_no_finding() -> None:
    data = dataset(
        ORGS,
        values=values(
            ("Y", "202403", "married_women", 110),
            ("Y", "202403", "married_women_parity0", 40),
            ("Y", "202403", "married_women_parity1", 40),
            ("Y", "202403", "married_women_parity2", 20),
            ("Y", "202403", "married_women_parity3plus", 10),
        ),
    )
    rules = {f.rule for f in engine_for(data).check()}
    assert not rules & {"parity_parts_le_whole", "parity_parts_eq_whole"}


def test_boys_and_girls_do_not_add_up_to_births() -> None:
    data = dataset(
        ORGS,
        values=values(
            ("W", "202402", "births", 10),
            ("W", "202402", "births_male", 4),
            ("W", "202402", "births_female", 5),
        ),
    )
    findings = engine_for(data).check()
    (found,) = only(findings, "births_sex_eq_total")
    # one problem, found in February and shown again in the statistical year that holds it
    assert (found.severity, found.elements, found.org_unit, found.period) == (
        "error",
        ("births", "births_female", "births_male"),
        "W",
        "202402",
    )
    assert ("W", "2023Oct") in found.also
    # 4 + 5 = 9 does not exceed 10: the "parts never exceed the whole" rule holds
    assert only(findings, "births_sex_le_total") == []


def test_measures_done_exceed_due() -> None:
    data = dataset(
        ORGS,
        values=values(
            ("V", "2024Q1", "contraception_due", 10), ("V", "2024Q1", "contraception_done", 12)
        ),
    )
    e = engine_for(data)
    (found,) = only(e.check(), "measures_done_le_due")
    assert (found.severity, found.elements, found.org_unit, found.period) == (
        "error",
        ("contraception_done", "contraception_due"),
        "V",
        "2024Q1",
    )
    assert ("V", "2023Oct") in found.also
    r = e.compute("V", parse_period("2024Q1"), ["contraception_completion_rate"])
    assert r.result("contraception_completion_rate").value == pytest.approx(12 / 10 * 100, rel=REL)


def test_rule_with_a_missing_side_is_skipped() -> None:
    data = dataset(
        ORGS,
        values=values(
            # contraception done, but nothing entered as due: not judged against zero
            ("V", "2024Q1", "contraception_done", 12),
            # boys entered, girls missing: "+" is missing, "sum()" skips the missing part
            ("W", "202402", "births", 2),
            ("W", "202402", "births_male", 3),
        ),
    )
    e = engine_for(data)
    findings = e.check()
    assert only(findings, "measures_done_le_due") == []
    assert only(findings, "births_sex_eq_total") == []
    (le,) = only(findings, "births_sex_le_total")
    assert (le.severity, le.org_unit, le.period) == ("error", "W", "202402")
    # also in a period entered for elsewhere in the workbook, and the statistical year
    assert {("W", "2024Q1"), ("W", "2023Oct")} <= set(le.also)
    c = e.compute("V", parse_period("2024Q1"))
    assert only(c.findings, "measures_done_le_due") == []
    assert c.result("contraception_completion_rate").value is None


# -------------------------------------------------------------------------- stated figures

# 东一村, 2024Q1: population 1000 at 2023-12-31 and 1010 at 2024-03-31, 7 births, 3 deaths
# birth rate = 7 / ((1000 + 1010) / 2) × 1000 = 6.9652 ‰
POPULATION_Q1 = (("V", "202312", "population", 1000), ("V", "202403", "population", 1010))
EVENTS_Q1 = (("V", "2024Q1", "births", 7), ("V", "2024Q1", "deaths", 3))


def test_stated_figure_beyond_its_rounding() -> None:
    computed = 7 / ((1000 + 1010) / 2) * 1000
    assert abs(computed - 6.96) > 0.005  # 6.96 is not 6.9652 rounded to two decimals
    data = dataset(
        ORGS,
        values=values(*POPULATION_Q1, *EVENTS_Q1),
        stated=stated(("V", "2024Q1", "birth_rate", 6.96), first_row=9),
    )
    found = only(engine_for(data).check(), "stated_mismatch")
    assert [(f.severity, set(f.elements), f.org_unit, f.period) for f in found] == [
        ("error", {"births", "population"}, "V", "2024Q1")
    ]
    assert "6.96" in found[0].message and "6.97" in found[0].message


@pytest.mark.parametrize("said", [6.97, 6.965, 7.0])
def test_stated_figure_within_its_rounding(said: float) -> None:
    computed = 7 / ((1000 + 1010) / 2) * 1000
    decimals = len(repr(said).split(".")[1].rstrip("0")) if said % 1 else 0
    assert abs(computed - said) <= 0.5 * 10**-decimals
    data = dataset(
        ORGS,
        values=values(*POPULATION_Q1, *EVENTS_Q1),
        stated=stated(("V", "2024Q1", "birth_rate", said)),
    )
    findings = engine_for(data).check()
    assert [f for f in findings if f.rule.startswith("stated_")] == []


def test_two_stated_rates_implying_different_populations() -> None:
    # no population entered: neither rate can be checked, yet 6.97 ‰ of 7 births means about
    # 1004 people and 2.49 ‰ of 3 deaths about 1205: both cannot be right
    birth_low, birth_high = 7 * 1000 / 6.975, 7 * 1000 / 6.965
    death_low, death_high = 3 * 1000 / 2.495, 3 * 1000 / 2.485
    assert birth_high < death_low
    data = dataset(
        ORGS,
        values=values(*EVENTS_Q1),
        stated=stated(("V", "2024Q1", "birth_rate", 6.97), ("V", "2024Q1", "death_rate", 2.49)),
    )
    findings = engine_for(data).check()
    found = only(findings, "stated_inconsistent")
    assert [(f.severity, set(f.elements), f.org_unit, f.period) for f in found] == [
        ("error", {"births", "population"}, "V", "2024Q1")
    ]
    assert f"{round((birth_low + birth_high) / 2)}" in found[0].message  # 1004
    assert f"{round((death_low + death_high) / 2)}" in found[0].message  # 1205
    unverifiable = only(findings, "stated_unverifiable")
    assert {(f.severity, f.org_unit, f.period) for f in unverifiable} == {
        ("warning", "V", "2024Q1")
    }
    assert len(unverifiable) == 2


def test_stated_findings_name_each_element_once() -> None:
    # a rate on the average population reads population twice (opening and closing); the
    # finding is about the element population, named once (as rule findings do)
    data = dataset(
        ORGS,
        values=values(*EVENTS_Q1),
        stated=stated(("V", "2024Q1", "birth_rate", 6.97), ("V", "2024Q1", "death_rate", 2.49)),
    )
    findings = [f for f in engine_for(data).check() if f.rule.startswith("stated_")]
    assert {f.rule for f in findings} == {"stated_inconsistent", "stated_unverifiable"}
    assert sorted((f.rule, f.elements) for f in findings) == [
        ("stated_inconsistent", ("births", "population")),
        ("stated_unverifiable", ("births", "population")),
        ("stated_unverifiable", ("deaths", "population")),
    ]


def test_two_stated_rates_from_one_population_are_consistent() -> None:
    data = dataset(
        ORGS,
        values=values(*POPULATION_Q1, *EVENTS_Q1),
        stated=stated(
            ("V", "2024Q1", "birth_rate", 6.97),  # 6.9652
            ("V", "2024Q1", "death_rate", 2.99),  # 3 / 1005 × 1000 = 2.9851
            ("V", "2024Q1", "natural_growth_rate", 3.98),  # 4 / 1005 × 1000 = 3.9801
        ),
    )
    assert [f for f in engine_for(data).check() if f.rule.startswith("stated_")] == []


# ---------------------------------------------------------------------------- small samples


def test_sex_ratio_small_sample_warning() -> None:
    data = dataset(
        ORGS,
        values=values(("V", "2024Q1", "births_male", 12), ("V", "2024Q1", "births_female", 10)),
    )
    c = engine_for(data).compute("V", parse_period("2024Q1"))
    found = only(c.findings, "small_sample")
    assert [(f.severity, f.elements, f.org_unit, f.period) for f in found] == [
        ("warning", ("births_female", "births_male"), "V", "2024Q1")
    ]
    n = 12 + 10
    p = 12 / n
    se = 100 * math.sqrt(p * (1 - p) / n) / (1 - p) ** 2
    assert se == pytest.approx(51.38, abs=0.01)
    assert f"±{se:.1f}" in found[0].message  # ±51.4
    assert f"{n} 例" in found[0].message
    assert c.result("sex_ratio_at_birth").value == pytest.approx(12 / 10 * 100, rel=REL)


def test_no_small_sample_warning_without_a_ratio() -> None:
    data = dataset(ORGS, values=values(("V", "2024Q1", "births_male", 12)))
    c = engine_for(data).compute("V", parse_period("2024Q1"))
    assert only(c.findings, "small_sample") == []


# ------------------------------------------------------------------ the whole dataset at once

MESSY = dataset(
    ORGS,
    births=births(("V", "2024-01-08", "M", 1, True), ("V", "2024-01-20", "F", 2, True)),
    values=values(
        ("V", "202401", "births", 5),  # 2: register conflict
        ("W", "202402", "deaths", -1),  # 3: negative
        ("T", "202403", "budget_spent", 2),  # 4: parent ...
        ("V", "202403", "budget_spent", 1),  # 5: ... and child
        ("W", "2024Q1", "budget_spent", 3),  # 6: a quarter ...
        ("W", "202402", "budget_spent", 1),  # 7: ... and one of its months
        ("Y", "202403", "population", 1000),  # 8: a stock ...
        ("Y", "2024Q1", "population", 1001),  # 9: ... stated twice for 31 March
        ("Y", "202403", "married_women", 100),
        ("Y", "202403", "married_women_parity0", 40),
        ("Y", "202403", "married_women_parity1", 40),
        ("Y", "202403", "married_women_parity2", 20),
        ("Y", "202403", "married_women_parity3plus", 10),
        ("W", "202402", "births_male", 4),  # outside the register's month (January)
        ("W", "202402", "births_female", 5),
        ("W", "202402", "births", 10),
        ("V", "2024Q1", "contraception_due", 10),
        ("V", "2024Q1", "contraception_done", 12),
    ),
)


@pytest.fixture(scope="module")
def messy() -> Engine:
    return engine_for(MESSY)


def test_check_finds_everything(messy: Engine) -> None:
    found = keys(messy.check())
    assert found >= {
        ("register_conflict", "error", "V", "202401"),
        ("negative_value", "error", "W", "202402"),
        ("double_counting", "warning", "T", "202403"),
        ("counted_twice_in_time", "warning", "W", "2024Q1"),
        ("stock_stated_twice", "error", "Y", "2024Q1"),
        ("parity_parts_le_whole", "error", "Y", "202403"),
        ("parity_parts_eq_whole", "error", "Y", "202403"),
        ("births_sex_eq_total", "error", "W", "202402"),
        ("measures_done_le_due", "error", "V", "2024Q1"),
    }


def test_check_lists_errors_first(messy: Engine) -> None:
    severities = [f.severity for f in messy.check()]
    assert severities == sorted(severities, key=lambda s: s != "error")
    assert "warning" in severities


def test_compute_keeps_findings_of_its_subtree_and_period(messy: Engine) -> None:
    # 东乡 (T) for March 2024: its own double counting; nothing of 西乡's village Y; nothing of
    # January (the register conflict) or of February alone (the negative deaths)
    c = messy.compute("T", parse_period("202403"))
    found = keys(c.findings)
    assert ("double_counting", "warning", "T", "202403") in found
    # the quarter overlaps March
    assert ("counted_twice_in_time", "warning", "W", "2024Q1") in found
    assert all(f.org_unit in {"T", "V", "W"} for f in c.findings)
    for f in c.findings:
        assert f.period is not None
        p = parse_period(f.period)
        assert p.start <= parse_period("202403").end and parse_period("202403").start <= p.end
    assert not {"register_conflict", "negative_value", "stock_stated_twice"} & {
        f.rule for f in c.findings
    }


def test_compute_for_a_village_and_quarter(messy: Engine) -> None:
    c = messy.compute("V", parse_period("2024Q1"))
    found = keys(c.findings)
    assert ("register_conflict", "error", "V", "202401") in found
    assert ("measures_done_le_due", "error", "V", "2024Q1") in found
    # the parent's double counting belongs to T, outside V's subtree
    assert all(f.org_unit == "V" for f in c.findings)


def test_compute_for_the_other_township(messy: Engine) -> None:
    c = messy.compute("U", parse_period("2024Q1"))
    found = keys(c.findings)
    assert ("stock_stated_twice", "error", "Y", "2024Q1") in found
    assert ("parity_parts_le_whole", "error", "U", "2024Q1") in found
    assert all(f.org_unit in {"U", "Y"} for f in c.findings)
