"""Results as the pages show them: rounded for display (full precision stays inside), Chinese
labels, missing shown as "—", never as zero."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from zicha.actions import audit, county, submissions
from zicha.actions.entry import Locked, Refused, TargetChange
from zicha.actions.form import Grid
from zicha.actions.targets import Row, Slot, TargetGrid
from zicha.domain.errors import InputError
from zicha.domain.numbers import fmt, fmt_trim
from zicha.domain.pack import Indicator
from zicha.domain.result import STATUS_LABELS, UNRANKED_LABELS, Computation, Ranking
from zicha.domain.target import Bound
from zicha.reports.wording import bound_phrase, pct
from zicha.storage import models as m

#: what each kind of imported row is called on the page
IMPORT_KINDS = {
    "orgunits": "组织机构",
    "values": "数据",
    "births": "出生登记",
    "deaths": "死亡登记",
    "targets": "目标",
    "assessment": "考核办法",
    "checklist": "检查事项",
    "narrative": "文字材料",
    "header": "基本信息",
}

SEVERITY_LABELS = {"error": "错误", "warning": "提示"}


def number(x: float | None) -> str:
    """A stored value as the form shows it: every digit it has, no trailing zeros, "" when
    missing.

    >>> number(233.0), number(6.5), number(None), number(0.1 + 0.2)
    ('233', '6.5', '', '0.30000000000000004')
    """
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(float(x))


def problem_text(exc: InputError) -> str:
    """The problems of an InputError as one line beside the field (which names the place)."""
    return "；".join(
        str(dataclasses.replace(p, sheet=None, row=None, column=None, file=None))
        for p in exc.problems
    )


def refusal(exc: InputError | Refused | Locked) -> tuple[dict[str, Any], int]:
    """What an upload page shows of an upload that wrote nothing, and the page's status:
    unusable input 400 (its problems), a role or scope that may not 403 and a locked unit and
    period 409 (the reason and the rows it names)."""
    problems = [str(p) for p in exc.problems]
    if isinstance(exc, InputError):
        return {"problems": problems}, 400
    return {"refused": exc.message, "problems": problems}, 403 if isinstance(exc, Refused) else 409


def indicator_rows(c: Computation) -> list[dict[str, Any]]:
    rows = []
    for r in c.indicators:
        ind = r.indicator
        rows.append(
            {
                "id": ind.id,
                "name": ind.name,
                "unit": ind.unit,
                "value": fmt(r.value, ind.decimals),
                "target": bound_phrase(r.target.bound, ind.decimals, ind.unit)
                if r.target is not None
                else "",
                "target_period": r.target.period.label if r.target is not None else "",
                "to_date": fmt(r.to_date, ind.decimals) if r.target is not None else "",
                "elapsed": pct(r.elapsed) if r.target is not None else "",
                "elapsed_share": round((r.elapsed or 0) * 100, 1),
                "projection": fmt(r.projection, ind.decimals) if r.target is not None else "",
                "status": r.status,
                "status_label": STATUS_LABELS[r.status],
                "score": fmt_trim(r.score, 2) if r.score is not None else "",
                "points": fmt_trim(r.points, 2) if r.points is not None else "",
            }
        )
    return rows


def finding_rows(c: Computation) -> list[dict[str, Any]]:
    return [
        {
            "severity": f.severity,
            "severity_label": SEVERITY_LABELS.get(f.severity, f.severity),
            "message": f.message,
            "org_unit": f.org_unit or "",
            "period": f.period or "",
        }
        for f in c.findings
    ]


def score(c: Computation) -> dict[str, Any]:
    """The self-score; `scored` is false where nothing is scored (no target: not 0 of 0)."""
    s = c.score
    return {
        "total": fmt_trim(s.total, 2),
        "max": fmt_trim(s.max, 2),
        "vetoed": s.vetoed,
        "scored": s.max is not None,
    }


def ranking_rows(r: Ranking) -> list[dict[str, Any]]:
    return [
        {
            "rank": "—" if row.rank is None else row.rank,
            "code": row.org_unit.code,
            "name": row.org_unit.name,
            "total": fmt_trim(row.total, 2),
            "max": fmt_trim(row.max, 2),
            "vetoed": row.vetoed,
            "missed": [i.name for i in row.items if i.status in ("not_met", "at_risk")]
            or ([UNRANKED_LABELS[row.unranked]] if row.unranked else []),
        }
        for row in r.rows
    ]


def grid_rows(grid: Grid) -> list[dict[str, Any]]:
    """The rows of the data-entry grid, each cell with its place for keyboard moves."""
    rows = []
    for r, row in enumerate(grid.rows):
        cells = [
            grid_cell(c.element, c.period.id, number(c.value), c.comment, r, j, row.element.name)
            for j, c in enumerate(row.cells)
        ]
        rows.append(
            {
                "name": row.element.name,
                "unit": row.element.unit,
                "stock": row.element.is_stock,
                "cells": cells,
            }
        )
    return rows


def grid_cell(
    element: str, period: str, text: str, comment: str, r: object, c: object, name: str = ""
) -> dict[str, Any]:
    return {
        "element": element,
        "period": period,
        "text": text,
        "comment": comment,
        "r": r,
        "c": c,
        "label": f"{name or element} {period}",
    }


def import_rows(counts: dict[str, int]) -> list[tuple[str, int]]:
    return [(IMPORT_KINDS.get(k, k), n) for k, n in counts.items() if n]


def element_names() -> dict[str, str]:
    """The Chinese names of the pack's data elements and indicators, by id."""
    try:
        pack = county.server_pack()
    except InputError:
        return {}
    return {
        **{i.id: i.name for i in pack.indicators.values()},
        **{e.id: e.name for e in pack.elements.values()},
    }


def audit_rows(rows: list[m.AuditEntry], names: dict[str, str]) -> list[dict[str, Any]]:
    """Audit entries as the 变更记录 page and the grid's history show them."""
    out = []
    named = element_names()
    for e in rows:
        out.append(
            {
                "seq": e.seq,
                "time": timezone.localtime(e.time).strftime("%Y-%m-%d %H:%M:%S"),
                "user": e.user or "命令行（管理员）",
                "path": audit.PATH_NAMES.get(e.path, e.path),
                "kind": audit.KIND_NAMES.get(e.kind, e.kind),
                "org": e.org,
                "org_name": names.get(e.org, e.org),
                "period": e.period,
                "element": named.get(e.element, e.element)
                if e.kind in ("value", "stated", "target")
                else e.element,
                "action": e.action,
                "action_label": audit.ACTION_NAMES.get(e.action, e.action),
                "old": _shown(e.kind, e.old),
                "new": _shown(e.kind, e.new),
                "comment": e.comment,
                "state_change": e.kind == "submission",
            }
        )
    return out


def _shown(kind: str, text: str | None) -> str:
    """An old or new value as the page shows it: a submission's state in words, "—" for
    nothing."""
    if text is None:
        return "—"
    if kind == "submission":
        return submissions.STATE_NAMES.get(text, text)
    return text


# ---------------------------------------------------------------------------------------------
# 目标设置

#: the columns of the method the grid edits as text (arrow keys move between them)
METHOD_TEXT = ("points", "step", "deduct", "split")
MODES = (
    ("all_or_nothing", "达标得分"),
    ("deduct", "按差距扣分"),
    ("pro_rata", "按比例得分"),
    ("fixed", "固定扣分"),
)


def target_rows(grid: TargetGrid) -> list[dict[str, Any]]:
    """The rows of the target grid, each cell with its place for keyboard moves."""
    return [target_row(row, r) for r, row in enumerate(grid.rows)]


def target_row(row: Row, r: object) -> dict[str, Any]:
    ind = row.indicator
    first = len(METHOD_TEXT)
    method = row.method
    split = ":".join(number(x) for x in method.split) if method and method.split else ""
    total = None
    if row.total is not None:
        t = row.total
        total = {
            "text": Bound(t.op, t.value).text(),  # type: ignore[arg-type]
            "given": t.given,
            "of": t.of,
        }
    return {
        "id": ind.id,
        "name": ind.name,
        "unit": ind.unit,
        "r": r,
        "method": {
            "points": number(method.points) if method else "",
            "mode": method.mode if method else "",
            "step": number(method.step) if method else "",
            "deduct": number(method.deduct) if method else "",
            "veto": bool(method and method.veto),
            "split": split,
            "stored": row.method_stored,
            "cols": {k: i for i, k in enumerate(METHOD_TEXT)},
        },
        "own": target_box(target_cell(row.own, ind, r, first)),
        "children": [
            target_box(target_cell(s, ind, r, first + 1 + j)) for j, s in enumerate(row.children)
        ],
        "total": total,
        "finding": row.passed_down.message if row.passed_down else None,
    }


def target_cell(slot: Slot, ind: Indicator, r: object, c: object) -> dict[str, Any]:
    t = slot.target
    return {
        "org": slot.unit.code,
        "indicator": ind.id,
        "text": t.bound.text() if t is not None else "",
        "points": number(t.points) if t is not None and t.points is not None else "",
        "revised": bool(slot.history),
        "history": "；".join(v.text() for v in slot.history),
        "editable": slot.editable,
        "r": r,
        "c": c,
        "label": f"{ind.name} {slot.unit.name}",
    }


def target_cell_typed(org: str, indicator: str, text: str, r: object, c: object) -> dict[str, Any]:
    """A cell holding what was typed into it (refused: shown again with the message)."""
    return {
        "org": org,
        "indicator": indicator,
        "text": text,
        "points": "",
        "revised": False,
        "history": "",
        "editable": True,
        "r": r,
        "c": c,
        "label": f"{indicator} {org}",
    }


def target_box(cell: dict[str, Any], saved: bool = False, error: str | None = None) -> SafeString:
    """The HTML of one target cell (made here rather than by a template: a county's grid has a
    thousand of them), to sit in the grid's table."""
    classes = "box" + (" bad" if error else "") + (" saved" if saved else "")
    classes += " revised" if cell["revised"] else ""
    title = format_html(' title="年中调整：{}"', cell["history"]) if cell["history"] else ""
    if cell["editable"]:
        # saved on change (an input's own trigger); the grid's table gives the target, the
        # swap, the day the change takes effect and the unit and year of the grid
        where = {"org": cell["org"], "indicator": cell["indicator"]}
        where |= {"r": str(cell["r"]), "c": str(cell["c"])}
        action = mark_safe(f" hx-post=\"/targets/cell\" hx-vals='{json_attribute(where)}'")
    else:
        action = mark_safe(' readonly title="本单位的目标由上级设定"')
    marks: list[SafeString] = []  # each made safe here, joined below
    if cell["points"]:
        marks.append(format_html('<span class="pts">{}分</span>', cell["points"]))
    if cell["revised"]:
        marks.append(mark_safe('<span class="rev" aria-label="年中调整过">调</span>'))
    if error:
        marks.append(format_html('<div class="msg" role="alert">{}</div>', error))
    return format_html(
        '<div class="{}"{}><input name="value" autocomplete="off" value="{}" aria-label="{}" '
        'data-r="{}" data-c="{}"{}>{}</div>',
        classes,
        title,
        cell["text"],
        cell["label"],
        cell["r"],
        cell["c"],
        action,
        mark_safe("".join(marks)),
    )


_JSON_ESCAPES = str.maketrans({"&": "\\u0026", "<": "\\u003c", ">": "\\u003e", "'": "\\u0027"})


def json_attribute(value: dict[str, str]) -> str:
    """JSON for an HTML attribute in single quotes: the characters HTML gives a meaning to are
    written as JSON escapes, which read back as the same text.

    >>> json_attribute({"org": "A'<&>"})
    '{"org": "A\\\\u0027\\\\u003c\\\\u0026\\\\u003e"}'
    """
    return json.dumps(value, ensure_ascii=False).translate(_JSON_ESCAPES)


def passed_down_rows(grid: TargetGrid) -> list[str]:
    """The "targets passed down" findings of the grid, as sentences."""
    return [row.passed_down.message for row in grid.rows if row.passed_down is not None]


def change_text(c: TargetChange) -> str:
    """A change of a target or of the method, as the page lists it."""
    indicator = county.server_pack().indicators.get(c.key)
    what = indicator.name if indicator is not None else c.key
    if c.kind == "target":
        when = f"（自{c.effective.isoformat()}起）" if c.effective else ""
        return f"{c.unit.name} {c.period} {what}：{c.old or '无'} → {c.new or '删除'}{when}"
    return f"考核办法 {what}：{c.old or '默认'} → {c.new or '恢复默认'}"
