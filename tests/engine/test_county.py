"""A test county computed by hand: villages, townships, an enterprise, registers and entered values.

The statistical year 2023Oct runs 1 Oct 2023 to 30 Sep 2024 (366 days: it holds 29 Feb 2024).
Every expected figure below is worked out from the literal data in this file; the engine's own
helpers are never used to compute an expectation.
"""

from __future__ import annotations

import pytest

from tests.factories import births, dataset, deaths, tree, values
from zicha.actions.session import workbook_engine
from zicha.domain.period import parse_period
from zicha.engine.computation import Engine
from zicha.packs.registry import get_pack

REL = 1e-12

COUNTY = "510000"
T1, T2, T3 = "510100", "510200", "510300"
V11, V12, V13, ENT = "510101", "510102", "510103", "510199"
V21, V22 = "510201", "510202"
V31, V32 = "510301", "510302"

ORGS = tree(
    (COUNTY, "测试县", None, "county"),
    (T1, "东乡", COUNTY, "township"),
    (V11, "东一村", T1, "village"),
    (V12, "东二村", T1, "village"),
    (V13, "东三村", T1, "village"),
    (ENT, "东乡纺织厂", T1, "enterprise"),
    (T2, "西乡", COUNTY, "township"),
    (V21, "西一村", T2, "village"),
    (V22, "西二村", T2, "village"),
    (T3, "南乡", COUNTY, "township"),
    (V31, "南一村", T3, "village"),
    (V32, "南二村", T3, "village"),
)

# Population (a stock) at quarter ends only. T1 and T3 villages use month ids, T2 villages use
# quarter ids; the enterprise states it twice a year and is carried forward in between.
POPULATION = [
    *[
        (org, pid, "population", v)
        for org, levels in (
            (V11, (1200, 1210, 1216, 1222, 1230)),
            (V12, (800, 804, 806, 810, 812)),
            (V13, (600, 601, 603, 604, 606)),
            (V31, (900, 905, 910, 912, 918)),
            (V32, (700, 703, 704, 706, 709)),
        )
        for pid, v in zip(("202309", "202312", "202403", "202406", "202409"), levels, strict=True)
    ],
    *[
        (org, pid, "population", v)
        for org, levels in (
            (V21, (1000, 1003, 1008, 1011, 1015)),
            (V22, (500, 502, 503, 505, 507)),
        )
        for pid, v in zip(("2023Q3", "2023Q4", "2024Q1", "2024Q2", "2024Q3"), levels, strict=True)
    ],
    (ENT, "2023Q3", "population", 50),
    (ENT, "2024Q1", "population", 56),
]

# Budget (a flow): T1 by month, T2 by quarter, T3 once for the whole statistical year.
BUDGET = [
    (T1, "202310", "budget_spent", 2.5),
    (T1, "202311", "budget_spent", 1.5),
    (T1, "202312", "budget_spent", 3.0),
    (T1, "202401", "budget_spent", 2.0),
    (T1, "202402", "budget_spent", 1.25),
    (T1, "202403", "budget_spent", 0.75),
    (T1, "202404", "budget_spent", 2.0),
    (T1, "202405", "budget_spent", 1.0),
    (T1, "202406", "budget_spent", 1.0),
    (T1, "202407", "budget_spent", 0.5),
    (T1, "202408", "budget_spent", 0.5),
    (T1, "202409", "budget_spent", 4.0),
    (T2, "2023Q4", "budget_spent", 6.0),
    (T2, "2024Q1", "budget_spent", 4.0),
    (T2, "2024Q2", "budget_spent", 5.0),
    (T2, "2024Q3", "budget_spent", 3.5),
    (T3, "2023Oct", "budget_spent", 20.0),
]

# Married women and parity groups (stocks) in T1's villages; contraception measures (flows).
WOMEN = [
    (V11, "202309", "married_women", 300),
    (V11, "202309", "married_women_parity0", 30),
    (V11, "202309", "married_women_parity1", 150),
    (V11, "202309", "married_women_parity2", 100),
    (V11, "202309", "married_women_parity3plus", 20),
    (V11, "202403", "married_women", 305),
    (V11, "202403", "married_women_parity0", 31),
    (V11, "202403", "married_women_parity1", 152),
    (V11, "202403", "married_women_parity2", 101),
    (V11, "202403", "married_women_parity3plus", 21),
    (V11, "202403", "long_acting_users", 200),
    (V12, "202403", "married_women", 210),
    (V12, "202403", "married_women_parity0", 20),
    (V12, "202403", "married_women_parity1", 110),
    (V12, "202403", "married_women_parity2", 70),
    (V12, "202403", "married_women_parity3plus", 10),
    (V12, "202403", "long_acting_users", 150),
    (V11, "2023Q4", "contraception_due", 10),
    (V11, "2023Q4", "contraception_done", 9),
    (V11, "2024Q1", "contraception_due", 8),
    (V11, "2024Q1", "contraception_done", 8),
]

# Births register: (org, date, sex, order, in_policy). Numbered in the comments for the sums.
BIRTHS = births(
    (V11, "2023-10-03", "M", 1, True),  # 1
    (V11, "2023-11-15", "F", 2, True),  # 2
    (V11, "2024-01-08", "M", 1, True),  # 3
    (V11, "2024-01-22", "F", 3, False),  # 4 out of policy, 3rd
    (V11, "2024-02-29", "M", 2, True),  # 5 leap day
    (V11, "2024-03-30", "F", 1, True),  # 6
    (V11, "2024-06-11", "M", 2, True),  # 7
    (V11, "2024-09-27", "F", 1, True),  # 8
    (V12, "2023-12-05", "M", 1, True),  # 9
    (V12, "2024-02-14", "M", 2, False),  # 10 out of policy, 2nd
    (V12, "2024-05-20", "F", 1, True),  # 11
    (V12, "2024-08-02", "F", 2, True),  # 12
    (V13, "2023-10-19", "F", 1, True),  # 13
    (V13, "2024-03-01", "M", 4, False),  # 14 out of policy, 4th
    (V13, "2024-07-07", "M", 1, True),  # 15
    (ENT, "2023-11-30", "M", 1, True),  # 16
    (V21, "2023-10-10", "F", 1, True),  # 17
    (V21, "2023-12-31", "M", 2, True),  # 18
    (V21, "2024-01-01", "F", 1, True),  # 19
    (V21, "2024-02-29", "F", 3, True),  # 20 leap day, 3rd within policy
    (V21, "2024-03-31", "M", 1, True),  # 21
    (V21, "2024-04-01", "M", 2, True),  # 22
    (V21, "2024-09-30", "F", 1, True),  # 23
    (V22, "2024-02-10", "M", 3, False),  # 24 out of policy, 3rd
    (V22, "2024-06-30", "F", 1, True),  # 25
    (V31, "2023-10-01", "M", 1, True),  # 26
    (V31, "2024-01-15", "M", 2, True),  # 27
    (V31, "2024-03-15", "F", 1, True),  # 28
    (V31, "2024-08-19", "M", 3, False),  # 29 out of policy, 3rd
    (V32, "2024-04-18", "F", 2, True),  # 30
    (V32, "2024-09-02", "M", 1, True),  # 31
)

DEATHS = deaths(
    (V11, "2023-10-20", "M", 78),
    (V11, "2024-01-05", "F", 85),
    (V11, "2024-03-31", "M", 66),
    (V11, "2024-07-14", "F", 90),
    (V12, "2023-12-12", "M", 70),
    (V12, "2024-05-05", "F", 81),
    (V13, "2024-02-29", "F", 88),
    (V21, "2023-11-11", "M", 59),
    (V21, "2024-02-02", "F", 92),
    (V21, "2024-08-08", "M", 74),
    (V22, "2024-03-03", "M", 80),
    (V31, "2023-10-30", "F", 77),
    (V31, "2024-06-06", "M", 69),
    (V32, "2024-01-19", "F", 95),
    (V32, "2024-09-15", "M", 83),
)


@pytest.fixture(scope="module")
def engine() -> Engine:
    data = dataset(
        ORGS,
        values=values(*POPULATION, *BUDGET, *WOMEN),
        births=BIRTHS,
        deaths=DEATHS,
    )
    return workbook_engine(get_pack(None), data)


def value(engine: Engine, org: str, period: str, indicator: str) -> float | None:
    return engine.compute(org, parse_period(period), [indicator]).result(indicator).value


# ------------------------------------------------------------------------------------ a village


def test_village_month_with_carried_forward_closing(engine: Engine) -> None:
    # January 2024 in 东一村: births 3 and 4; death on 2024-01-05.
    # Opening = population at 2023-12-31 (the 202312 value, 1210); closing at 2024-01-31 is that
    # value carried forward (no value for 202401).
    c = engine.compute(V11, parse_period("202401"))
    births_ = c.result("births")
    assert births_.value == 2
    rate = c.result("birth_rate")
    avg = (1210 + 1210) / 2
    assert rate.value == pytest.approx(2 / avg * 1000, rel=REL)
    assert rate.numerator == 2
    assert rate.denominator == pytest.approx(avg, rel=REL)
    assert rate.annualized == pytest.approx(2 / avg * 1000 * 365 / 31, rel=REL)
    assert c.result("deaths").value == 1
    assert c.result("death_rate").value == pytest.approx(1 / avg * 1000, rel=REL)
    assert c.result("natural_growth_rate").value == pytest.approx((2 - 1) / avg * 1000, rel=REL)
    # one boy, one girl: 100 boys per 100 girls
    assert c.result("sex_ratio_at_birth").value == pytest.approx(1 / 1 * 100, rel=REL)
    assert c.result("policy_birth_rate").value == pytest.approx(1 / 2 * 100, rel=REL)
    assert c.result("out_of_policy_multichild_rate").value == pytest.approx(1 / 2 * 100, rel=REL)


def test_village_month_with_new_quarter_end_closing(engine: Engine) -> None:
    # March 2024 in 东一村: birth 6 (30 Mar), death on 31 Mar. Opening at 29 Feb is 1210 carried
    # forward from 2023-12-31; closing at 31 Mar is the new 202403 value 1216.
    c = engine.compute(V11, parse_period("202403"))
    avg = (1210 + 1216) / 2
    assert c.result("births").value == 1
    assert c.result("birth_rate").value == pytest.approx(1 / avg * 1000, rel=REL)
    assert c.result("birth_rate").denominator == pytest.approx(avg, rel=REL)
    assert c.result("deaths").value == 1
    assert c.result("death_rate").value == pytest.approx(1 / avg * 1000, rel=REL)
    assert c.result("birth_rate").annualized == pytest.approx(1 / avg * 1000 * 365 / 31, rel=REL)


def test_leap_day_birth_counts_in_february(engine: Engine) -> None:
    # 西一村 February 2024: birth 20 on 29 Feb; death on 2 Feb. Population: 1003 (2023Q4)
    # carried through February.
    c = engine.compute(V21, parse_period("202402"))
    avg = (1003 + 1003) / 2
    assert c.result("births").value == 1
    assert c.result("birth_rate").value == pytest.approx(1 / avg * 1000, rel=REL)
    assert c.result("birth_rate").annualized == pytest.approx(1 / avg * 1000 * 365 / 29, rel=REL)
    assert c.result("deaths").value == 1


def test_enterprise_population_carried_forward(engine: Engine) -> None:
    # the enterprise stated 50 at 2023Q3 and 56 at 2024Q1 only: at 31 Dec 2023 it is still 50
    c = engine.compute(ENT, parse_period("2023OctQ1"), ["birth_rate"])
    r = c.result("birth_rate")
    assert r.numerator == 1  # birth 16
    assert r.denominator == pytest.approx((50 + 50) / 2, rel=REL)
    c = engine.compute(ENT, parse_period("2024Q2"), ["birth_rate"])
    r = c.result("birth_rate")
    assert r.numerator == 0  # no births April–June, inside the register's months
    assert r.value == 0
    assert r.denominator == pytest.approx((56 + 56) / 2, rel=REL)


# ------------------------------------------------------------------------- a township, half-year


def test_township_half_year(engine: Engine) -> None:
    # 东乡 2023OctS1 = 1 Oct 2023 .. 31 Mar 2024 (183 days)
    # births: 东一村 1-6 (M 3, F 3, in policy 5, out 3rd+ #4), 东二村 9, 10 (M 2, in 1),
    #         东三村 13, 14 (M 1, F 1, in 1, out 3rd+ #14), the enterprise 16 (M 1, in 1)
    births_ = 6 + 2 + 2 + 1
    male = 3 + 2 + 1 + 1
    female = 3 + 0 + 1 + 0
    in_policy = 5 + 1 + 1 + 1
    out_3plus = 1 + 0 + 1 + 0
    # deaths: 东一村 20 Oct, 5 Jan, 31 Mar; 东二村 12 Dec; 东三村 29 Feb
    deaths_ = 3 + 1 + 1
    opening = 1200 + 800 + 600 + 50  # at 2023-09-30
    closing = 1216 + 806 + 603 + 56  # at 2024-03-31
    avg = (opening + closing) / 2

    c = engine.compute(T1, parse_period("2023OctS1"))
    assert c.result("births").value == births_
    assert c.result("deaths").value == deaths_
    br = c.result("birth_rate")
    assert br.value == pytest.approx(births_ / avg * 1000, rel=REL)
    assert br.numerator == births_
    assert br.denominator == pytest.approx(avg, rel=REL)
    assert br.annualized == pytest.approx(births_ / avg * 1000 * 365 / 183, rel=REL)
    assert c.result("death_rate").value == pytest.approx(deaths_ / avg * 1000, rel=REL)
    ngr = c.result("natural_growth_rate")
    assert ngr.value == pytest.approx((births_ - deaths_) / avg * 1000, rel=REL)
    assert ngr.numerator == births_ - deaths_
    sr = c.result("sex_ratio_at_birth")
    assert sr.value == pytest.approx(male / female * 100, rel=REL)
    assert (sr.numerator, sr.denominator) == (male, female)
    assert sr.annualized is None
    pr = c.result("policy_birth_rate")
    assert pr.value == pytest.approx(in_policy / births_ * 100, rel=REL)
    assert (pr.numerator, pr.denominator) == (in_policy, births_)
    orr = c.result("out_of_policy_multichild_rate")
    assert orr.value == pytest.approx(out_3plus / births_ * 100, rel=REL)
    assert (orr.numerator, orr.denominator) == (out_3plus, births_)
    # budget by month: October to March
    assert c.result("budget_spent").value == pytest.approx(
        2.5 + 1.5 + 3.0 + 2.0 + 1.25 + 0.75, rel=REL
    )
    # married women (stock) at 31 Mar 2024: 东一村 305 + 东二村 210; long-acting 200 + 150
    assert c.result("married_women").value == 305 + 210
    assert c.result("long_acting_rate").value == pytest.approx(
        (200 + 150) / (305 + 210) * 100, rel=REL
    )
    # contraception measures (flows by quarter): 2023Q4 and 2024Q1
    assert c.result("contraception_completion_rate").value == pytest.approx(
        (9 + 8) / (10 + 8) * 100, rel=REL
    )


def test_township_sums_its_villages(engine: Engine) -> None:
    table = engine.table([T1, V11, V12, V13, ENT], [parse_period("2023OctS1")], ["births"])
    got = dict(zip(table["org_unit"], table["val:births"], strict=True))
    assert got == {T1: 11, V11: 6, V12: 2, V13: 2, ENT: 1}


def test_quarter_ids_and_month_ids_mean_the_same_day(engine: Engine) -> None:
    # 西乡 uses quarter ids for population: 2023OctS1 opens at 2023Q3 and closes at 2024Q1
    c = engine.compute(T2, parse_period("2023OctS1"), ["birth_rate"])
    assert c.result("birth_rate").denominator == pytest.approx(
        ((1000 + 500) + (1008 + 503)) / 2, rel=REL
    )


# ---------------------------------------------------------------------- a calendar quarter


def test_calendar_quarter_inside_the_statistical_year(engine: Engine) -> None:
    # 西乡 2024Q1 (1 Jan .. 31 Mar 2024, 91 days with 29 Feb)
    # births: 西一村 19 (1 Jan, F), 20 (29 Feb, F), 21 (31 Mar, M); 西二村 24 (10 Feb, M, out 3rd)
    births_ = 3 + 1
    male = 1 + 1
    female = 2 + 0
    in_policy = 3 + 0
    out_3plus = 0 + 1
    deaths_ = 1 + 1  # 西一村 2 Feb, 西二村 3 Mar
    opening = 1003 + 502  # 2023Q4 values, at 2023-12-31
    closing = 1008 + 503  # 2024Q1 values, at 2024-03-31
    avg = (opening + closing) / 2

    q1 = parse_period("2024Q1")
    assert q1.days == 31 + 29 + 31
    c = engine.compute(T2, q1)
    assert c.result("births").value == births_
    assert c.result("deaths").value == deaths_
    br = c.result("birth_rate")
    assert br.value == pytest.approx(births_ / avg * 1000, rel=REL)
    assert br.annualized == pytest.approx(births_ / avg * 1000 * 365 / 91, rel=REL)
    assert c.result("death_rate").value == pytest.approx(deaths_ / avg * 1000, rel=REL)
    assert c.result("natural_growth_rate").value == pytest.approx(
        (births_ - deaths_) / avg * 1000, rel=REL
    )
    assert c.result("sex_ratio_at_birth").value == pytest.approx(male / female * 100, rel=REL)
    assert c.result("policy_birth_rate").value == pytest.approx(in_policy / births_ * 100, rel=REL)
    assert c.result("out_of_policy_multichild_rate").value == pytest.approx(
        out_3plus / births_ * 100, rel=REL
    )
    assert c.result("budget_spent").value == 4.0  # entered for 2024Q1


def test_calendar_quarter_at_the_county(engine: Engine) -> None:
    # 2024Q1, all units: births 3-6, 10, 14, 19-21, 24, 27, 28
    births_ = 4 + 1 + 1 + 3 + 1 + 2
    # deaths: 5 Jan, 31 Mar (东一村), 29 Feb (东三村), 2 Feb (西一村), 3 Mar (西二村),
    # 19 Jan (南二村)
    deaths_ = 2 + 1 + 1 + 1 + 1
    opening = 1210 + 804 + 601 + 50 + 1003 + 502 + 905 + 703
    closing = 1216 + 806 + 603 + 56 + 1008 + 503 + 910 + 704
    avg = (opening + closing) / 2
    c = engine.compute(COUNTY, parse_period("2024Q1"), ["births", "deaths", "natural_growth_rate"])
    assert c.result("births").value == births_
    assert c.result("deaths").value == deaths_
    assert c.result("natural_growth_rate").value == pytest.approx(
        (births_ - deaths_) / avg * 1000, rel=REL
    )
    # budget: 东乡 Jan-Mar by month, 西乡 2024Q1; 南乡's value is for the whole year only
    c = engine.compute(COUNTY, parse_period("2024Q1"), ["budget_spent"])
    assert c.result("budget_spent").value == pytest.approx(2.0 + 1.25 + 0.75 + 4.0, rel=REL)


# ----------------------------------------------------------------- the county, whole year


def test_county_whole_statistical_year(engine: Engine) -> None:
    fy = parse_period("2023Oct")
    assert fy.days == 366
    # births by unit: 东一村 8, 东二村 4, 东三村 3, enterprise 1, 西一村 7, 西二村 2, 南一村 4,
    # 南二村 2
    births_ = 8 + 4 + 3 + 1 + 7 + 2 + 4 + 2
    male = 4 + 2 + 2 + 1 + 3 + 1 + 3 + 1
    female = 4 + 2 + 1 + 0 + 4 + 1 + 1 + 1
    out_of_policy = 5  # births 4, 10, 14, 24, 29
    in_policy = births_ - out_of_policy
    out_3plus = 4  # births 4, 14, 24, 29 (10 is a 2nd child)
    deaths_ = 4 + 2 + 1 + 3 + 1 + 2 + 2
    opening = 1200 + 800 + 600 + 50 + 1000 + 500 + 900 + 700  # 2023-09-30
    closing = 1230 + 812 + 606 + 56 + 1015 + 507 + 918 + 709  # 2024-09-30
    avg = (opening + closing) / 2

    c = engine.compute(COUNTY, fy)
    assert births_ == 31 and male + female == births_
    assert c.org_unit.name == "测试县"
    assert c.result("births").value == births_
    assert c.result("deaths").value == deaths_
    br = c.result("birth_rate")
    assert br.value == pytest.approx(births_ / avg * 1000, rel=REL)
    assert br.denominator == pytest.approx(avg, rel=REL)
    assert br.annualized == pytest.approx(births_ / avg * 1000 * 365 / 366, rel=REL)
    assert c.result("death_rate").value == pytest.approx(deaths_ / avg * 1000, rel=REL)
    assert c.result("natural_growth_rate").value == pytest.approx(
        (births_ - deaths_) / avg * 1000, rel=REL
    )
    assert c.result("sex_ratio_at_birth").value == pytest.approx(male / female * 100, rel=REL)
    assert c.result("policy_birth_rate").value == pytest.approx(in_policy / births_ * 100, rel=REL)
    assert c.result("out_of_policy_multichild_rate").value == pytest.approx(
        out_3plus / births_ * 100, rel=REL
    )
    budget = (
        (2.5 + 1.5 + 3.0 + 2.0 + 1.25 + 0.75 + 2.0 + 1.0 + 1.0 + 0.5 + 0.5 + 4.0)
        + (6.0 + 4.0 + 5.0 + 3.5)
        + 20.0
    )
    assert c.result("budget_spent").value == pytest.approx(budget, rel=REL)


def test_county_half_year_leaves_out_a_flow_entered_for_the_whole_year(engine: Engine) -> None:
    # 南乡 entered budget for 2023Oct only: it is part of 2023Oct, not of 2023OctS1
    assert value(engine, T3, "2023OctS1", "budget_spent") is None
    assert value(engine, T3, "2023Oct", "budget_spent") == 20.0
    assert value(engine, COUNTY, "2023OctS1", "budget_spent") == pytest.approx(
        (2.5 + 1.5 + 3.0 + 2.0 + 1.25 + 0.75) + (6.0 + 4.0), rel=REL
    )
    # a flow entered by quarter is not part of a month
    assert value(engine, T2, "202401", "budget_spent") is None


def test_engine_table_matches_compute(engine: Engine) -> None:
    periods = [parse_period(p) for p in ("2023OctS1", "2023OctS2", "2023Oct")]
    table = engine.table([COUNTY, T1, T2, T3], periods, ["births", "deaths"])
    got = {
        (o, p): (b, d)
        for o, p, b, d in table.select("org_unit", "period", "val:births", "val:deaths").rows()
    }
    # S1 births: 东乡 11; 西乡 17-21 + 24 = 6; 南乡 26-28 = 3
    assert got[(T1, "2023OctS1")][0] == 11
    assert got[(T2, "2023OctS1")][0] == 5 + 1
    assert got[(T3, "2023OctS1")][0] == 3
    assert got[(COUNTY, "2023OctS1")][0] == 11 + 6 + 3
    assert got[(COUNTY, "2023OctS2")][0] == 31 - 20
    assert got[(COUNTY, "2023Oct")] == (31, 15)


# ------------------------------------------------------------------- missing is never zero


def test_register_month_without_births_is_zero(engine: Engine) -> None:
    # 东一村 had no births in December 2023, inside the register's months (Oct 2023 - Sep 2024)
    c = engine.compute(V11, parse_period("202312"), ["births", "birth_rate", "policy_birth_rate"])
    assert c.result("births").value == 0
    assert c.result("births").value is not None
    assert c.result("birth_rate").value == 0.0
    # no births: the conforming rate has a zero denominator, so it is None, not 0 and no error
    assert c.result("policy_birth_rate").value is None
    # 南二村 had no births in the whole half-year
    assert value(engine, V32, "2023OctS1", "births") == 0


def test_period_outside_the_register_is_missing(engine: Engine) -> None:
    for period in ("202309", "202410", "2022Oct"):
        c = engine.compute(V11, parse_period(period), ["births", "deaths", "birth_rate"])
        assert c.result("births").value is None, period
        assert c.result("deaths").value is None, period
        assert c.result("birth_rate").value is None, period
        assert c.result("births").status == "no_data"


def test_register_is_not_zero_for_a_period_holding_no_whole_month(engine: Engine) -> None:
    # 15 Jan .. 14 Feb 2024 holds no whole month; 东一村's birth 4 (22 Jan) lies inside it. The
    # register rolls up by month, so the count is either exact (1) or missing, never 0.
    c = engine.compute(V11, parse_period("2024-01-15/2024-02-14"), ["births"])
    assert c.result("births").value in (1, None)


def test_zero_denominator_is_none_not_an_error(engine: Engine) -> None:
    # 南二村 2023OctS1: no births at all → sex ratio 0/0, conforming rate 0/0
    c = engine.compute(V32, parse_period("2023OctS1"))
    for ind in ("sex_ratio_at_birth", "policy_birth_rate", "out_of_policy_multichild_rate"):
        r = c.result(ind)
        assert r.value is None, ind
        assert r.denominator == 0, ind
    # the enterprise had only a boy: 1 / 0 girls
    c = engine.compute(ENT, parse_period("2023Oct"), ["sex_ratio_at_birth"])
    r = c.result("sex_ratio_at_birth")
    assert (r.numerator, r.denominator, r.value) == (1, 0, None)


def test_missing_population_gives_no_rate(engine: Engine) -> None:
    # no population before 2023-09-30: September 2023 has no opening level
    c = engine.compute(V11, parse_period("2023Q3"), ["birth_rate"])
    assert c.result("birth_rate").value is None
    # the town and its villages have no budget entered for villages
    assert value(engine, V11, "2023Oct", "budget_spent") is None


# --------------------------------------------------------------- annualized, num/den present


def test_annualized_only_for_rates(engine: Engine) -> None:
    c = engine.compute(T1, parse_period("2023OctS1"))
    for r in c.indicators:
        if r.indicator.kind == "rate" and r.value is not None:
            assert r.annualized == pytest.approx(r.value * 365 / 183, rel=REL), r.indicator.id
        else:
            assert r.annualized is None, r.indicator.id
    assert c.result("birth_rate").annualized is not None
    assert c.result("sex_ratio_at_birth").annualized is None
    assert c.result("policy_birth_rate").annualized is None
    assert c.result("births").annualized is None


def test_numerator_and_denominator_present_for_every_ratio(engine: Engine) -> None:
    c = engine.compute(COUNTY, parse_period("2023Oct"))
    for r in c.indicators:
        if r.indicator.is_ratio and r.value is not None:
            assert r.numerator is not None, r.indicator.id
            assert r.denominator is not None, r.indicator.id
            assert r.value == pytest.approx(
                r.numerator * r.indicator.factor / r.denominator, rel=REL
            )
        if not r.indicator.is_ratio:
            assert r.denominator is None, r.indicator.id
    assert c.result("births").numerator == 31


def test_clean_county_has_no_error_findings(engine: Engine) -> None:
    errors = [f for f in engine.check() if f.severity == "error"]
    assert errors == []
