"""The checklist in the engine: which items count, how they add up, what is pointed out."""

from __future__ import annotations

from datetime import date

from zicha.domain.assessment import AssessmentItem
from zicha.domain.period import parse_period
from zicha.engine.checklist import item_findings

from .helpers import engine, item

HALF = parse_period("2025S1")  # 2025-01-01 … 2025-06-30


def test_counts_of_a_unit() -> None:
    e = engine(
        item("510001", "2025S1", "成立领导组", 2),
        item("510001", "2025S1", "印发方案", 3),
        item(
            "510001",
            "2025S1",
            "灭火器",
            4,
            result="未达标",
            problem="过期",
            action="更换",
            deadline="2025-05-31",
            closed=True,
            closed_on="2025-05-20",
        ),
        item("510001", "2025S1", "建站", 5, result="推进中", problem="设计阶段"),
        item("510001", "2025S1", "培训", 6, result="未启动"),
    )
    s = e.compute("510001", HALF).checklist
    assert s is not None
    assert (s.items, s.compliant, s.problems, s.closed, s.overdue) == (5, 2, 3, 1, 0)
    assert (s.in_progress, s.not_started) == (1, 1)
    assert s.rectification_rate == 1 / 3
    assert [r.row for r in s.rows] == [2, 3, 4, 5, 6]


def test_a_township_sees_its_villages_items_and_not_its_neighbours() -> None:
    e = engine(
        item("510001", "2025S1", "乡本级", 2),
        item("51000101", "2025S1", "甲村", 3),
        item("51000102", "2025S1", "乙村", 4, result="未达标", problem="p", action="a"),
        item("510002", "2025S1", "邻镇", 5),
    )
    township = e.compute("510001", HALF).checklist
    assert township is not None
    assert [r.item for r in township.rows] == ["乡本级", "甲村", "乙村"]
    village = e.compute("51000101", HALF).checklist
    assert village is not None and [r.item for r in village.rows] == ["甲村"]
    county = e.compute("510000", HALF).checklist
    assert county is not None and county.items == 4 and county.problems == 1


def test_items_whose_period_overlaps_the_period_asked() -> None:
    e = engine(
        item("510001", "2025", "全年事项", 2),
        item("510001", "2025S1", "上半年事项", 3),
        item("510001", "2025S2", "下半年事项", 4),
        item("510001", "2024", "去年事项", 5),
    )
    first = e.compute("510001", HALF).checklist
    assert first is not None and [r.item for r in first.rows] == ["全年事项", "上半年事项"]
    year = e.compute("510001", parse_period("2025")).checklist
    assert year is not None and year.items == 3


def test_overdue_is_judged_on_the_last_day_of_the_period() -> None:
    on_the_day = item(
        "510001",
        "2025S1",
        "当天到期",
        2,
        result="未达标",
        problem="p",
        action="a",
        deadline="2025-06-30",
    )
    day_before = item(
        "510001",
        "2025S1",
        "前一天到期",
        3,
        result="未达标",
        problem="p",
        action="a",
        deadline="2025-06-29",
    )
    s = engine(on_the_day, day_before).compute("510001", HALF).checklist
    assert s is not None
    assert [s.is_overdue(r) for r in s.rows] == [False, True]
    assert s.overdue == 1
    # the same items asked for the first quarter: neither deadline has passed yet
    q1 = engine(on_the_day, day_before).compute("510001", parse_period("2025Q1"))
    assert q1.checklist is not None and q1.checklist.overdue == 0


def test_overdue_is_a_warning_naming_the_row() -> None:
    c = engine(
        item(
            "510001",
            "2025S1",
            "报警系统每月测试",
            7,
            result="未达标",
            problem="未测试",
            action="补测",
            deadline="2025-06-01",
        )
    ).compute("510001", HALF)
    (f,) = [f for f in c.findings if f.rule == "checklist_overdue"]
    assert f.severity == "warning"
    assert "第 7 行" in f.message and "报警系统每月测试" in f.message
    assert (f.org_unit, f.period) == ("510001", "2025S1")


def test_a_problem_closed_after_its_deadline_is_closed_but_late() -> None:
    late = item(
        "510001",
        "2025S1",
        "疏散通道",
        5,
        result="未达标",
        problem="堆放杂物",
        action="清理",
        deadline="2025-03-31",
        closed=True,
        closed_on="2025-04-15",
    )
    c = engine(late).compute("510001", HALF)
    s = c.checklist
    assert s is not None and (s.closed, s.overdue, s.rectification_rate) == (1, 0, 1.0)
    (f,) = c.findings
    assert (f.rule, f.severity) == ("checklist_closed_late", "warning")
    assert "逾期整改" in f.message and "15天" in f.message


def test_closed_without_a_date_and_a_date_without_closed_are_warnings() -> None:
    at = date(2025, 6, 30)
    undated = item(
        "510001", "2025S1", "x", 2, result="未达标", problem="p", action="a", closed=True
    )
    assert [f.rule for f in item_findings(undated, at)] == ["checklist_closed_without_date"]
    denied = item(
        "510001",
        "2025S1",
        "y",
        3,
        result="未达标",
        problem="p",
        action="a",
        closed=False,
        closed_on="2025-05-01",
    )
    assert [f.rule for f in item_findings(denied, at)] == ["checklist_closed_date_conflict"]


def test_not_compliant_without_problem_or_action_is_an_error() -> None:
    c = engine(
        item("510001", "2025S1", "消防通道", 4, result="未达标", problem="堵塞"),
        item("510001", "2025S1", "应急照明", 5, result="未达标"),
        item("510001", "2025S1", "推进中的事项", 6, result="推进中"),
    ).compute("510001", HALF)
    errors = [f for f in c.findings if f.severity == "error"]
    assert [f.rule for f in errors] == ["checklist_incomplete", "checklist_incomplete"]
    assert "第 4 行" in errors[0].message and "整改措施" in errors[0].message
    assert "发现问题和整改措施" in errors[1].message


def test_points_of_compliant_scored_items_join_the_score() -> None:
    c = engine(
        item("510001", "2025S1", "a", 2, points=10),
        item("510001", "2025S1", "b", 3, result="未达标", problem="p", action="x", points=5),
        item("510001", "2025S1", "c", 4),  # no points: not scored
    ).compute("510001", HALF)
    s = c.checklist
    assert s is not None and (s.score, s.max) == (10.0, 15.0)
    assert (c.score.total, c.score.max) == (10.0, 15.0)


def test_no_points_anywhere_leaves_the_score_alone() -> None:
    c = engine(item("510001", "2025S1", "a", 2)).compute("510001", HALF)
    assert c.checklist is not None and (c.checklist.score, c.checklist.max) == (None, None)
    assert (c.score.total, c.score.max) == (None, None)  # nothing to score is not 0 of 0


def test_items_the_assessment_sheet_names_are_scored_there() -> None:
    c = engine(
        item("510001", "2025S1", "a", 2, points=10),
        item("510001", "2025S1", "b", 3, points=5),
        assessment=(AssessmentItem("b", points=8),),
    ).compute("510001", HALF)
    assert c.checklist is not None and (c.checklist.score, c.checklist.max) == (10.0, 10.0)


def test_rectification_rate_without_problems_is_none() -> None:
    s = engine(item("510001", "2025S1", "a", 2)).compute("510001", HALF).checklist
    assert s is not None and s.problems == 0 and s.rectification_rate is None


def test_a_workbook_without_checklist_has_none() -> None:
    assert engine().compute("510001", HALF).checklist is None


def test_a_unit_without_items_has_an_empty_summary() -> None:
    s = engine(item("510002", "2025S1", "a", 2)).compute("510001", HALF).checklist
    assert s is not None and s.items == 0


def test_check_judges_each_item_on_its_own_period() -> None:
    e = engine(
        item(
            "510001",
            "2025",
            "全年",
            2,
            result="未达标",
            problem="p",
            action="a",
            deadline="2025-09-30",
        ),
        item("510001", "2025S1", "上半年", 3, result="未达标"),
    )
    rules = sorted(f.rule for f in e.check())
    assert rules == ["checklist_incomplete", "checklist_overdue"]
