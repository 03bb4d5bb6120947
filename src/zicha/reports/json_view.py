"""Result objects as the JSON of CONTRACT.md §3: full precision, null where not computable."""

from __future__ import annotations

from typing import Any

from zicha.domain.finding import Finding
from zicha.domain.period import Period
from zicha.domain.result import Computation, IndicatorResult


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
    }
