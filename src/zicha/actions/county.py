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
from typing import Generic, TypeVar

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

K = TypeVar("K")
V = TypeVar("V")


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


class Kept(Generic[K, V]):
    """At most `size` values by key, the least recently used dropped first; shared by the
    server's threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
            return hit

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_lock = threading.Lock()
_engine: tuple[tuple[str, str, str], Engine] | None = None
#: computations already made, keyed on the data version: a write replaces the version
_results: Kept[tuple[str, ...], Computation] = Kept(256)
#: grids of computations already made (a dashboard's months), keyed on the data version too
_grids: Kept[tuple[object, ...], dict[tuple[str, str], Computation]] = Kept(32)


def _current() -> tuple[tuple[str, str | None], tuple[str, str, str]]:
    """The data version and pack id as they are now, and the start of the key of anything
    kept under them."""
    version, pid = known = state()
    pack = _pack(pid)
    return known, (version, pack.id, pack.version)


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
    return compute_all([scope])[0]


def compute_all(scopes: Sequence[Scope]) -> list[Computation]:
    """`compute` for several units of one period at once (the townships of a dashboard): the
    ones not kept are computed together, in one aggregation, and kept."""
    if not scopes:
        return []
    period = scopes[0].period
    if any(s.period.id != period.id for s in scopes):
        raise ValueError("compute_all: the scopes must share their period")
    known, stamp = _current()
    keys = [(*stamp, s.org.code, period.id) for s in scopes]
    found = {k: hit for k in keys if (hit := _results.get(k)) is not None}
    missing = list(dict.fromkeys(k[3] for k in keys if k not in found))
    if missing:
        made = engine(known).compute_many(missing, period, findings=True)
        for code, result in zip(missing, made, strict=True):
            found[(*stamp, code, period.id)] = result
            _results.put((*stamp, code, period.id), result)
    return [found[k] for k in keys]


def compute_grid(
    scopes: Sequence[Scope], periods: Sequence[Period], indicators: Sequence[str]
) -> dict[tuple[str, str], Computation]:
    """The scopes' units over many periods, without findings, by (unit, period id): one
    aggregation (`Engine.compute_grid`), kept until the next write."""
    known, stamp = _current()
    codes = tuple(dict.fromkeys(s.org.code for s in scopes))
    key = (*stamp, codes, tuple(p.id for p in periods), tuple(indicators))
    made = _grids.get(key)
    if made is None:
        made = engine(known).compute_grid(codes, periods, indicators)
        _grids.put(key, made)
    return made
