"""Result objects as the JSON of CONTRACT.md §3: full precision, null where not computable."""

from __future__ import annotations

from typing import Any

from zicha.domain.finding import Finding
from zicha.domain.period import Period
from zicha.domain.result import Comparison, Computation, IndicatorResult, Interval, Ranking
from zicha.domain.target import Revision
from zicha.reports.checklist_view import checklist_json


def period_json(period: Period) -> dict[str, Any]:
    return {
        "id": period.id,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "label": period.label,
    }


def indicator_json(r: IndicatorResult) -> dict[str, Any]:
    ind = r.indicator
    target = None
    if r.target is not None:
        b = r.target.bound
        target = {
            "period": r.target.period.id,
            "op": b.op,
            "value": b.value,
            "low": b.low,
            "high": b.high,
            "points": r.points,
            "revisions": [revision_json(v) for v in r.target.revisions],
        }
    return {
        "id": ind.id,
        "name": ind.name,
        "unit": ind.unit,
        "kind": ind.kind,
        "decimals": ind.decimals,
        "value": r.value,
        "numerator": r.numerator,
        "denominator": r.denominator,
        "annualized": r.annualized,
        "target": target,
        "to_date": r.to_date,
        "elapsed": r.elapsed,
        "projection": r.projection,
        "status": r.status,
        "score": r.score,
        "points": r.points,
        "weight": r.weight,
        "veto": r.veto,
        "due": r.due,
        "previous_year": comparison_json(r.previous_year),
        "previous_period": comparison_json(r.previous_period),
        "interval": interval_json(r.interval),
        "to_date_interval": interval_json(r.to_date_interval),
    }


def interval_json(i: Interval | None) -> dict[str, Any] | None:
    """A chance interval: its ends, the level, and the events (or trials) it rests on."""
    if i is None:
        return None
    return {"low": i.low, "high": i.high, "level": i.level, "events": i.events}


def revision_json(v: Revision) -> dict[str, Any]:
    """One version of a target revised during its period (`op` null: dropped from that day)."""
    b = v.bound
    return {
        "valid_from": v.valid_from.isoformat(),
        "op": b.op if b else None,
        "value": b.value if b else None,
        "low": b.low if b else None,
        "high": b.high if b else None,
        "points": v.points,
    }


def comparison_json(c: Comparison | None) -> dict[str, Any] | None:
    """同比 / 环比: the earlier period, its value and the change (null when not computable)."""
    if c is None:
        return None
    return {
        "period": c.period.id,
        "value": c.value,
        "change": c.change,
        "change_pct": c.change_pct,
    }


def finding_json(f: Finding) -> dict[str, Any]:
    return f.as_json()


def computation_json(c: Computation) -> dict[str, Any]:
    """The whole `zicha compute --json` document."""
    return {
        "pack": c.pack_id,
        "org_unit": {"code": c.org_unit.code, "name": c.org_unit.name},
        "period": period_json(c.period),
        "indicators": [indicator_json(r) for r in c.indicators],
        "findings": [finding_json(f) for f in c.findings],
        "score": {"total": c.score.total, "max": c.score.max, "vetoed": c.score.vetoed},
        **({"checklist": checklist_json(c.checklist)} if c.checklist is not None else {}),
    }


def ranking_json(r: Ranking) -> dict[str, Any]:
    """The document of `zicha rank --json` (CONTRACT §5)."""
    return {
        "period": period_json(r.period),
        "org_unit": {"code": r.org_unit.code, "name": r.org_unit.name},
        "rows": [
            {
                "org_unit": {"code": row.org_unit.code, "name": row.org_unit.name},
                "total": row.total,
                "max": row.max,
                "vetoed": row.vetoed,
                "rank": row.rank,
                "unranked": row.unranked,
                "items": [
                    {
                        "indicator": item.indicator,
                        "status": item.status,
                        "score": item.score,
                        "points": item.points,
                    }
                    for item in row.items
                ],
            }
            for row in r.rows
        ],
    }
