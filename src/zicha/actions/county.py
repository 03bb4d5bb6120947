"""The server's use cases over the database: resolve what a user asks for into a scope, and
compute it with the same engine as the command line.

A scope is an org unit the user may see and a parsed period; anything outside the user's subtree
is `NotInScope` (the web layer answers 404, as if it did not exist).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from zicha.domain.errors import InputError, Problem
from zicha.domain.orgunit import OrgUnit
from zicha.domain.pack import Pack
from zicha.domain.period import Period, PeriodError, parse_period
from zicha.domain.result import Computation
from zicha.engine.computation import Engine
from zicha.packs.registry import get_pack
from zicha.storage import models as m
from zicha.storage.facts import DatabaseFacts
from zicha.storage.source import pack_id, state


class NotInScope(LookupError):
    """The unit does not exist, or lies outside the user's subtree."""


@dataclass(frozen=True)
class Scope:
    """An org unit the user may see, and a period, resolved once."""

    user: m.User
    org: OrgUnit
    period: Period


def visible_units(user: m.User) -> m.models.QuerySet[m.OrgUnit]:  # type: ignore[name-defined]
    """The org units a user may see: its unit and every unit below it (all, for an admin)."""
    units = m.OrgUnit.objects.all()
    if user.role == "admin":
        return units
    if user.org is None:
        return units.none()
    return units.filter(path__startswith=user.org.path)


def unit_for(user: m.User, code: str | None) -> m.OrgUnit:
    """The unit `code` when the user may see it (its own unit when no code is given)."""
    if not code or (user.org is not None and code.strip() == user.org.code):
        if user.org is None:
            raise NotInScope(code)
        return user.org
    unit = visible_units(user).filter(code=code.strip()).first()
    if unit is None:
        raise NotInScope(code)
    return unit


def period_of(text: str | None, column: str = "period") -> Period:
    if not text:
        raise InputError(
            [Problem(column=column, message="请指定期间（如 2010OctS1、2024S1、2024）")]
        )
    try:
        return parse_period(text)
    except PeriodError as exc:
        raise InputError([Problem(column=column, found=text, message=str(exc))]) from None


def resolve(user: m.User, org: str | None, period: str | None) -> Scope:
    unit = unit_for(user, org)
    return Scope(user, OrgUnit(unit.code, unit.name, None, unit.kind), period_of(period))


def server_pack() -> Pack:
    return _pack(pack_id())


def _pack(pid: str | None) -> Pack:
    if pid is None:
        raise InputError([Problem(message="服务器还没有数据：请先用 zicha load 导入工作簿")])
    return get_pack(pid)


_lock = threading.Lock()
_engine: tuple[tuple[str, str, str], Engine] | None = None
#: computations already made, keyed on the data version: a write replaces the version
_results: OrderedDict[tuple[str, str, str, str, str], Computation] = OrderedDict()
RESULTS_KEPT = 256


def engine(known: tuple[str, str | None] | None = None) -> Engine:
    """The engine over the database, rebuilt only when the data version (or the pack) moved;
    `known` is the data version and pack id when the caller has just read them."""
    global _engine
    version, pid = known or state()
    pack = _pack(pid)
    key = (version, pack.id, pack.version)
    with _lock:
        if _engine is not None and _engine[0] == key:
            return _engine[1]
    built = Engine(pack, DatabaseFacts(pack))
    with _lock:
        _engine = (key, built)
    return built


def compute(scope: Scope) -> Computation:
    """Indicators, targets, progress, score and findings for the scope's unit and period.

    Kept until the next write: the same question asked again with nothing changed is answered
    from memory. The computation returned is shared: callers read it, never change it.
    """
    version, pid = known = state()
    pack = _pack(pid)
    key = (version, pack.id, pack.version, scope.org.code, scope.period.id)
    with _lock:
        hit = _results.get(key)
        if hit is not None:
            _results.move_to_end(key)
            return hit
    result = engine(known).compute(scope.org.code, scope.period)
    _keep({key: result})
    return result


def compute_all(scopes: Sequence[Scope]) -> list[Computation]:
    """`compute` for several units of one period at once (the townships of a dashboard): the
    ones not kept are computed together, in one aggregation, and kept like `compute`'s."""
    if not scopes:
        return []
    period = scopes[0].period
    if any(s.period.id != period.id for s in scopes):
        raise ValueError("compute_all: the scopes must share their period")
    version, pid = known = state()
    pack = _pack(pid)
    keys = [(version, pack.id, pack.version, s.org.code, period.id) for s in scopes]
    with _lock:
        found = {k: _results[k] for k in keys if k in _results}
    missing = list(dict.fromkeys(k[3] for k in keys if k not in found))
    if missing:
        made = engine(known).compute_many(missing, period, findings=True)
        fresh = {
            (version, pack.id, pack.version, c, period.id): r
            for c, r in zip(missing, made, strict=True)
        }
        _keep(fresh)
        found.update(fresh)
    return [found[k] for k in keys]


#: grids of computations already made (a dashboard's months), keyed on the data version too
_grids: OrderedDict[tuple[object, ...], dict[tuple[str, str], Computation]] = OrderedDict()
GRIDS_KEPT = 32


def compute_grid(
    scopes: Sequence[Scope], periods: Sequence[Period], indicators: Sequence[str]
) -> dict[tuple[str, str], Computation]:
    """The scopes' units over many periods, without findings, by (unit, period id): one
    aggregation (`Engine.compute_grid`), kept until the next write."""
    version, pid = known = state()
    pack = _pack(pid)
    codes = tuple(dict.fromkeys(s.org.code for s in scopes))
    key = (version, pack.id, pack.version, codes, tuple(p.id for p in periods), tuple(indicators))
    with _lock:
        hit = _grids.get(key)
        if hit is not None:
            _grids.move_to_end(key)
            return hit
    made = engine(known).compute_grid(codes, periods, indicators)
    with _lock:
        _grids[key] = made
        while len(_grids) > GRIDS_KEPT:
            _grids.popitem(last=False)
    return made


def _keep(made: dict[tuple[str, str, str, str, str], Computation]) -> None:
    with _lock:
        _results.update(made)
        for key in made:
            _results.move_to_end(key)
        while len(_results) > RESULTS_KEPT:
            _results.popitem(last=False)
