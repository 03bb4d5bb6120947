"""The checklist in the report: sentences from the pack's words, problems, the ledger."""

from __future__ import annotations

from typing import Any

from zicha.domain.pack import Pack
from zicha.domain.period import parse_period
from zicha.reports.checklist_view import (
    checklist_attachments,
    checklist_blocks,
    checklist_sections,
    problem_blocks,
)
from zicha.reports.document import Paragraph, Placeholder, Table
from zicha.reports.self_inspection import ReportContext, build_report

from .helpers import TREE, engine, item

HALF = parse_period("2025S1")


def pack(**report: Any) -> Pack:
    return Pack("checks-only", "只有检查事项", report=report)


def texts(blocks: list[Any]) -> list[str]:
    return [b.text for b in blocks]


ITEMS = (
    item("510001", "2025S1", "成立领导组", 2),
    item("510001", "2025S1", "已建立值班制度", 3),
    item("510001", "2025S1", "服务站建设", 4, result="推进中", problem="目前处于图纸设计阶段"),
    item("51000101", "2025S1", "签订责任书", 5),
    item("51000102", "2025S1", "签订责任书", 6),
)


def test_one_clause_per_item_in_sheet_order() -> None:
    c = engine(*ITEMS).compute("510001", HALF)
    blocks = checklist_blocks(
        c.checklist, pack(), "510001", TREE, {"items": ["成立", "已建立", "服务站"]}
    )
    assert texts(blocks) == [
        "已成立领导组；已建立值班制度；服务站建设正在推进，目前处于图纸设计阶段。"
    ]


def test_the_same_item_of_several_units_below_is_said_once() -> None:
    c = engine(*ITEMS).compute("510001", HALF)
    blocks = checklist_blocks(c.checklist, pack(), "510001", TREE, {"items": ["签订"]})
    assert texts(blocks) == ["甲村、乙村已签订责任书。"]


def test_a_section_without_items_lists_all_and_opens_with_the_summary() -> None:
    c = engine(*ITEMS).compute("510001", HALF)
    (summary, body) = checklist_blocks(c.checklist, pack(), "510001", TREE, {})
    assert summary.text == "共自查5项，达标4项，发现问题1个，已整改0个，整改率0%。"
    assert body.text.startswith("已成立领导组；")


def test_the_pack_words_and_a_group_of_compliant_items() -> None:
    words = {
        "done_group": "经检查，{items}，以上{n}项符合要求。",
        "others": "存在不足{n}项：{clauses}。",
        "joiner": "、",
        "in_progress": "“{item}”（尚在落实中）",
    }
    c = engine(*ITEMS[:3]).compute("510001", HALF)
    blocks = checklist_blocks(c.checklist, pack(checklist_words=words), "510001", TREE, {})
    assert texts(blocks)[1:] == [
        "经检查，成立领导组；已建立值班制度，以上2项符合要求。",
        "存在不足1项：“服务站建设”（尚在落实中）。",
    ]


def test_no_checklist_is_a_placeholder() -> None:
    blocks = checklist_blocks(None, pack(), "510001", TREE, {})
    assert isinstance(blocks[0], Placeholder)


def test_problems_with_action_owner_deadline_and_status() -> None:
    c = engine(
        item(
            "510001",
            "2025S1",
            "a",
            2,
            result="未达标",
            problem="灭火器过期。",
            action="更换",
            owner="总务科",
            deadline="2025-05-31",
            closed=True,
            closed_on="2025-06-10",
        ),
        item(
            "510001",
            "2025S1",
            "b",
            3,
            result="未达标",
            problem="通道堵塞",
            action="清理",
            deadline="2025-04-30",
        ),
        item("510001", "2025S1", "报警测试", 4, result="未启动"),
        item("510001", "2025S1", "c", 5),
    ).compute("510001", HALF)
    assert texts(problem_blocks(c.checklist, pack(), "510001", TREE, {})) == [
        "1. 灭火器过期。整改措施：更换。由总务科负责，限2025年5月31日前完成。"
        "已于2025年6月10日整改完毕，超过整改时限10天。",
        "2. 通道堵塞。整改措施：清理。限2025年4月30日前完成。已超过整改时限，尚未整改到位。",
        "3. 报警测试尚未启动。",
    ]


def test_no_problem_says_so() -> None:
    c = engine(item("510001", "2025S1", "a", 2)).compute("510001", HALF)
    (block,) = problem_blocks(c.checklist, pack(), "510001", TREE, {})
    assert isinstance(block, Paragraph) and "未发现" in block.text


def test_the_ledger_marks_overdue_bad_and_closed_good() -> None:
    c = engine(
        item(
            "510001",
            "2025S1",
            "a",
            2,
            result="未达标",
            problem="p1",
            action="x",
            deadline="2025-06-30",
            closed=True,
            closed_on="2025-06-01",
        ),
        item(
            "510001",
            "2025S1",
            "b",
            3,
            result="未达标",
            problem="p2",
            action="y",
            deadline="2025-04-30",
        ),
        item("510001", "2025S1", "c", 4),
    ).compute("510001", HALF)
    (attachment,) = checklist_attachments(pack(), c, TREE)
    (table,) = attachment.blocks
    assert isinstance(table, Table)
    assert [r[1] for r in table.rows] == ["a", "b"]  # the problems only
    assert table.rows[0][-1] == "已整改\n2025-06-01" and table.rows[1][-1] == "逾期未整改"
    assert table.marks is not None and [m[-1] for m in table.marks] == ["good", "bad"]


def test_build_report_places_each_section_body_by_heading() -> None:
    sections = [
        {"heading": "创建工作", "content": "checklist", "items": ["成立"]},
        {"heading": "责任书", "content": "checklist", "items": ["签订"]},
        {"heading": "存在问题及整改措施", "content": "problems"},
    ]
    p = pack(sections=sections)
    c = engine(*ITEMS).compute("510001", HALF)
    ctx = ReportContext(
        pack=p,
        computation=c,
        meta={},
        extra_sections=checklist_sections(p, c, TREE),
        attachments=checklist_attachments(p, c, TREE),
    )
    doc = build_report(ctx)
    shown = [getattr(b, "text", "") for b in doc.blocks]
    assert shown[1:7] == [
        "一、创建工作",
        "已成立领导组。",
        "二、责任书",
        "甲村、乙村已签订责任书。",
        "三、存在问题及整改措施",
        "1. 目前处于图纸设计阶段。",  # the pack's `problem` words may add the item
    ]
    assert [a.title for a in doc.attachments] == ["XX乡2025年上半年自查问题整改台账"]
