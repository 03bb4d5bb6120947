"""The county's dashboard (仪表盘): the figures of the units below a unit side by side, as charts.

Every number here is one the engine computed for the API (`compute`, `rank`): a unit's progress
is the engine's `completion` (the year to date as a share of the target) beside its `elapsed`
(the share of the target's period gone) or `due` (the share of a split task due); a month's
figure is the engine's value for that month. Nothing is computed a second way.
"""

from __future__ import annotations

from typing import Any

from zicha.actions import county, county_reports, deadlines, submissions
from zicha.domain.errors import InputError
from zicha.domain.period import Period
from zicha.domain.result import Computation, IndicatorResult
from zicha.reports.json_view import period_json, ranking_json
from zicha.storage import models as m


def dashboard(scope: county.Scope) -> dict[str, Any]:
    """The dashboard of `scope`'s unit for its period (a reviewer's or an administrator's)."""
    if scope.user.role == "clerk":
        from zicha.actions.entry import Refused

        raise Refused("仪表盘由审核员和管理员查看")
    unit = county.unit_for(scope.user, scope.org.code)
    children = list(m.OrgUnit.objects.filter(parent=unit).order_by("code"))
    parents = set(
        m.OrgUnit.objects.filter(parent__in=children).values_list("parent__code", flat=True)
    )
    own = county.compute(scope)
    scopes = [_scope(scope, c.code, scope.period) for c in children]
    below = {s.org.code: c for s, c in zip(scopes, county.compute_all(scopes), strict=True)}
    try:
        ranking: dict[str, Any] | None = ranking_json(county_reports.rank_scope(scope))
    except InputError:
        ranking = None  # no units below: nothing to rank
    return {
        "org_unit": {"code": unit.code, "name": unit.name, "kind": unit.kind},
        "parent": _parent(scope.user, unit),
        "period": period_json(scope.period),
        "units": [
            {"code": c.code, "name": c.name, "kind": c.kind, "has_children": c.code in parents}
            for c in children
        ],
        "progress": _progress(own, below, children),
        "ranking": ranking,
        "flows": _flows(scope, scopes, own, below, children),
        "findings": [
            {
                "org": c.code,
                "name": c.name,
                "errors": sum(1 for f in below[c.code].findings if f.severity == "error"),
                "warnings": sum(1 for f in below[c.code].findings if f.severity != "error"),
            }
            for c in children
        ],
        "submissions": _submissions(unit, children, scope.period),
    }


def _scope(scope: county.Scope, code: str, period: Period) -> county.Scope:
    return county.resolve(scope.user, code, period.id)


def _parent(user: m.User, unit: m.OrgUnit) -> dict[str, str] | None:
    """The unit above, when the user may see it (to climb back up from a drill-down)."""
    if unit.parent_id is None:
        return None
    above = county.visible_units(user).filter(pk=unit.parent_id).first()
    return {"code": above.code, "name": above.name} if above else None


def _progress(
    own: Computation, below: dict[str, Computation], children: list[m.OrgUnit]
) -> list[dict[str, Any]]:
    """Each indicator with a target below: every unit's completion against time."""
    out = []
    for r in own.indicators:
        ind = r.indicator
        rows = []
        for c in children:
            x = _find(below[c.code], ind.id)
            if x is None or x.target is None:
                continue
            rows.append(
                {
                    "org": c.code,
                    "name": c.name,
                    "value": x.value,
                    "to_date": x.to_date,
                    "completion": x.completion,
                    "elapsed": x.elapsed,
                    "due": x.due,
                    "projection": x.projection,
                    "status": x.status,
                    "target": _bound(x),
                }
            )
        if rows:
            out.append(
                {
                    "indicator": ind.id,
                    "name": ind.name,
                    "unit": ind.unit,
                    "kind": ind.kind,
                    "rows": rows,
                }
            )
    return out


def _flows(
    scope: county.Scope,
    scopes: list[county.Scope],
    own: Computation,
    below: dict[str, Computation],
    children: list[m.OrgUnit],
) -> list[dict[str, Any]]:
    """Each count with a target below, month by month: the unit's own figure for the month, every
    unit's year to date as a share of its target (`completion`), and the share of time gone
    (`elapsed`, or `due` for a split task): the pace line."""
    months = [p for p in scope.period.months() if scope.period.contains(p)]
    if len(months) < 2:
        return []
    counted = [
        r.indicator
        for r in own.indicators
        if r.indicator.kind == "count"
        and any(
            (x := _find(below[c.code], r.indicator.id)) is not None and x.target is not None
            for c in children
        )
    ]
    if not counted:
        return []
    # every unit's months in one aggregation, without findings (`county.compute_grid`): the
    # same figures as `compute`, for the units resolved above (`scopes`: the children's)
    grid = county.compute_grid([scope, *scopes], months, [ind.id for ind in counted])
    mine = [grid[(scope.org.code, p.id)] for p in months]
    theirs = {c.code: [grid[(c.code, p.id)] for p in months] for c in children}
    flows = []
    for ind in counted:
        pace: list[float | None] = []
        for k in range(len(months)):
            found = [x for c in children if (x := _find(theirs[c.code][k], ind.id)) and x.target]
            pace.append(next((x.due if x.due is not None else x.elapsed for x in found), None))
        flows.append(
            {
                "indicator": ind.id,
                "name": ind.name,
                "unit": ind.unit,
                "months": [{"period": p.id, "label": p.label} for p in months],
                "values": [_value(c, ind.id) for c in mine],
                "pace": pace,
                "units": [
                    {
                        "org": c.code,
                        "name": c.name,
                        "completion": [
                            x.completion if (x := _find(r, ind.id)) else None
                            for r in theirs[c.code]
                        ],
                    }
                    for c in children
                ],
            }
        )
    return flows


def _value(c: Computation, indicator: str) -> float | None:
    x = _find(c, indicator)
    return x.value if x else None


def _submissions(
    unit: m.OrgUnit, children: list[m.OrgUnit], period: Period
) -> list[dict[str, Any]]:
    """Each unit below: its report's state for the period and the deadlines it missed."""
    late = deadlines.late_by_unit(unit)
    states = {
        s.org_id: s.state for s in m.Submission.objects.filter(org__in=children, period=period.id)
    }
    return [
        {
            "org": c.code,
            "name": c.name,
            "state": states.get(c.pk, "draft"),
            "state_name": submissions.STATE_NAMES[states.get(c.pk, "draft")],
            "late": late.get(c.code, 0),
        }
        for c in children
    ]


def _find(c: Computation, indicator: str) -> IndicatorResult | None:
    return next((r for r in c.indicators if r.indicator.id == indicator), None)


def _bound(r: IndicatorResult) -> dict[str, Any] | None:
    if r.target is None:
        return None
    b = r.target.bound
    return {"op": b.op, "value": b.value, "low": b.low, "high": b.high, "text": b.text()}
