"""The audit trail: every write path records its changes (user, time, unit, period, element, old,
new, path, comment); a refused write records nothing; the table refuses UPDATE and DELETE on the
database; `zicha audit verify` finds an entry altered in the database file (after dropping the
triggers, as an attacker with the file could) and an entry deleted."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.db import DatabaseError, connection, transaction
from django.test import Client
from rest_framework.test import APIClient

from tests.server.conftest import values_xlsx
from zicha.actions import audit, ledger
from zicha.actions.loading import load_dataset
from zicha.domain.period import parse_period
from zicha.engine.dataset import Dataset
from zicha.packs.demo_county import demo_sheets
from zicha.packs.registry import get_pack
from zicha.storage import models as m
from zicha.workbook.export import write_raw_workbook
from zicha.workbook.reader import read_workbook
from zicha.workbook.sheets import SHEETS

TABLE = m.AuditEntry._meta.db_table


def demo_dataset(changes: dict[tuple[str, str, str], str] | None = None) -> Dataset:
    """The demo county's workbook as read, with some values changed: (unit, period, element's
    Chinese name) → value."""
    sheets = demo_sheets()
    for row in sheets["数据"][1:]:
        key = (row[0], row[1], row[2])
        if changes and key in changes:
            row[3] = changes[key]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "示例县.xlsx"
        write_raw_workbook(sheets, path, [s.zh for s in SHEETS])
        return read_workbook(path, get_pack, rows=True)


def newest(n: int = 1) -> list[m.AuditEntry]:
    return list(m.AuditEntry.objects.order_by("-seq")[:n])


def test_the_data_entry_form_is_recorded(db: Any) -> None:
    page = Client()
    page.force_login(m.User.objects.get(username="xxxiang"))
    cell = {"org": "510001", "element": "deaths", "period": "201101", "shown_period": "2010OctS1"}
    page.post("/entry/cell", {**cell, "value": "12"})
    page.post("/entry/cell", {**cell, "value": "13"})
    page.post("/entry/cell", {**cell, "value": ""})
    rows = newest(3)
    assert [(e.action, e.old, e.new) for e in rows] == [
        ("delete", "13", None),
        ("update", "12", "13"),
        ("create", None, "12"),
    ]
    e = rows[-1]
    assert (e.user, e.path, e.kind, e.org, e.period, e.element) == (
        "xxxiang",
        "form",
        "value",
        "510001",
        "201101",
        "deaths",
    )
    assert e.start.isoformat() == "2011-01-01"
    assert e.time is not None


def test_data_value_sets_are_recorded(other_clerk: APIClient) -> None:
    body = {
        "orgUnit": "51000201",
        "period": "201104",
        "dataValues": [{"dataElement": "deaths", "value": "3", "comment": "补报"}],
    }
    assert other_clerk.post("/api/dataValueSets", body, format="json").status_code == 200
    (e,) = newest()
    assert (e.user, e.path, e.kind, e.org, e.period, e.element, e.old, e.new, e.comment) == (
        "donghe",
        "dataValueSets",
        "value",
        "51000201",
        "201104",
        "deaths",
        None,
        "3",
        "补报",
    )


def test_an_import_is_recorded(clerk: APIClient) -> None:
    old = m.DataValue.objects.get(org__code="510001", element="births", period="2010OctS1").value
    upload = values_xlsx([["510001", "2010OctS1", "births", "240"]])
    assert clerk.post("/api/imports", {"file": upload}, format="multipart").status_code == 201
    (e,) = newest()
    assert (e.user, e.path, e.org, e.period, e.element, e.old, e.new) == (
        "xxxiang",
        "import",
        "510001",
        "2010OctS1",
        "births",
        f"{old:g}",
        "240",
    )


def test_a_load_is_recorded(db: Any) -> None:
    dataset = demo_dataset({("51000201", "201101", "死亡人数"): "41"})
    load_dataset(dataset, None, "示例县.xlsx")
    (e,) = newest()
    assert (e.user, e.path, e.org, e.period, e.element, e.new) == (
        "",
        "load",
        "51000201",
        "201101",
        "deaths",
        "41",
    )


def test_the_checklist_is_recorded(db: Any) -> None:
    clerk = m.User.objects.get(username="xxxiang")
    item = m.ChecklistItem.objects.filter(org__code="510001", result="推进中").first()
    assert item is not None
    ledger.update_item(clerk, item.pk, {"result": "达标", "owner": "乡政府办公室"})
    rows = newest(2)
    assert {(e.kind, e.path, e.element, e.old, e.new) for e in rows} == {
        ("checklist", "checklist", f"{item.item}·检查结果", "推进中", "达标"),
        (
            "checklist",
            "checklist",
            f"{item.item}·责任部门/责任人",
            item.owner or None,
            "乡政府办公室",
        ),
    }
    ledger.add_item(clerk, "510001", parse_period("2010OctS1"), {"item": "建立台账"})
    (e,) = newest()
    assert (e.kind, e.action, e.element, e.new) == (
        "checklist",
        "create",
        "建立台账",
        "检查结果=未启动",
    )


def test_targets_registers_and_narrative_loaded_are_recorded(db: Any) -> None:
    sheets = demo_sheets()
    for row in sheets["目标"][1:]:
        if row[0] == "510002" and row[2] == "出生人数":
            row[3] = "<=100"
    sheets["出生登记"] = [
        ["单位代码", "出生日期", "性别", "孩次", "政策内", "登记编号"],
        ["51000201", "2011-04-03", "女", "1", "是", "CS-1"],
    ]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "示例县.xlsx"
        write_raw_workbook(sheets, path, [s.zh for s in SHEETS])
        load_dataset(read_workbook(path, get_pack, rows=True), None, "示例县.xlsx")
    kinds = {e.kind: e for e in m.AuditEntry.objects.filter(path="load").order_by("-seq")[:5]}
    assert kinds["target"].org == "510002"
    # a target as a reviewer writes it, and the day it takes effect (a closed year: its start)
    assert (kinds["target"].old, kinds["target"].new) == ("≤316", "≤100")
    assert kinds["target"].comment == "自2010-10-01起适用"
    # register rows: one entry per unit and month, its row count before and after
    birth = kinds["birth"]
    assert (birth.org, birth.period, birth.element) == ("51000201", "201104", "births")
    assert (birth.old, birth.new, birth.comment) == (None, "1 行", "新增 1 行：登记编号 CS-1")


def test_a_refused_write_records_nothing(clerk: APIClient, reviewer: APIClient) -> None:
    before = m.AuditEntry.objects.count()
    outside = {
        "orgUnit": "510002",
        "period": "201101",
        "dataValues": [{"dataElement": "deaths", "value": "1"}],
    }
    assert clerk.post("/api/dataValueSets", outside, format="json").status_code == 409
    bad = values_xlsx([["510001", "201101", "deaths", "4"], ["510002", "201101", "deaths", "1"]])
    assert clerk.post("/api/imports", {"file": bad}, format="multipart").status_code == 403
    mine = {
        "orgUnit": "510001",
        "period": "201101",
        "dataValues": [{"dataElement": "deaths", "value": "1"}],
    }
    assert reviewer.post("/api/dataValueSets", mine, format="json").status_code == 403
    assert m.AuditEntry.objects.count() == before


def test_api_audit_is_the_subtree_newest_first(
    other_clerk: APIClient, clerk: APIClient, reviewer: APIClient
) -> None:
    for org, val in (("51000201", "1"), ("51000202", "2"), ("510002", "3")):
        body = {
            "orgUnit": org,
            "period": "201104",
            "dataValues": [{"dataElement": "deaths", "value": val}],
        }
        other_clerk.post("/api/dataValueSets", body, format="json")
    rows = other_clerk.get(
        "/api/audit", {"org": "510002", "period": "2010OctS2", "element": "deaths"}
    ).json()
    assert [(r["org"], r["new"]) for r in rows] == [
        ("510002", "3"),
        ("51000202", "2"),
        ("51000201", "1"),
    ]
    assert set(rows[0]) >= {
        "seq",
        "time",
        "user",
        "action",
        "org",
        "period",
        "element",
        "old",
        "new",
        "comment",
    }
    assert rows[0]["seq"] > rows[1]["seq"] > rows[2]["seq"]
    village = other_clerk.get(
        "/api/audit", {"org": "51000202", "period": "2010OctS2", "element": "deaths"}
    ).json()
    assert [r["new"] for r in village] == ["2"]
    assert (
        other_clerk.get("/api/audit", {"org": "510002", "period": "2010OctS1"}).json()[0]["period"]
        != "201104"
    )
    assert clerk.get("/api/audit", {"org": "510002"}).status_code == 404
    deaths = {"period": "201104", "element": "deaths"}
    assert len(reviewer.get("/api/audit", {"org": "510000", **deaths}).json()) == 3
    assert clerk.get("/api/audit", {"org": "510001", **deaths}).json() == []
    limited = reviewer.get("/api/audit", {"org": "510000", "limit": "2"}).json()
    assert len(limited) == 2
    older = reviewer.get(
        "/api/audit", {"org": "510000", "limit": "1", "before": limited[1]["seq"]}
    ).json()
    assert older[0]["seq"] == limited[1]["seq"] - 1


# ---------------------------------------------------------------------------------------------
# the table refuses UPDATE and DELETE; the chain shows what an attacker did


def _raw(sql: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


@pytest.mark.parametrize(
    "sql",
    [
        f"UPDATE {TABLE} SET new = 'x' WHERE seq = 1",
        f"DELETE FROM {TABLE} WHERE seq = 1",
        f"DELETE FROM {TABLE}",
    ],
)
def test_the_database_refuses_update_and_delete(db: Any, sql: str) -> None:
    before = list(m.AuditEntry.objects.order_by("seq").values_list("seq", "new")[:3])
    assert before, "the demo county's load is recorded"
    with pytest.raises(DatabaseError) as refused, transaction.atomic():
        _raw(sql)
    assert "只能追加" in str(refused.value)
    assert list(m.AuditEntry.objects.order_by("seq").values_list("seq", "new")[:3]) == before


def test_the_orm_cannot_change_an_entry_either(db: Any) -> None:
    entry = m.AuditEntry.objects.order_by("seq").first()
    assert entry is not None
    entry.new = "forged"
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        m.AuditEntry.objects.filter(seq=entry.seq).delete()


def drop_triggers() -> None:
    """What an attacker holding the database file would do first."""
    if connection.vendor == "sqlite":
        _raw(f"DROP TRIGGER {TABLE}_no_update")
        _raw(f"DROP TRIGGER {TABLE}_no_delete")
    else:
        _raw(f"DROP TRIGGER {TABLE}_no_change ON {TABLE}")


def verify_cli() -> tuple[int, str]:
    from zicha.cli.main import cli

    result = CliRunner().invoke(cli, ["audit", "verify"])
    return result.exit_code, result.output


def test_verify_an_intact_chain(db: Any) -> None:
    verdict = audit.verify()
    assert verdict.ok
    assert verdict.entries == m.AuditEntry.objects.count() > 0
    code, out = verify_cli()
    assert code == 0, out
    assert "完好" in out


def test_verify_finds_an_altered_entry(db: Any) -> None:
    victim = m.AuditEntry.objects.filter(kind="value").order_by("seq")[5]
    drop_triggers()
    _raw(f"UPDATE {TABLE} SET new = %s WHERE seq = %s", ["999", victim.seq])
    verdict = audit.verify()
    assert (verdict.ok, verdict.seq) == (False, victim.seq)
    assert "改动" in verdict.problem
    code, out = verify_cli()
    assert code == 1
    assert f"第 {victim.seq} 条" in out


def test_verify_finds_an_entry_rewritten_with_its_hash(db: Any) -> None:
    victim = m.AuditEntry.objects.order_by("seq")[3]
    victim.new = "999"
    forged = audit.digest(victim)
    drop_triggers()
    _raw(f"UPDATE {TABLE} SET new = %s, hash = %s WHERE seq = %s", ["999", forged, victim.seq])
    verdict = audit.verify()
    assert (verdict.ok, verdict.seq) == (False, victim.seq)


def test_verify_finds_a_deleted_entry(db: Any) -> None:
    victim = m.AuditEntry.objects.order_by("seq")[7]
    drop_triggers()
    _raw(f"DELETE FROM {TABLE} WHERE seq = %s", [victim.seq])
    verdict = audit.verify()
    assert (verdict.ok, verdict.seq) == (False, victim.seq)
    assert "删除" in verdict.problem
    code, out = verify_cli()
    assert code == 1
    assert f"第 {victim.seq} 条" in out and "删除" in out


def test_verify_finds_the_last_entries_deleted(db: Any) -> None:
    last = m.AuditEntry.objects.order_by("-seq").first()
    assert last is not None
    drop_triggers()
    _raw(f"DELETE FROM {TABLE} WHERE seq >= %s", [last.seq - 1])
    verdict = audit.verify()
    assert (verdict.ok, verdict.seq) == (False, last.seq - 1)
    assert "链尾" in verdict.problem


def test_submissions_and_deadlines_are_recorded(
    other_clerk: APIClient, reviewer: APIClient
) -> None:
    pk = other_clerk.post(
        "/api/submissions", {"org": "510002", "period": "2010OctS1"}, format="json"
    ).json()["id"]
    reviewer.post(f"/api/submissions/{pk}/return", {"comment": "请核实"}, format="json")
    rows = newest(2)
    assert [(e.kind, e.user, e.old, e.new, e.comment) for e in rows] == [
        ("submission", "county", "submitted", "returned", "请核实"),
        ("submission", "donghe", None, "submitted", ""),
    ]
    assert audit.verify().ok


def test_register_rows_added_to_a_month_show_its_count(db: Any) -> None:
    header = ["单位代码", "出生日期", "性别", "孩次", "政策内", "登记编号"]
    first = ["51000201", "2011-04-03", "女", "1", "是", "CS-1"]
    second = ["51000201", "2011-04-20", "男", "2", "是", "CS-2"]
    for rows in ([first], [first, second]):
        sheets = demo_sheets()
        sheets["出生登记"] = [header, *rows]
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "示例县.xlsx"
            write_raw_workbook(sheets, path, [s.zh for s in SHEETS])
            load_dataset(read_workbook(path, get_pack, rows=True), None, "示例县.xlsx")
    entries = list(
        m.AuditEntry.objects.filter(kind="birth", org="51000201", period="201104").order_by("seq")
    )
    assert [(e.old, e.new, e.comment) for e in entries] == [
        (None, "1 行", "新增 1 行：登记编号 CS-1"),
        ("1 行", "2 行", "新增 1 行：登记编号 CS-2"),
    ]
