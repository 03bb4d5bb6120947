"""The server's use cases over the database: resolve what a user asks for into a scope, and
compute it with the same engine as the command line.

A scope is an org unit the user may see and a parsed period; anything outside the user's subtree
is `NotInScope` (the web layer answers 404, as if it did not exist).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from zicha.domain.errors import InputError, Problem
from zicha.domain.orgunit import OrgUnit
from zicha.domain.pack import Pack
from zicha.domain.period import Period, PeriodError, parse_period
from zicha.domain.result import Computation
from zicha.engine.computation import Engine
from zicha.packs.registry import get_pack
from zicha.storage import models as m
from zicha.storage.source import data_version, load_dataset, pack_id
from zicha.workbook.facts import WorkbookFacts


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
    if not code:
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
    pid = pack_id()
    if pid is None:
        raise InputError([Problem(message="服务器还没有数据：请先用 zicha load 导入工作簿")])
    return get_pack(pid)


_lock = threading.Lock()
_cached: tuple[str, str, Engine] | None = None


def engine() -> Engine:
    """The engine over the whole database, rebuilt only when the data version moved."""
    global _cached
    version = data_version()
    pack = server_pack()
    with _lock:
        if _cached is not None and _cached[0] == version and _cached[1] == pack.id:
            return _cached[2]
        built = Engine(pack, WorkbookFacts(pack, load_dataset(pack.id)))
        _cached = (version, pack.id, built)
        return built


def compute(scope: Scope) -> Computation:
    """Indicators, targets, progress, score and findings for the scope's unit and period."""
    return engine().compute(scope.org.code, scope.period)
