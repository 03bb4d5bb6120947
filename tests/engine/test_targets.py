"""Targets against time progress ("时间过半、任务过半"), worked out by hand.

Figures are entered as data values (no registers) so that counts near a cap of 510 stay short to
write. The statistical year 2023Oct has 366 days; its first half 2023OctS1 has 183.
"""

from __future__ import annotations

import pytest

from tests.factories import dataset, target, tree, values
from zicha.actions.session import workbook_engine
from zicha.domain.period import parse_period
from zicha.domain.result import Computation
from zicha.engine.computation import Engine
from zicha.packs.registry import get_pack

REL = 1e-12
HALF = 183 / 366  # 2023OctS1 within 2023Oct

ORGS = tree(
    ("A", "测试乡", None, "township"),
    ("B", "甲村", "A", "village"),
    ("C", "乙村", "A", "village"),
    ("D", "丙村", "A", "village"),
    ("E", "丁村", "A", "village"),
    ("F", "戊村", "A", "village"),
)

MONTHS_S1 = ("202310", "202311", "202312", "202401", "202402", "202403")


def monthly(
    org: str, element: str, figures: tuple[float, ...]
) -> list[tuple[str, str, str, float]]:
    return [(org, m, element, v) for m, v in zip(MONTHS_S1, figures, strict=True)]


B_BIRTHS = (40, 45, 42, 43, 40, 45)  # 255 in 2023OctS1, 128 in 2023OctQ2
C_BIRTHS = (40, 45, 42, 43, 41, 45)  # 256 in 2023OctS1, 129 in 2023OctQ2
D_BIRTHS = (100, 100, 100, 100, 100, 20)  # 520: the cap of 510 is already exceeded

DATA = values(
    *monthly("B", "births", B_BIRTHS),
    ("B", "2023OctS2", "births", 245),  # whole year 500
    ("B", "2023OctQ1", "births_in_policy", 100),
    ("B", "2023OctQ2", "births_in_policy", 117),
    ("B", "2023OctS1", "births_male", 131),
    ("B", "2023OctS1", "births_female", 124),
    ("B", "2023OctS1", "deaths", 205),
    ("B", "202309", "population", 20000),
    ("B", "202403", "population", 20050),
    ("B", "2023OctQ1", "budget_spent", 8),
    ("B", "2023OctQ2", "budget_spent", 7),
    *monthly("C", "births", C_BIRTHS),
    ("C", "2023OctS2", "births", 259),  # whole year 515
    ("C", "2023OctQ1", "births_in_policy", 100),
    ("C", "2023OctQ2", "births_in_policy", 117),
    ("C", "2023OctS1", "births_male", 140),
    ("C", "2023OctS1", "births_female", 116),
    ("C", "2023OctS1", "deaths", 200),
    ("C", "202309", "population", 20000),
    ("C", "202403", "population", 20050),
    ("C", "2023OctQ1", "budget_spent", 7),
    ("C", "2023OctQ2", "budget_spent", 7),
    *monthly("D", "births", D_BIRTHS),
    ("D", "2023OctQ1", "budget_spent", 31),
    *monthly("F", "births", B_BIRTHS),
    ("E", "202403", "population", 900),
)

COMMON = ("2023Oct", "births", "<=510"), ("2023Oct", "budget_spent", ">=30")

TARGETS = [
    *[target(org, p, ind, b) for org in ("B", "C") for p, ind, b in COMMON],
    *[
        target(org, "2023Oct", ind, b)
        for org in ("B", "C")
        for ind, b in (
            ("policy_birth_rate", ">=85"),
            ("natural_growth_rate", "<=5"),
            ("sex_ratio_at_birth", "105-107"),
        )
    ],
    target("B", "2023Oct", "deaths", "<=400"),  # no points anywhere: unscored
    target("C", "2023Oct", "deaths", "<=400", points=3),
    *[target("D", p, ind, b) for p, ind, b in COMMON],
    target("E", "2023Oct", "births", "<=510"),
    target("E", "2023Oct", "long_acting_rate", ">=80"),
    target("F", "2023Oct", "births", "<=510"),
    target("F", "2023OctS1", "births", "<=240"),
]


@pytest.fixture(scope="module")
def engine() -> Engine:
    return workbook_engine(get_pack(None), dataset(ORGS, values=DATA, targets=TARGETS))


def compute(engine: Engine, org: str, period: str) -> Computation:
    return engine.compute(org, parse_period(period))


# ------------------------------------------------------------------------------- counts


def test_births_cap_on_the_line_is_on_track(engine: Engine) -> None:
    r = compute(engine, "B", "2023OctS1").result("births")
    to_date = 40 + 45 + 42 + 43 + 40 + 45
    assert r.value == to_date == 255
    assert r.to_date == to_date
    assert r.target is not None and r.target.period.id == "2023Oct"
    assert r.elapsed == pytest.approx(183 / 366, rel=REL)
    assert r.projection == pytest.approx(to_date / (183 / 366), rel=REL)
    assert r.projection == pytest.approx(510, rel=REL)
    assert r.status == "on_track"
    assert r.points == 10  # the pack's points for births
    assert r.score == 10
    assert r.completion == pytest.approx(255 / 510, rel=REL)


def test_births_cap_just_over_the_line_is_at_risk(engine: Engine) -> None:
    r = compute(engine, "C", "2023OctS1").result("births")
    to_date = 40 + 45 + 42 + 43 + 41 + 45
    assert r.to_date == to_date == 256
    assert r.projection == pytest.approx(256 / (183 / 366), rel=REL)  # 512 > 510
    assert r.status == "at_risk"
    assert r.score == 0


def test_cap_already_exceeded_mid_year_is_not_met(engine: Engine) -> None:
    c = compute(engine, "D", "2023OctS1")
    r = c.result("births")
    assert r.to_date == 100 * 5 + 20  # 520 > 510 with half the year to go
    assert r.elapsed == pytest.approx(HALF, rel=REL)
    assert r.status == "not_met"
    assert r.score == 0
    assert r.projection == pytest.approx(520 / HALF, rel=REL)
    # after the first quarter (300 births, 92 of 366 days) the cap is not yet exceeded
    q1 = compute(engine, "D", "2023OctQ1").result("births")
    assert q1.to_date == 300
    assert q1.elapsed == pytest.approx(92 / 366, rel=REL)
    assert q1.projection == pytest.approx(300 / (92 / 366), rel=REL)
    assert q1.status == "at_risk"


def test_floor_already_reached_mid_year_is_met(engine: Engine) -> None:
    # 丙村 spent 31 (万元) in the first quarter against a floor of 30 for the year
    q1 = compute(engine, "D", "2023OctQ1").result("budget_spent")
    assert q1.to_date == 31
    assert q1.status == "met"
    assert q1.score == 5
    s1 = compute(engine, "D", "2023OctS1").result("budget_spent")
    assert s1.status == "met"


def test_floor_by_pace(engine: Engine) -> None:
    b = compute(engine, "B", "2023OctS1").result("budget_spent")
    assert b.to_date == 8 + 7
    assert b.projection == pytest.approx((8 + 7) / (183 / 366), rel=REL)  # 30: on the floor
    assert b.status == "on_track"
    c = compute(engine, "C", "2023OctS1").result("budget_spent")
    assert c.projection == pytest.approx((7 + 7) / (183 / 366), rel=REL)  # 28 < 30
    assert c.status == "at_risk"
    assert c.score == 0


# ------------------------------------------------------------------------- ratios and rates


def test_ratio_judged_on_to_date_directly(engine: Engine) -> None:
    b = compute(engine, "B", "2023OctS1").result("policy_birth_rate")
    expected = (100 + 117) / 255 * 100  # 85.1 %
    assert b.value == pytest.approx(expected, rel=REL)
    assert b.to_date == pytest.approx(expected, rel=REL)
    assert b.projection == pytest.approx(expected, rel=REL)  # a ratio is its own projection
    assert b.status == "on_track"
    assert b.score == 15
    c = compute(engine, "C", "2023OctS1").result("policy_birth_rate")
    assert c.to_date == pytest.approx((100 + 117) / 256 * 100, rel=REL)  # 84.8 %
    assert c.status == "at_risk"


def test_ratio_in_a_quarter_judged_on_the_year_to_date(engine: Engine) -> None:
    # 乙村 2023OctQ2: the quarter alone conforms 117 / 129 = 90.7 %, but since 1 October only
    # 217 / 256 = 84.8 %: judged on the latter
    r = compute(engine, "C", "2023OctQ2").result("policy_birth_rate")
    assert r.value == pytest.approx(117 / (43 + 41 + 45) * 100, rel=REL)
    assert r.to_date == pytest.approx((100 + 117) / 256 * 100, rel=REL)
    assert r.projection == pytest.approx(r.to_date, rel=REL)
    assert r.status == "at_risk"


def test_per_period_rate_judged_on_its_projection(engine: Engine) -> None:
    avg = (20000 + 20050) / 2
    b = compute(engine, "B", "2023OctS1").result("natural_growth_rate")
    b_to_date = (255 - 205) / avg * 1000  # 2.497 ‰
    assert b.to_date == pytest.approx(b_to_date, rel=REL)
    assert b.projection == pytest.approx(b_to_date / (183 / 366), rel=REL)  # 4.994 ‰ ≤ 5
    assert b.status == "on_track"
    assert b.annualized == pytest.approx(b_to_date * 365 / 183, rel=REL)
    c = compute(engine, "C", "2023OctS1").result("natural_growth_rate")
    c_to_date = (256 - 200) / avg * 1000  # 2.797 ‰: under 5 on its own,
    assert c.to_date == pytest.approx(c_to_date, rel=REL)
    assert c.projection == pytest.approx(c_to_date / (183 / 366), rel=REL)  # but 5.593 ‰ projected
    assert c.status == "at_risk"


def test_range_target(engine: Engine) -> None:
    b = compute(engine, "B", "2023OctS1").result("sex_ratio_at_birth")
    assert b.value == pytest.approx(131 / 124 * 100, rel=REL)  # 105.6
    assert b.target is not None and b.target.bound.op == "range"
    assert (b.target.bound.low, b.target.bound.high) == (105, 107)
    assert b.status == "on_track"
    c = compute(engine, "C", "2023OctS1").result("sex_ratio_at_birth")
    assert c.value == pytest.approx(140 / 116 * 100, rel=REL)  # 120.7
    assert c.status == "at_risk"
    # on the target's own period a range is met or not met
    assert compute(engine, "B", "2023Oct").result("sex_ratio_at_birth").status == "met"
    assert compute(engine, "C", "2023Oct").result("sex_ratio_at_birth").status == "not_met"


# --------------------------------------------------------------------- the target's own period


def test_target_on_its_own_period_is_met_or_not_met(engine: Engine) -> None:
    b = compute(engine, "B", "2023Oct").result("births")
    assert b.value == 255 + 245
    assert b.to_date == b.value
    assert b.elapsed == 1.0
    assert b.projection == pytest.approx(500, rel=REL)
    assert b.status == "met"
    assert b.score == 10
    c = compute(engine, "C", "2023Oct").result("births")
    assert c.value == 256 + 259  # 515 > 510
    assert c.status == "not_met"
    assert c.score == 0


def test_shortest_enclosing_target_applies(engine: Engine) -> None:
    # 戊村 has a cap of 510 for 2023Oct and of 240 for 2023OctS1
    s1 = compute(engine, "F", "2023OctS1").result("births")
    assert s1.target is not None and s1.target.period.id == "2023OctS1"
    assert s1.target.bound.value == 240
    assert s1.elapsed == 1.0
    assert s1.status == "not_met"  # 255 > 240
    q1 = compute(engine, "F", "2023OctQ1").result("births")
    assert q1.target is not None and q1.target.period.id == "2023OctS1"
    assert q1.elapsed == pytest.approx(92 / 183, rel=REL)
    assert q1.to_date == 40 + 45 + 42
    assert q1.projection == pytest.approx((40 + 45 + 42) / (92 / 183), rel=REL)  # 252.6 > 240
    assert q1.status == "at_risk"  # against 2023Oct it would be 505 ≤ 510: on track
    s2 = compute(engine, "F", "2023OctS2").result("births")
    assert s2.target is not None and s2.target.period.id == "2023Oct"


def test_to_date_of_a_quarter_runs_from_the_target_period_start(engine: Engine) -> None:
    r = compute(engine, "B", "2023OctQ2").result("births")
    assert r.value == 43 + 40 + 45  # January to March only
    assert r.to_date == 40 + 45 + 42 + 43 + 40 + 45  # 1 October to 31 March
    assert r.to_date_period is not None
    assert r.to_date_period.id == "2023-10-01/2024-03-31"
    assert r.elapsed == pytest.approx(183 / 366, rel=REL)
    assert r.projection == pytest.approx(255 / (183 / 366), rel=REL)
    assert r.status == "on_track"


def test_calendar_quarter_inside_the_statistical_year(engine: Engine) -> None:
    # 2024Q1 is the same three months as 2023OctQ2: year to date still from 1 October
    r = compute(engine, "B", "2024Q1").result("births")
    assert r.target is not None and r.target.period.id == "2023Oct"
    assert r.value == 43 + 40 + 45
    assert r.to_date == 40 + 45 + 42 + 43 + 40 + 45
    assert r.to_date_period is not None
    assert r.to_date_period.id == "2023-10-01/2024-03-31"
    assert r.elapsed == pytest.approx((31 + 30 + 31 + 31 + 29 + 31) / 366, rel=REL)
    assert r.status == "on_track"


def test_to_date_equals_value_when_the_period_starts_with_the_target(engine: Engine) -> None:
    r = compute(engine, "B", "2023OctQ1").result("births")
    assert r.to_date == r.value == 40 + 45 + 42
    assert r.to_date_period is not None and r.to_date_period.id == "2023OctQ1"


# ------------------------------------------------------------------------- no data, no target


def test_no_data_when_the_value_is_missing(engine: Engine) -> None:
    c = compute(engine, "E", "2023OctS1")
    births = c.result("births")
    assert births.value is None
    assert births.to_date is None
    assert births.projection is None
    assert births.status == "no_data"  # never judged as 0 births (which would be on track)
    assert births.score == 0
    assert births.points == 10
    rate = c.result("long_acting_rate")
    assert rate.value is None
    assert rate.status == "no_data"
    # sex ratio of 甲村 in 2023OctQ2: male/female births were entered for the half-year only
    sr = compute(engine, "B", "2023OctQ2").result("sex_ratio_at_birth")
    assert sr.value is None
    assert sr.status == "no_data"


def test_no_target(engine: Engine) -> None:
    r = compute(engine, "B", "2023OctS1").result("birth_rate")
    assert r.value == pytest.approx(255 / ((20000 + 20050) / 2) * 1000, rel=REL)
    assert r.target is None
    assert r.status == "no_target"
    assert r.score is None
    assert r.points is None
    assert r.to_date is None and r.projection is None and r.elapsed is None
    # the villages' targets do not apply to their township
    a = compute(engine, "A", "2023OctS1").result("births")
    assert a.value == 255 + 256 + 520 + 255
    assert a.target is None
    assert a.status == "no_target"


# ------------------------------------------------------------------------------------- score


def test_score_all_or_nothing(engine: Engine) -> None:
    b = compute(engine, "B", "2023OctS1")
    # births 10, budget 5, conforming rate 15, natural growth 10, sex ratio 10: all on track;
    # deaths has a target but no points: not scored
    assert b.result("deaths").points is None and b.result("deaths").score is None
    assert (b.score.total, b.score.max) == (10 + 5 + 15 + 10 + 10, 10 + 5 + 15 + 10 + 10)
    assert b.score.vetoed is False
    c = compute(engine, "C", "2023OctS1")
    # every item at risk except deaths: 200 projected to 400 ≤ 400 with 3 points from the target
    assert c.result("deaths").status == "on_track"
    assert c.result("deaths").score == 3
    assert (c.score.total, c.score.max) == (3, 10 + 5 + 15 + 10 + 10 + 3)
    d = compute(engine, "D", "2023OctS1")
    assert (d.score.total, d.score.max) == (0 + 5, 10 + 5)  # births not met, budget met
    e = compute(engine, "E", "2023OctS1")
    assert (e.score.total, e.score.max) == (0, 10 + 10)  # no data scores nothing
    a = compute(engine, "A", "2023OctS1")
    assert (a.score.total, a.score.max) == (None, None)  # no targets at the township: nothing
