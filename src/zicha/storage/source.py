"""The small things of the database read back in the engine's terms: the pack the server works
with, the data version every write replaces (the key of kept computations), the org tree,
targets, the assessment method, checklist items, narrative and report headers. The facts
themselves are answered by `zicha.storage.facts`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.db import connection

from zicha.domain.assessment import MODE_NAMES, AssessmentItem, parse_split
from zicha.domain.checklist import ChecklistItem
from zicha.domain.narrative import NarrativeSection
from zicha.domain.orgunit import OrgTree, OrgUnit
from zicha.domain.period import Period, parse_period
from zicha.domain.target import Bound, Revision, Target, versioned_targets
from zicha.storage import models as m

PACK_SETTING = "pack"


def _value(model: Any, key: str, name: str) -> str | None:
    """One row's `value` by its primary key, in plain SQL: asked on every request, where the
    ORM's compiling of the query cost more than the database's answer."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {table} WHERE {key} = %s", [name])
        row = cursor.fetchone()
    return None if row is None else str(row[0])


def pack_id() -> str | None:
    """The pack this server works with (set by the first workbook loaded)."""
    return _value(m.Setting, "key", PACK_SETTING)


def state() -> tuple[str, str | None]:
    """The data version and the pack id together, in one plain-SQL query: what every
    computation asked for is keyed on."""
    version = connection.ops.quote_name(m.DataVersion._meta.db_table)
    setting = connection.ops.quote_name(m.Setting._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 'v', value FROM {version} WHERE name = %s "
            f"UNION ALL SELECT 'p', value FROM {setting} WHERE {connection.ops.quote_name('key')}"
            " = %s",
            ["data", PACK_SETTING],
        )
        found = {kind: str(value) for kind, value in cursor.fetchall()}
    return found.get("v", ""), found.get("p")


def token_user(key: str) -> m.User | None:
    """The user a bearer token belongs to, with its org unit, in one plain-SQL query (asked on
    every API call, where the ORM's compiling of the query cost more than the answer)."""
    sql, user_fields, unit_fields = _token_query(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [key])
        row = cursor.fetchone()
    if row is None:
        return None
    user = m.User.from_db(connection.alias, user_fields, row[: len(user_fields)])
    unit = row[len(user_fields) :]
    user.org = None if unit[0] is None else m.OrgUnit.from_db(connection.alias, unit_fields, unit)
    return user


@lru_cache(maxsize=4)
def _token_query(vendor: str) -> tuple[str, list[str], list[str]]:
    """`token_user`'s query and the fields it reads, made once per database kind."""
    user_fields = [f.attname for f in m.User._meta.concrete_fields]
    unit_fields = [f.attname for f in m.OrgUnit._meta.concrete_fields]
    q = connection.ops.quote_name
    columns = ", ".join([f"u.{q(f)}" for f in user_fields] + [f"o.{q(f)}" for f in unit_fields])
    sql = (
        f"SELECT {columns} FROM {q(m.ApiToken._meta.db_table)} t "
        f"JOIN {q(m.User._meta.db_table)} u ON u.id = t.user_id "
        f"LEFT JOIN {q(m.OrgUnit._meta.db_table)} o ON o.id = u.org_id "
        f"WHERE t.{q('key')} = %s"
    )
    return sql, user_fields, unit_fields


def data_version() -> str:
    """The token of the data as it is now ("" before the first write)."""
    return state()[0]


def org_tree() -> OrgTree:
    """The whole org tree."""
    units = [
        OrgUnit(code, name, parent or None, kind)
        for code, name, parent, kind in m.OrgUnit.objects.order_by("path").values_list(
            "code", "name", "parent__code", "kind"
        )
    ]
    return OrgTree.build(units)


def targets(units: Any = None) -> list[Target]:
    """The targets of the given units (a queryset of ids; every unit when None), every version
    in force from its day on."""
    rows = m.Target.objects.all() if units is None else m.Target.objects.filter(org__in=units)
    return target_versions(rows)


def target_versions(rows: Any) -> list[Target]:
    """The targets of a queryset of target rows, every version in force from its day on."""
    periods: dict[str, Period] = {}
    versions = []
    for code, period, indicator, valid_from, removed, op, value, low, high, points in rows.order_by(
        "id"
    ).values_list(
        "org__code",
        "period",
        "indicator",
        "valid_from",
        "removed",
        "op",
        "value",
        "low",
        "high",
        "points",
    ):
        when = periods.get(period) or periods.setdefault(period, parse_period(period))
        bound = None if removed else Bound(op, value, low, high)
        versions.append((code, when, indicator, Revision(valid_from, bound, points)))
    return versioned_targets(versions, "目标")


def assessment() -> list[AssessmentItem]:
    """The assessment method's items, in the order of the sheet."""
    return [method_item(a) for a in m.AssessmentItem.objects.all()]


def method_item(a: m.AssessmentItem) -> AssessmentItem:
    """A stored item of the assessment method as the engine reads it."""
    return AssessmentItem(
        a.key,
        a.points,
        MODE_NAMES.get(a.mode, "all_or_nothing"),
        a.step,
        a.deduct,
        a.veto,
        a.weight,
        a.group or None,
        parse_split(a.split) if a.split else None,
        "考核办法",
    )


def checklist(units: Any = None) -> list[ChecklistItem]:
    """The checklist items of the given units (every unit when None), in the order entered."""
    rows = m.ChecklistItem.objects.all()
    if units is not None:
        rows = rows.filter(org__in=units)
    return [
        ChecklistItem(
            c.org.code,
            parse_period(c.period),
            c.item,
            c.requirement,
            c.result,
            c.problem,
            c.action,
            c.owner,
            c.deadline,
            c.closed,
            c.closed_on,
            c.points,
            c.row,
        )
        for c in rows.select_related("org")
    ]


def narrative(org: str) -> list[NarrativeSection]:
    """The paragraphs written for `org`'s report."""
    return [NarrativeSection(n.section, n.text) for n in m.Narrative.objects.filter(org__code=org)]


def report_header(org: str) -> dict[str, str]:
    """The `meta` keys of `org`'s report."""
    return dict(m.ReportHeader.objects.filter(org__code=org).values_list("key", "value"))
