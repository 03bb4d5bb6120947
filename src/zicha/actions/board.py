"""What the pages show a user at a glance: the periods with data, the period to start from, the
units below, and a unit's figures and findings for a period (工作台, 指标与目标, 数据核查)."""

from __future__ import annotations

from dataclasses import dataclass

from zicha.actions import county
from zicha.domain.period import Period, PeriodError, parse_period
from zicha.domain.result import Computation
from zicha.storage import models as m
from zicha.storage.source import pack_id


def has_data() -> bool:
    """Whether anything was loaded yet (a new server has no pack and no units)."""
    return pack_id() is not None


def periods_with_data(unit: m.OrgUnit) -> list[Period]:
    """The periods data was entered for in the unit's subtree (and the report periods set in
    its report headers), longest first within each start."""
    ids = set(
        m.DataValue.objects.filter(org__path__startswith=unit.path)
        .values_list("period", flat=True)
        .distinct()
    )
    ids |= set(
        m.ReportHeader.objects.filter(org__path__startswith=unit.path, key="period").values_list(
            "value", flat=True
        )
    )
    periods = []
    for pid in ids:
        try:
            periods.append(parse_period(pid))
        except PeriodError:
            continue
    return sorted(periods, key=lambda p: (p.start, -p.days))


def default_period(user: m.User, unit: m.OrgUnit) -> Period | None:
    """The period a page opens on: the report period of the unit or the nearest unit above it
    that sets one, else the longest period with data that is not a year."""
    path_ids = [int(x) for x in unit.path.strip("/").split("/") if x]
    headers = dict(
        m.ReportHeader.objects.filter(org__in=path_ids, key="period").values_list("org_id", "value")
    )
    for pk in reversed(path_ids):
        if pk in headers:
            try:
                return parse_period(headers[pk])
            except PeriodError:
                break
    found = periods_with_data(unit)
    parts = [p for p in found if p.days < 360] or found
    return max(parts, key=lambda p: (p.days, p.end), default=None)


def unit_names() -> dict[str, str]:
    """Every unit's name by its code."""
    return dict(m.OrgUnit.objects.values_list("code", "name"))


def children_of(unit: m.OrgUnit) -> list[m.OrgUnit]:
    return list(m.OrgUnit.objects.filter(parent=unit).order_by("code"))


@dataclass(frozen=True)
class Overview:
    """A unit's computation for a period, with its findings counted by severity."""

    computation: Computation
    errors: int
    warnings: int

    @property
    def findings(self) -> int:
        return self.errors + self.warnings


def overview(scope: county.Scope) -> Overview:
    c = county.compute(scope)
    errors = sum(1 for f in c.findings if f.severity == "error")
    return Overview(c, errors, len(c.findings) - errors)
