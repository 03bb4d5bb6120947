"""The terms of a target responsibility agreement: a unit's targets for a period and how the
assessment method scores each of them."""

from __future__ import annotations

from zicha.domain.agreement import Term
from zicha.domain.period import Period
from zicha.engine.computation import Engine
from zicha.engine.scoring import target_points


def agreement_terms(engine: Engine, org: str, period: Period) -> list[Term]:
    """The targets that apply to `org` over `period` (as `compute` finds them), each with its
    assessment item and points, in the order the targets were entered."""
    order = {id(t): i for i, t in enumerate(engine.targets)}
    terms: list[Term] = []
    for ind in engine.pack.indicators.values():
        target = engine.target_for(org, period, ind.id)
        if target is None:
            continue
        item = engine.assessment.get(ind.id)
        terms.append(Term(ind, target, item, target_points(target, item, ind)))
    return sorted(terms, key=lambda t: order.get(id(t.target), len(order)))


def target_periods(engine: Engine, org: str) -> list[Period]:
    """The periods `org` has targets for, shortest first within each start (for messages)."""
    found = {t.period for t in engine.targets if t.org_unit == org}
    return sorted(found, key=lambda p: (p.start, p.days))
