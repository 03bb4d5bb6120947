"""The audit trail (变更记录): every change of data, targets, the checklist and submissions, by any
path, in an append-only, hash-chained table.

Writers do not call this module directly: a write through `zicha.actions.entry` records each
change with one call, `Write.record(kind, unit, period, key, old, new)`, and the write appends
its changes here when it ends, in its own transaction (a refused write records nothing).

Each entry's `hash` is the SHA-256 of its canonical form (`canonical`), which holds every field
and the hash of the entry before (`prev`): altering an entry, or removing one, breaks the chain
at that place, and `verify` names it. The database refuses UPDATE and DELETE on the table
(triggers, migration 0003), so only someone with the database file itself, dropping the
triggers first, can alter it, and the chain shows that they did.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from zicha.actions import county
from zicha.domain.period import Period
from zicha.storage import models as m

GENESIS = "0" * 64
HEAD = "audit"

#: what a kind of change is called on the 变更记录 page
KIND_NAMES = {
    "value": "数据",
    "stated": "报告所列数",
    "birth": "出生登记",
    "death": "死亡登记",
    "target": "目标",
    "assessment": "考核办法",
    "checklist": "检查事项",
    "narrative": "文字材料",
    "header": "基本信息",
    "orgunit": "组织机构",
    "submission": "报送审核",
    "deadline": "报送期限",
}
#: how a change came in
PATH_NAMES = {
    "form": "数据填报",
    "import": "导入",
    "dataValueSets": "DHIS2 接口",
    "load": "zicha load",
    "checklist": "检查事项",
    "review": "报送审核",
    "targets": "目标设置",
}
ACTION_NAMES = {"create": "新增", "update": "修改", "delete": "删除"}


@dataclass(frozen=True)
class Change:
    """One change to record: what (`kind`, `key`), where (`org`, `period`), from `old` to `new`
    (None: absent before, or gone after)."""

    kind: str
    org: str
    period: Period | None
    key: str
    old: str | None
    new: str | None
    comment: str = ""

    @property
    def action(self) -> str:
        if self.old is None:
            return "create"
        return "delete" if self.new is None else "update"


#: the fields of an entry in the order of its canonical form (all but the hash)
FIELDS = (
    "seq",
    "time",
    "user",
    "path",
    "action",
    "kind",
    "org",
    "period",
    "start",
    "end",
    "element",
    "old",
    "new",
    "comment",
    "prev",
)


def canonical(values: Sequence[Any]) -> bytes:
    """The form an entry's hash is taken over: its FIELDS in order as compact JSON, times in
    UTC to the microsecond, dates as ISO dates.

    >>> import datetime as dt
    >>> e = (1, dt.datetime(2011, 4, 1, tzinfo=dt.UTC), "county", "review", "update",
    ...      "submission", "510002", "2010OctS1", dt.date(2010, 10, 1), dt.date(2011, 3, 31), "",
    ...      "submitted", "returned", "请核实", GENESIS)
    >>> canonical(e).decode()[:60]
    '[1,"2011-04-01T00:00:00.000000+00:00","county","review","upd'
    """
    out = list(values)
    out[0] = int(out[0])
    out[1] = out[1].astimezone(dt.UTC).isoformat(timespec="microseconds")
    out[8] = out[8].isoformat() if out[8] else None
    out[9] = out[9].isoformat() if out[9] else None
    return json.dumps(out, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def digest(entry: m.AuditEntry) -> str:
    """The hash an entry as stored should carry."""
    return hashlib.sha256(canonical([getattr(entry, f) for f in FIELDS])).hexdigest()


def append(changes: Iterable[Change], user: m.User | None, path: str) -> int:
    """Append `changes` to the chain, in the caller's transaction; returns how many.

    The head row is locked first (SELECT … FOR UPDATE on PostgreSQL; SQLite's writers already
    queue), so concurrent writers chain their entries one after the other."""
    changes = list(changes)
    if not changes:
        return 0
    with transaction.atomic():
        head = m.AuditHead.objects.select_for_update().get(name=HEAD)
        now = timezone.now()
        name = user.username if user is not None else ""
        seq, prev = head.seq, head.hash
        rows: list[tuple[Any, ...]] = []
        for c in changes:
            seq += 1
            p = c.period
            values = (
                seq,
                now,
                name,
                path,
                c.action,
                c.kind,
                c.org,
                p.id if p else "",
                p.start if p else None,
                p.end if p else None,
                c.key,
                c.old,
                c.new,
                c.comment,
                prev,
            )
            prev = hashlib.sha256(canonical(values)).hexdigest()
            rows.append((*values, prev))
        _insert(rows)
        head.seq, head.hash = seq, prev
        head.save(update_fields=["seq", "hash"])
    return len(rows)


def _insert(rows: list[tuple[Any, ...]]) -> None:
    """INSERT the entries (FIELDS, then the hash) with one prepared statement (the ORM's
    bulk_create would split them into statements of a few dozen rows on SQLite), or COPY them
    on PostgreSQL."""
    meta = m.AuditEntry._meta
    fields = [meta.get_field(f) for f in (*FIELDS, "hash")]
    table = connection.ops.quote_name(meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(fields))})"
    prepared: dict[tuple[int, object], object] = {}

    def prep(i: int, value: object) -> object:
        if value is None or isinstance(value, str | int):
            return value
        if (i, value) not in prepared:
            prepared[(i, value)] = fields[i].get_db_prep_save(value, connection)
        return prepared[(i, value)]

    if connection.vendor == "postgresql":
        # COPY: a load's tens of thousands of entries in a fraction of the statements' time
        sql_copy = f"COPY {table} ({names}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql_copy) as copy:
            for row in rows:
                copy.write_row([prep(i, v) for i, v in enumerate(row)])
        return
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(
                sql, [[prep(i, v) for i, v in enumerate(row)] for row in rows[start : start + 5000]]
            )


# ---------------------------------------------------------------------------------------------
# verifying the chain


@dataclass(frozen=True)
class Verdict:
    """What `verify` found: `ok`, how many entries it walked, and the first one altered or
    removed (`seq`) with the reason in words."""

    entries: int
    seq: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.seq is None


def verify(chunk: int = 5000) -> Verdict:
    """Walk the chain from the first entry: every number follows the one before, every entry
    links to the hash of the one before, every hash is its entry's, and the last entry is the
    one the head names. The head is read first and the walk stops there, so it can run while
    the server writes (entries appended meanwhile are left for the next walk)."""
    head = m.AuditHead.objects.filter(name=HEAD).first()
    end = head.seq if head is not None else None
    count = 0
    expected_seq, prev = 1, GENESIS
    for entry in _entries(chunk, end):
        count += 1
        if entry.seq != expected_seq:
            missing = (
                f"第 {expected_seq} 条"
                if entry.seq == expected_seq + 1
                else f"第 {expected_seq}–{entry.seq - 1} 条"
            )
            return Verdict(count, expected_seq, f"{missing}变更记录已被删除")
        if entry.prev != prev:
            # the entry before checked out by its own hash, yet this one links elsewhere: the
            # one before was rewritten together with its hash
            return Verdict(
                count,
                entry.seq - 1,
                f"第 {entry.seq - 1} 条变更记录已被改动"
                f"（第 {entry.seq} 条所记的前一条哈希与之不符）",
            )
        if digest(entry) != entry.hash:
            return Verdict(count, entry.seq, f"第 {entry.seq} 条变更记录已被改动（哈希不符）")
        expected_seq, prev = entry.seq + 1, entry.hash
    last = expected_seq - 1
    if head is not None and head.seq > last:
        gone = f"第 {last + 1} 条" if head.seq == last + 1 else f"第 {last + 1}–{head.seq} 条"
        return Verdict(count, last + 1, f"{gone}变更记录已被删除（链尾）")
    if head is not None and head.hash != prev:
        return Verdict(count, last, f"第 {last} 条变更记录已被改动（与链尾记录不符）")
    return Verdict(count)


def _entries(chunk: int, end: int | None) -> Iterator[m.AuditEntry]:
    after = 0
    rows = m.AuditEntry.objects.all() if end is None else m.AuditEntry.objects.filter(seq__lte=end)
    while True:
        batch = list(rows.filter(seq__gt=after).order_by("seq")[:chunk])
        if not batch:
            return
        yield from batch
        after = batch[-1].seq


# ---------------------------------------------------------------------------------------------
# reading it


def entries(
    user: m.User,
    org: str | None,
    period: Period | None = None,
    *,
    element: str | None = None,
    limit: int | None = None,
    before: int | None = None,
) -> list[m.AuditEntry]:
    """The entries of `org` (in the user's scope) and every unit below it, newest first; with a
    period, those whose period overlaps it (entries without a period, such as the assessment
    method's, are then left out)."""
    unit = county.unit_for(user, org)
    codes = m.OrgUnit.objects.filter(path__startswith=unit.path).values("code")
    rows = m.AuditEntry.objects.filter(org__in=codes)
    if period is not None:
        rows = rows.filter(start__lte=period.end, end__gte=period.start)
    if element:
        rows = rows.filter(element=element)
    if before is not None:
        rows = rows.filter(seq__lt=before)
    rows = rows.order_by("-seq")
    return list(rows[:limit] if limit else rows)


def cell_history(user: m.User, org: str | None, element: str, period: Period) -> list[m.AuditEntry]:
    """Every change of one data value (one cell of the data-entry grid), newest first."""
    unit = county.unit_for(user, org)
    return list(
        m.AuditEntry.objects.filter(
            org=unit.code, kind="value", element=element, period=period.id
        ).order_by("-seq")
    )


def entry_json(e: m.AuditEntry) -> dict[str, Any]:
    """An entry as `GET /api/audit` answers it (CONTRACT §7), with `kind` and `path` beside."""
    return {
        "seq": e.seq,
        "time": e.time.isoformat(),
        "user": e.user or None,
        "action": e.action,
        "kind": e.kind,
        "path": e.path,
        "org": e.org,
        "period": e.period or None,
        "element": e.element or None,
        "old": e.old,
        "new": e.new,
        "comment": e.comment,
    }
