"""This year, last year and the change between them must agree in size and direction, in the
unit a change of its kind is stated in.

"出生436人，比去年同期(429)增加7人": 436 − 429 = 7. A percentage changes in 个百分点 and a
per-mille rate in 个千分点: "政策符合率92.3%，比去年同期(90.1%)上升2.2%" is wrong as written
(2.2 % of 90.1 % is 2.0 points), and the finding says the 2.2 is points. A count has no points.
"""

from __future__ import annotations

from collections.abc import Sequence

from zicha.domain.factcheck import FactFinding, FactSeverity, Figure
from zicha.domain.lexicon import COUNT_UNITS, POINT_UNITS
from zicha.engine.factcheck.consistency import judge
from zicha.engine.factcheck.extraction import Relation
from zicha.engine.factcheck.facts import Facts, convert, interval_of, said, show, show_interval
from zicha.engine.factcheck.intervals import EPS, Interval

#: the unit of a change in points for each unit of a rate
_POINTS = {"%": "个百分点", "‰": "个千分点"}


def _last_year(facts: Facts, this: Figure) -> Figure | None:
    for f in facts.figures:
        if f.role == "last_year" and f.of == this.index and f.value is not None:
            return f
    if this.term is None:
        return None
    group = facts.groups.get((this.term, this.scope, "last_year"), [])
    return next((f for f in group if f.form == "exact"), None)


def _readings(this: Figure, change: Figure, diff: Interval, last: Interval) -> dict[str, Interval]:
    """What the stated change can mean, as intervals of this − last in `this`'s unit (or of the
    relative change in %)."""
    tu, cu = this.unit, change.unit
    out: dict[str, Interval] = {}
    if (cu == tu and tu not in _POINTS) or (tu in ("元", "万元") and cu in ("元", "万元")):
        out["absolute"] = diff if cu == tu else diff.scale(convert(1.0, tu, cu))
    if _POINTS.get(tu) == cu:
        out["points"] = diff
    if tu == "‰" and cu == "个百分点":
        out["points"] = diff.scale(0.1)
    if cu == "%":
        relative = diff / last
        if relative is not None:
            out["relative"] = relative.scale(100.0)
        if tu == "%":
            out["misused"] = diff
    return out


def changes(facts: Facts) -> list[FactFinding]:
    """Every stated change against its figure and last year's."""
    out: list[FactFinding] = []
    for change in facts.figures:
        if change.role != "change" or change.of is None or change.value is None:
            continue
        this = facts.figures[change.of]
        if this.value is None or this.low is None or this.high is None:
            continue
        finding = _one(facts, this, change)
        if finding is not None:
            out.append(finding)
    return out


def _one(facts: Facts, this: Figure, change: Figure) -> FactFinding | None:
    tu, cu = this.unit, change.unit
    size = change.value or 0.0
    name = this.label
    terms = (this.term,) if this.term else ()
    if tu in (*COUNT_UNITS, "万元") and cu in POINT_UNITS:
        return FactFinding(
            "change_unit",
            "error",
            f"{name}是数量，其变化不能用「{cu}」表示（所述{said(change)}）",
            (this.index, change.index),
            terms,
        )
    if tu == "%" and cu in ("‰", "个千分点"):
        return FactFinding(
            "change_unit",
            "error",
            f"{name}以%计，其变化应以个百分点表示，所述变化为{said(change)}",
            (this.index, change.index),
            terms,
        )
    last = _last_year(facts, this)
    if last is None:
        if tu == "‰" and cu == "个百分点":
            return FactFinding(
                "change_unit",
                "warning",
                f"{name}以‰计，其变化通常以个千分点表示；所述{said(change)}相当于"
                f"{show(size * 10)}个千分点，请核对",
                (this.index, change.index),
                terms,
            )
        return None
    this_i = interval_of(this, tu)
    last_i = interval_of(last, tu)
    if this_i is None or last_i is None or change.low is None or change.high is None:
        return None
    diff = this_i - last_i
    stated = Interval(change.low, change.high).scale(change.sign or 1)
    figures = (this.index, last.index, change.index)
    arithmetic = f"{said(this)} − {said(last)} = {show_interval(diff, 2, _points(tu))}"
    going = change.qualifier or ("增加" if change.sign >= 0 else "减少")
    if (change.sign > 0 and diff.high < -EPS) or (change.sign < 0 and diff.low > EPS):
        actual = "减少" if change.sign > 0 else "增加"
        return FactFinding(
            "change_direction",
            "error",
            f"{name}：{arithmetic}，应为{actual}，所述为{going}{said(change)}",
            figures,
            terms,
        )
    readings = _readings(this, change, diff, last_i)
    literal = {k: v for k, v in readings.items() if k != "misused"}
    if any(stated.meets(v) for v in literal.values()):
        return None
    if "misused" in readings and stated.meets(readings["misused"]):
        relative = readings.get("relative")
        rel_text = f"；按相对变化应为{show_interval(relative, 2, '%')}" if relative else ""
        return FactFinding(
            "change_unit",
            "error",
            f"{name}：{arithmetic}，所述「{going}{said(change)}」应为"
            f"{going}{show(size)}个百分点{rel_text}",
            figures,
            terms,
        )
    if tu == "‰" and cu == "个百分点" and stated.meets(diff):
        return FactFinding(
            "change_unit",
            "error",
            f"{name}：{arithmetic}，所述「{going}{said(change)}」应为{going}{show(size)}个千分点",
            figures,
            terms,
        )
    if not literal:
        return None
    best = min(literal.values(), key=stated.gap)
    severity: FactSeverity = judge(stated, best, change.step) or "error"
    expected = (
        f"（{said(this)} − {said(last)}）÷ {said(last)} = {show_interval(best, 2, '%')}"
        if best is literal.get("relative")
        else arithmetic
    )
    return FactFinding(
        "change_mismatch",
        severity,
        f"{name}：{expected}，与所述{going}{said(change)}不符",
        figures,
        terms,
    )


def _points(unit: str) -> str:
    return _POINTS.get(unit, unit if unit != ":100" else "")


def directions(facts: Facts, relations: Sequence[Relation]) -> list[FactFinding]:
    """ "比去年同期(449)有所增加": this year less last year has the direction said (持平: none)."""
    out: list[FactFinding] = []
    for rel in relations:
        if rel.kind != "direction" or rel.whole is None:
            continue
        this, last = facts.figures[rel.whole], facts.figures[rel.parts[0]]
        this_i, last_i = interval_of(this, this.unit), interval_of(last, this.unit)
        if this_i is None or last_i is None:
            continue
        diff = this_i - last_i
        wrong = (
            (rel.sign > 0 and diff.high < -EPS)
            or (rel.sign < 0 and diff.low > EPS)
            or (rel.sign == 0 and not diff.meets(Interval(0.0, 0.0)))
        )
        if not wrong:
            continue
        said_word = {1: "增加", -1: "减少", 0: "持平"}[rel.sign]
        actual = "增加" if diff.low > 0 else "减少"
        out.append(
            FactFinding(
                "change_direction",
                "error",
                f"{this.label}：{said(this)} − {said(last)} = "
                f"{show_interval(diff, 2, _points(this.unit))}，应为{actual}，所述为{said_word}",
                (this.index, last.index),
                (this.term,) if this.term else (),
            )
        )
    return out
