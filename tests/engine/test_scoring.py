"""Assessment methods, scores and ranks, each computed by hand in the test (CONTRACT §5)."""

from __future__ import annotations

import math

import pytest

from tests.factories import dataset, target, tree, values
from zicha.actions.session import workbook_engine
from zicha.domain.assessment import AssessmentItem
from zicha.domain.period import parse_period
from zicha.engine.computation import Engine
from zicha.engine.ranking import rank
from zicha.packs.registry import get_pack

HALF = "2023OctS1"  # 1 Oct 2023 – 31 Mar 2024: 183 days of the 366-day statistical year 2023Oct
ELAPSED = 183 / 366

COUNTY = tree(
    ("C", "县", None, "county"),
    ("T1", "甲乡", "C", "township"),
    ("T2", "乙乡", "C", "township"),
    ("T3", "丙乡", "C", "township"),
    ("T4", "丁乡", "C", "township"),
)


def engine(rows: list[tuple[str, str, str, float]], targets: list, items: list) -> Engine:
    ds = dataset(COUNTY, values=values(*rows), targets=targets, assessment=items)
    return workbook_engine(get_pack(None), ds)


def births_half(org: str, n: float) -> tuple[str, str, str, float]:
    return (org, HALF, "births", n)


def test_all_or_nothing_by_default() -> None:
    e = engine([births_half("T1", 300)], [target("T1", "2023Oct", "births", "<=510", 10)], [])
    r = e.compute("T1", parse_period(HALF)).result("births")
    # projection 300 / (183/366) = 600 > 510: at risk, no points
    assert r.projection == pytest.approx(600.0)
    assert r.status == "at_risk"
    assert r.score == 0.0


def test_deduct_per_excess_unit_on_the_projection() -> None:
    item = AssessmentItem("births", points=10, mode="deduct", step=1, deduct=0.1)
    e = engine([births_half("T1", 260)], [target("T1", "2023Oct", "births", "<=510")], [item])
    r = e.compute("T1", parse_period(HALF)).result("births")
    projection = 260 / ELAPSED  # 520: ten over the cap
    assert r.judged == pytest.approx(projection)
    expected = 10 - math.ceil(projection - 510) * 0.1
    assert r.score == pytest.approx(expected)
    assert r.points == 10


def test_deduct_per_tenth_of_a_point_below_a_floor_never_below_zero() -> None:
    item = AssessmentItem("policy_birth_rate", points=2, mode="deduct", step=0.1, deduct=0.3)
    rows = [("T1", HALF, "births", 100), ("T1", HALF, "births_in_policy", 84)]
    e = engine(rows, [target("T1", "2023Oct", "policy_birth_rate", ">=85")], [item])
    r = e.compute("T1", parse_period(HALF)).result("policy_birth_rate")
    # a ratio is its own projection: 84 % is 1 point (10 tenths) short: 10 × 0.3 = 3 > 2
    assert r.judged == pytest.approx(84.0)
    assert r.score == 0.0
    rows = [("T1", HALF, "births", 1000), ("T1", HALF, "births_in_policy", 847)]
    e = engine(rows, [target("T1", "2023Oct", "policy_birth_rate", ">=85")], [item])
    r = e.compute("T1", parse_period(HALF)).result("policy_birth_rate")
    # 84.7 %: 0.3 short, three tenths: 2 − 0.9
    assert r.score == pytest.approx(2 - 3 * 0.3)


def test_range_misses_by_the_nearer_bound() -> None:
    item = AssessmentItem("sex_ratio_at_birth", points=10, mode="deduct", step=1, deduct=0.5)
    rows = [("T1", HALF, "births_male", 112), ("T1", HALF, "births_female", 100)]
    e = engine(rows, [target("T1", "2023Oct", "sex_ratio_at_birth", "105-107")], [item])
    r = e.compute("T1", parse_period(HALF)).result("sex_ratio_at_birth")
    # 112 is 5 above the upper bound 107 (not 7 above 105): 5 steps of 0.5
    assert r.value == pytest.approx(112.0)
    assert r.score == pytest.approx(10 - 5 * 0.5)
    rows = [("T1", HALF, "births_male", 1032), ("T1", HALF, "births_female", 1000)]
    e = engine(rows, [target("T1", "2023Oct", "sex_ratio_at_birth", "105-107")], [item])
    r = e.compute("T1", parse_period(HALF)).result("sex_ratio_at_birth")
    # 103.2 is 1.8 below 105: two steps (a part of a step counts as one)
    assert r.score == pytest.approx(10 - 2 * 0.5)


def test_pro_rata_on_the_projection_for_a_floor() -> None:
    item = AssessmentItem("budget_spent", points=15, mode="pro_rata")
    e = engine(
        [("T1", HALF, "budget_spent", 10)],
        [target("T1", "2023Oct", "budget_spent", ">=40")],
        [item],
    )
    r = e.compute("T1", parse_period(HALF)).result("budget_spent")
    projection = 10 / ELAPSED
    assert r.score == pytest.approx(15 * projection / 40)
    # a whole year: judged on the value itself, capped at full points
    e = engine(
        [("T1", "2023Oct", "budget_spent", 50)],
        [target("T1", "2023Oct", "budget_spent", ">=40")],
        [item],
    )
    r = e.compute("T1", parse_period("2023Oct")).result("budget_spent")
    assert r.status == "met"
    assert r.score == 15


def test_fixed_deduction_and_weights() -> None:
    items = [
        AssessmentItem("births", points=10, mode="fixed", deduct=2, weight=0.6),
        AssessmentItem("budget_spent", points=10, weight=0.4),
    ]
    e = engine(
        [births_half("T1", 300), ("T1", HALF, "budget_spent", 30)],
        [
            target("T1", "2023Oct", "births", "<=510"),
            target("T1", "2023Oct", "budget_spent", ">=40"),
        ],
        items,
    )
    c = e.compute("T1", parse_period(HALF))
    # births at risk: 10 − 2 = 8, weighted 0.6; spending projected to 30 / (183/366) = 60 ≥ 40:
    # on track, full points, weighted 0.4
    assert c.result("births").score == 8
    assert c.result("budget_spent").status == "on_track"
    assert c.result("budget_spent").score == 10
    assert c.score.total == pytest.approx(0.6 * 8 + 0.4 * 10)
    assert c.score.max == pytest.approx(0.6 * 10 + 0.4 * 10)


def test_split_task_judged_against_its_share_not_time() -> None:
    # 4:3:3 by thirds of the statistical year (Oct–Jan, Feb–May, Jun–Sep): on 31 March the
    # first third (4) is due and 60 of the 121 days of the second (3 × 60 / 121), of 10
    item = AssessmentItem("budget_spent", points=5, split=(4, 3, 3))
    e = engine(
        [("T1", HALF, "budget_spent", 20)],
        [target("T1", "2023Oct", "budget_spent", ">=40")],
        [item],
    )
    r = e.compute("T1", parse_period(HALF)).result("budget_spent")
    feb_to_may = (parse_period("2024-02-01/2024-05-31")).days
    due = (4 + 3 * 60 / feb_to_may) / 10
    assert r.due == pytest.approx(due)
    assert r.elapsed == pytest.approx(ELAPSED)
    # 20 of 40 is 50 %, on time progress (50 %) but behind the share due (≈ 54.9 %)
    assert r.projection == pytest.approx(20 / due)
    assert r.status == "at_risk"


def test_veto_drops_a_high_scorer_below_every_unvetoed_unit() -> None:
    items = [
        AssessmentItem("births", points=10),
        AssessmentItem("out_of_policy_multichild_rate", points=10, veto=True),
        AssessmentItem("budget_spent", points=10),
    ]
    targets = []
    for t in ("T1", "T2", "T3", "T4"):
        targets += [
            target(t, "2023Oct", "births", "<=510"),
            target(t, "2023Oct", "out_of_policy_multichild_rate", "<=4"),
            target(t, "2023Oct", "budget_spent", ">=40"),
        ]
    rows = [
        # T1: every item met but the veto item fails (5 of 100 births: 5 % > 4 %)
        births_half("T1", 100),
        ("T1", HALF, "births_out_policy_order3plus", 5),
        ("T1", HALF, "budget_spent", 30),
        # T2: births and spending on pace, veto item fine: 20 + 10
        births_half("T2", 100),
        ("T2", HALF, "births_out_policy_order3plus", 1),
        ("T2", HALF, "budget_spent", 30),
        # T3: births over pace: 0 + 10 + 10 = 20
        births_half("T3", 300),
        ("T3", HALF, "births_out_policy_order3plus", 1),
        ("T3", HALF, "budget_spent", 30),
        # T4: the same as T3: shares T3's rank
        births_half("T4", 300),
        ("T4", HALF, "births_out_policy_order3plus", 1),
        ("T4", HALF, "budget_spent", 30),
    ]
    e = engine(rows, targets, items)
    ranking = rank(e, "C", parse_period(HALF))
    by_code = {row.org_unit.code: row for row in ranking.rows}
    assert by_code["T1"].total == 20 and by_code["T1"].vetoed
    assert by_code["T2"].total == 30 and not by_code["T2"].vetoed
    assert by_code["T3"].total == by_code["T4"].total == 20
    assert [row.org_unit.code for row in ranking.rows] == ["T2", "T3", "T4", "T1"]
    assert [row.rank for row in ranking.rows] == [1, 2, 2, 4]


def test_targets_passed_down_must_add_up() -> None:
    targets = [
        target("C", "2023Oct", "births", "<=1000"),
        target("T1", "2023Oct", "births", "<=400"),
        target("T2", "2023Oct", "births", "<=400"),
        target("T3", "2023Oct", "births", "<=300"),
        target("C", "2023Oct", "budget_spent", ">=100"),
        target("T1", "2023Oct", "budget_spent", ">=30"),
    ]
    e = engine([births_half("T1", 10)], targets, [])
    found = [f for f in e.check() if f.rule == "targets_passed_down"]
    messages = " ".join(f.message for f in found)
    assert len(found) == 2
    assert "1100" in messages and "超过" in messages  # 400 + 400 + 300 > 1000
    assert "30" in messages and "少于" in messages


def test_comparisons_with_the_year_before_and_the_period_before() -> None:
    rows = [
        births_half("T1", 233),
        ("T1", "2022OctS1", "births", 221),
        ("T1", "2022OctS2", "births", 200),
    ]
    e = engine(rows, [], [])
    r = e.compute("T1", parse_period(HALF)).result("births")
    assert r.previous_year is not None and r.previous_period is not None
    assert r.previous_year.period.id == "2022OctS1"
    assert r.previous_year.change == 12
    assert r.previous_year.change_pct == pytest.approx(12 / 221)
    assert r.previous_period.period.id == "2022OctS2"
    assert r.previous_period.change == 33


def test_checklist_items_scored_by_the_assessment_sheet() -> None:
    from zicha.domain.checklist import ChecklistItem

    half = parse_period(HALF)
    items = [
        ChecklistItem("T1", half, "签订目标责任书", result="达标", points=1),
        ChecklistItem("T1", half, "印发工作方案", result="未达标", problem="未印发", action="印发"),
        ChecklistItem("T2", half, "印发工作方案", result="推进中"),
    ]
    methods = [
        AssessmentItem("印发工作方案", points=2, mode="fixed", deduct=0.5),
        AssessmentItem("签订目标责任书", points=3, veto=True),
    ]
    ds = dataset(COUNTY, values=values(births_half("T1", 1)), assessment=methods, checklist=items)
    e = workbook_engine(get_pack(None), ds)
    c = e.compute("T1", half)
    # 签订目标责任书 达标: 3 (the method's points win over the row's 1); 印发工作方案 未达标:
    # fixed deduction 2 − 0.5
    assert c.score.total == pytest.approx(3 + 1.5)
    assert c.score.max == pytest.approx(3 + 2)
    assert not c.score.vetoed
    items[0] = ChecklistItem("T1", half, "签订目标责任书", result="未启动", points=1)
    ds = dataset(COUNTY, values=values(births_half("T1", 1)), assessment=methods, checklist=items)
    c = workbook_engine(get_pack(None), ds).compute("T1", half)
    assert c.score.vetoed  # a veto item not started
