"""The checklist items (检查事项) in the report: sentences for the items a pack's section names,
the problems with their rectification, a summary sentence, and the rectification ledger (整改台账)
as an attachment; and the `checklist` part of `compute --json` (CONTRACT §6).

A pack places them with `[[report.sections]]` entries of `content = "checklist"` (the items, in
sentences) and `content = "problems"` (存在问题及整改措施). An entry may list `items` (item texts
or their beginnings; none: every item), give its own `sentence` (with `{clauses}`), and ask for
the summary sentence with `summary = true` (the default when it lists no items). Every phrase
comes from `[report.checklist_words]`; the defaults below are plain and neutral.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from zicha.domain.checklist import ChecklistItem, ChecklistSummary
from zicha.domain.numbers import fmt_trim
from zicha.domain.orgunit import OrgTree
from zicha.domain.pack import Pack
from zicha.domain.result import Computation
from zicha.reports.document import (
    Attachment,
    Block,
    Mark,
    Paragraph,
    Placeholder,
    Table,
    format_date_cn,
)
from zicha.reports.wording import fill, pack_words

CONTENTS = ("checklist", "problems")

#: every phrase, overridable by the pack's `[report.checklist_words]`
DEFAULT_WORDS: dict[str, str] = {
    # one clause per item, by result; {detail} is `detail` filled when a problem is written
    "done": "已{item}",
    "not_met": "{item}未达到要求{detail}",
    "in_progress": "{item}正在推进{detail}",
    "not_started": "{item}尚未启动{detail}",
    "detail": "，{problem}",
    # the clauses of a section, joined with `joiner`; a section may give its own `sentence`
    "sentence": "{clauses}。",
    "joiner": "；",
    # when set, the compliant items of a section are listed together in this sentence and
    # the others follow in `others`
    "done_group": "",
    "others": "{clauses}。",
    # items of several units below the report's unit, said once
    "units": "{names}等{n}个单位",
    "summary": "共自查{items}项，达标{compliant}项，发现问题{problems}个，已整改{closed}个，"
    "整改率{rate}。",
    "summary_no_problems": "共自查{items}项，全部达标，未发现问题。",
    "empty": "请在「检查事项」表中填写本期的检查事项",
    # the problems section: the problem, then each of action, owner and deadline, and the
    # status, as sentences (owner and deadline share one)
    "problem": "{problem}",
    "problem_not_met": "{item}未达到要求",
    "problem_in_progress": "{item}尚在推进中",
    "problem_not_started": "{item}尚未启动",
    "action": "整改措施：{action}",
    "owner": "由{owner}负责",
    "deadline": "限{deadline}前完成",
    "status_closed": "已于{closed_on}整改完毕",
    "status_closed_undated": "已整改完毕",
    "status_closed_late": "已于{closed_on}整改完毕，超过整改时限{days}天",
    "status_overdue": "已超过整改时限，尚未整改到位",
    "status_open": "正在整改",
    "status_in_progress": "",
    "status_not_started": "",
    "no_problems": "经自查，未发现需要整改的问题。",
    # the ledger
    "ledger_title": "{org}{period}自查问题整改台账",
}

#: the ledger's status column
LEDGER_STATUS = {
    "compliant": "达标",
    "closed": "已整改",
    "closed_late": "逾期整改",
    "overdue": "逾期未整改",
    "open": "整改中",
    "推进中": "推进中",
    "未启动": "未启动",
}
LEDGER_MARKS: dict[str, Mark] = {"closed": "good", "closed_late": "warn", "overdue": "bad"}

_RESULT_KEYS = {
    "达标": "done",
    "未达标": "not_met",
    "推进中": "in_progress",
    "未启动": "not_started",
}
_END = "。；;，,.、 "


def words(pack: Pack) -> dict[str, str]:
    """The pack's checklist phrases over the defaults."""
    return pack_words(pack.report.get("checklist_words"), DEFAULT_WORDS)


def _trim(text: str) -> str:
    """A clerk's phrase without its closing punctuation, to be set inside a sentence."""
    return text.strip().rstrip(_END)


def _cn(d: date | None) -> str:
    return format_date_cn(d) if d is not None else ""


def _fill_item(template: str, values: Mapping[str, str]) -> str:
    """Fill a template; when the item text already starts with what the template puts before
    it ("已" before "已建立…"), that part is not said twice."""
    if "{item}" in template:
        before = template.split("{item}", 1)[0]
        if before and values.get("item", "").startswith(before):
            template = template.replace(before + "{item}", "{item}", 1)
    return fill(template, values)


# ---------------------------------------------------------------------------------------------
# which items a section shows


def _sections(pack: Pack) -> list[Mapping[str, Any]]:
    sections = pack.report.get("sections")
    if not isinstance(sections, list):
        return []
    return [s for s in sections if isinstance(s, Mapping) and s.get("content") in CONTENTS]


def _wanted(spec: Mapping[str, Any]) -> list[str]:
    items = spec.get("items")
    if isinstance(items, str):
        return [items]
    if isinstance(items, list):
        return [str(i).strip() for i in items if str(i).strip()]
    return []


def select(rows: Sequence[ChecklistItem], wanted: Sequence[str]) -> list[ChecklistItem]:
    """The rows whose item is one of `wanted` or begins with one of them (none: every row)."""
    if not wanted:
        return list(rows)
    return [r for r in rows if any(r.item == w or r.item.startswith(w) for w in wanted)]


# ---------------------------------------------------------------------------------------------
# the items in sentences


def _names(codes: Sequence[str], tree: OrgTree | None, w: Mapping[str, str]) -> str:
    names = [tree.get(c).name if tree is not None and c in tree else c for c in codes]
    if len(names) <= 3:
        return "、".join(names)
    return fill(w["units"], {"names": "、".join(names[:3]), "n": str(len(names))})


def _groups(rows: Sequence[ChecklistItem], own: str) -> list[tuple[ChecklistItem, list[str]]]:
    """Rows in order; the same item, result and problem of several units below `own` once,
    with the units it stands for (empty for the report's own unit)."""
    out: list[tuple[ChecklistItem, list[str]]] = []
    index: dict[tuple[str, str, str], int] = {}
    for r in rows:
        if r.org_unit == own:
            out.append((r, []))
            continue
        key = (r.item, r.result, r.problem)
        if key in index:
            out[index[key]][1].append(r.org_unit)
            continue
        index[key] = len(out)
        out.append((r, [r.org_unit]))
    return out


def clause(row: ChecklistItem, w: Mapping[str, str], units: str = "") -> str:
    """One item as a clause: 已成立创建工作领导组; 服务站建设正在推进，目前处于图纸设计阶段."""
    problem = _trim(row.problem)
    values = {
        "item": _trim(row.item),
        "requirement": _trim(row.requirement),
        "problem": problem,
        "action": _trim(row.action),
        "owner": row.owner.strip(),
        "deadline": _cn(row.deadline),
    }
    values["detail"] = fill(w["detail"], values) if problem else ""
    text = _fill_item(w[_RESULT_KEYS[row.result]], values)
    return units + text


def _clauses(
    groups: Sequence[tuple[ChecklistItem, list[str]]], w: Mapping[str, str], tree: OrgTree | None
) -> str:
    return w["joiner"].join(
        clause(r, w, _names(units, tree, w) if units else "") for r, units in groups
    )


def summary_sentence(summary: ChecklistSummary, w: Mapping[str, str]) -> str:
    """共自查12项，达标8项，发现问题4个，已整改2个，整改率50%。"""
    rate = summary.rectification_rate
    values = {
        "items": str(summary.items),
        "compliant": str(summary.compliant),
        "problems": str(summary.problems),
        "closed": str(summary.closed),
        "overdue": str(summary.overdue),
        "in_progress": str(summary.in_progress),
        "not_started": str(summary.not_started),
        "rate": "—" if rate is None else f"{fmt_trim(rate * 100, 1)}%",
    }
    key = "summary" if summary.problems else "summary_no_problems"
    return fill(w[key], values)


def checklist_blocks(
    summary: ChecklistSummary | None,
    pack: Pack,
    own: str,
    tree: OrgTree | None = None,
    spec: Mapping[str, Any] | None = None,
) -> list[Block]:
    """A `checklist` section: the summary sentence (when asked for) and the items in sentences."""
    spec = spec or {}
    w = words(pack)
    wanted = _wanted(spec)
    rows = select(summary.rows, wanted) if summary is not None else []
    if summary is None or not rows:
        return [Placeholder(w["empty"])]
    blocks: list[Block] = []
    if spec.get("summary", not wanted):
        blocks.append(Paragraph(summary_sentence(summary, w)))
    sentence = spec.get("sentence")
    sentence = sentence if isinstance(sentence, str) else w["sentence"]
    if w["done_group"]:
        done = [r for r in rows if r.compliant]
        others = [r for r in rows if not r.compliant]
        if done:
            texts = list(dict.fromkeys(_trim(r.item) for r in done))
            blocks.append(
                Paragraph(fill(w["done_group"], {"items": "；".join(texts), "n": str(len(texts))}))
            )
        if others:
            groups = _groups(others, own)
            text = fill(w["others"], {"clauses": _clauses(groups, w, tree), "n": str(len(groups))})
            blocks.append(Paragraph(text))
        return blocks
    blocks.append(Paragraph(fill(sentence, {"clauses": _clauses(_groups(rows, own), w, tree)})))
    return blocks


# ---------------------------------------------------------------------------------------------
# problems and their rectification


def status_key(row: ChecklistItem, as_of: date) -> str:
    """Where a row stands: compliant, closed, closed_late, overdue, open, 推进中 or 未启动."""
    if not row.has_problem:
        return "compliant"
    if row.closed_late:
        return "closed_late"
    if row.is_closed:
        return "closed"
    if row.overdue(as_of):
        return "overdue"
    if row.result in ("推进中", "未启动"):
        return row.result
    return "open"


def _status_phrase(row: ChecklistItem, as_of: date, w: Mapping[str, str]) -> str:
    key = status_key(row, as_of)
    if key == "closed_late" and row.closed_on is not None and row.deadline is not None:
        days = (row.closed_on - row.deadline).days
        return fill(w["status_closed_late"], {"closed_on": _cn(row.closed_on), "days": str(days)})
    if key == "closed":
        if row.closed_on is None:
            return w["status_closed_undated"]
        return fill(w["status_closed"], {"closed_on": _cn(row.closed_on)})
    if key == "overdue":
        return w["status_overdue"]
    if key == "open":
        return w["status_open"] if row.deadline is not None else ""
    if key == "推进中":
        return w["status_in_progress"]
    if key == "未启动":
        return w["status_not_started"]
    return ""


def problem_text(row: ChecklistItem, as_of: date, w: Mapping[str, str], units: str = "") -> str:
    """A problem with its rectification: what is wrong。整改措施：…。由…负责，限…前完成。status。"""
    item = _trim(row.item)
    problem = _trim(row.problem)
    if problem:
        head = fill(w["problem"], {"problem": problem, "item": item})
    else:
        head = fill(w[f"problem_{_RESULT_KEYS[row.result]}"], {"item": item})
    action = _trim(row.action)
    who_when = [
        fill(w[key], {key: value})
        for key, value in (("owner", row.owner.strip()), ("deadline", _cn(row.deadline)))
        if value
    ]
    parts = [
        units + head,
        fill(w["action"], {"action": action}) if action else "",
        "，".join(who_when),
        _status_phrase(row, as_of, w),
    ]
    return "。".join(p for p in parts if p) + "。"


def problem_blocks(
    summary: ChecklistSummary | None,
    pack: Pack,
    own: str,
    tree: OrgTree | None = None,
    spec: Mapping[str, Any] | None = None,
) -> list[Block]:
    """A `problems` section: each problem with its action, owner, deadline and status."""
    spec = spec or {}
    w = words(pack)
    if summary is None:
        return [Placeholder(w["empty"])]
    rows = [r for r in select(summary.rows, _wanted(spec)) if r.has_problem]
    if not rows:
        return [Paragraph(w["no_problems"])]
    blocks: list[Block] = []
    if spec.get("summary", False):
        blocks.append(Paragraph(summary_sentence(summary, w)))
    for n, r in enumerate(rows, start=1):
        units = ""
        if r.org_unit != own:
            units = _names([r.org_unit], tree, w)
            units += "" if units.endswith(("：", "，")) else "："
        blocks.append(Paragraph(f"{n}. {problem_text(r, summary.as_of, w, units)}"))
    return blocks


# ---------------------------------------------------------------------------------------------
# wiring: the blocks of the pack's sections, and the ledger


def checklist_sections(
    pack: Pack, computation: Computation, tree: OrgTree | None = None
) -> dict[str, list[Block]]:
    """The body of every `checklist` and `problems` section the pack names, keyed
    "content:heading" (and by content alone for the first section of each content)."""
    out: dict[str, list[Block]] = {}
    summary = computation.checklist
    own = computation.org_unit.code
    for spec in _sections(pack):
        content = str(spec.get("content"))
        heading = str(spec.get("heading", ""))
        if content == "checklist":
            body = checklist_blocks(summary, pack, own, tree, spec)
        else:
            body = problem_blocks(summary, pack, own, tree, spec)
        out[f"{content}:{heading}"] = body
        out.setdefault(content, body)
    return out


def ledger_table(summary: ChecklistSummary, own: str, tree: OrgTree | None = None) -> Table:
    """Every problem: the item, what is wrong, the action, who, by when, where it stands."""
    problems = [r for r in summary.rows if r.has_problem]
    several = any(r.org_unit != own for r in problems)
    columns = [
        "序号",
        "检查事项",
        "发现问题",
        "整改措施",
        "责任部门/\n责任人",
        "整改时限",
        "状态",
    ]
    if several:
        columns.insert(1, "单位")
    rows: list[tuple[str, ...]] = []
    marks: list[tuple[str | None, ...]] = []
    for n, r in enumerate(problems, start=1):
        key = status_key(r, summary.as_of)
        status = LEDGER_STATUS[key]
        if key in ("closed", "closed_late") and r.closed_on is not None:
            status += f"\n{r.closed_on.isoformat()}"
        cells = [
            str(n),
            _trim(r.item),
            _trim(r.problem) or "—",
            _trim(r.action) or "—",
            r.owner.strip() or "—",
            r.deadline.isoformat() if r.deadline else "—",
            status,
        ]
        if several:
            cells.insert(
                1, tree.get(r.org_unit).name if tree and r.org_unit in tree else r.org_unit
            )
        rows.append(tuple(cells))
        marks.append((*([None] * (len(cells) - 1)), LEDGER_MARKS.get(key)))
    align = ["center", *(["left"] * (len(columns) - 3)), "center", "center"]
    return Table(
        columns=tuple(columns),
        rows=tuple(rows),
        align=tuple(align),
        marks=tuple(marks),
    )


def checklist_attachments(
    pack: Pack, computation: Computation, tree: OrgTree | None = None
) -> tuple[Attachment, ...]:
    """The ledger as an attachment, when the computation's checklist has a problem."""
    summary = computation.checklist
    if summary is None or not summary.problems:
        return ()
    w = words(pack)
    title = fill(
        w["ledger_title"],
        {"org": computation.org_unit.name, "period": computation.period.label},
    )
    return (Attachment(title, (ledger_table(summary, computation.org_unit.code, tree),)),)


def checklist_line(computation: Computation) -> str:
    """One line for the terminal: the counts of the checklist."""
    s = computation.checklist
    if s is None:
        return ""
    rate = s.rectification_rate
    shown = "—" if rate is None else f"{fmt_trim(rate * 100, 1)}%"
    return (
        f"检查事项：共 {s.items} 项，达标 {s.compliant} 项，推进中 {s.in_progress} 项，"
        f"未启动 {s.not_started} 项；发现问题 {s.problems} 个，已整改 {s.closed} 个，"
        f"逾期未整改 {s.overdue} 个，整改率 {shown}"
    )


# ---------------------------------------------------------------------------------------------
# JSON


def _text(value: str) -> str | None:
    return value.strip() or None


def row_json(row: ChecklistItem, as_of: date) -> dict[str, Any]:
    return {
        "orgunit": row.org_unit,
        "period": row.period.id,
        "item": row.item,
        "requirement": _text(row.requirement),
        "result": row.result,
        "problem": _text(row.problem),
        "action": _text(row.action),
        "owner": _text(row.owner),
        "deadline": row.deadline.isoformat() if row.deadline else None,
        "closed": row.closed,
        "closed_on": row.closed_on.isoformat() if row.closed_on else None,
        "points": row.points,
        "overdue": row.overdue(as_of),
        "closed_late": row.closed_late,
        "row": row.row,
    }


def checklist_json(summary: ChecklistSummary) -> dict[str, Any]:
    """The `checklist` part of `compute --json` (CONTRACT §6)."""
    return {
        "items": summary.items,
        "compliant": summary.compliant,
        "problems": summary.problems,
        "closed": summary.closed,
        "overdue": summary.overdue,
        "in_progress": summary.in_progress,
        "not_started": summary.not_started,
        "rectification_rate": summary.rectification_rate,
        "score": summary.score,
        "max": summary.max,
        "rows": [row_json(r, summary.as_of) for r in summary.rows],
    }
