"""Copies of the whole database, taken while the server runs, and their restore.

Two forms:
- **SQLite's own file**, taken with SQLite's online backup API (`sqlite3.Connection.backup`):
  a consistent snapshot however many writers are at work, restored by the same API;
- **a logical export** (`zicha-backup` zip): every table of the server (the `storage` app) as
  JSON lines, read in one REPEATABLE READ transaction on PostgreSQL (one snapshot), plus a
  manifest naming the migrations the database was at. It needs no client tools, moves between
  SQLite and PostgreSQL, and is restored through Django: the empty database is migrated to the
  backup's migrations, the rows are inserted as they were (primary keys, times and hashes
  unchanged), sequences are reset, and the database is migrated to the current code.

Sessions are not kept: after a restore everyone logs in again (API tokens are kept).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import sqlite3
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder

from zicha.domain.errors import InputError, Problem

FORMAT = "zicha-backup"
VERSION = 1
SQLITE_MAGIC = b"SQLite format 3\x00"
APP = "storage"
BATCH = 2000


def server_models() -> list[type[models.Model]]:
    """The server's tables, parents before the rows that point at them."""
    found = list(apps.get_app_config(APP).get_models())
    ordered: list[type[models.Model]] = []

    def visit(model: type[models.Model]) -> None:
        if model in ordered:
            return
        for f in model._meta.concrete_fields:
            target = f.related_model if f.is_relation else None
            if isinstance(target, type) and target in found and target is not model:
                visit(target)
        ordered.append(model)

    for model in found:
        visit(model)
    return ordered


def is_sqlite_file(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(16) == SQLITE_MAGIC


# ---------------------------------------------------------------------------------------------
# SQLite: the online backup API


def sqlite_snapshot(target: Path) -> None:
    """Copy the server's SQLite database to `target` with the online backup API (one step, so
    one consistent snapshot while writers go on). Written beside and renamed: never half a
    file."""
    connection.ensure_connection()
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    with closing(sqlite3.connect(partial)) as dest:
        connection.connection.backup(dest)
        dest.execute("PRAGMA journal_mode=DELETE")
    partial.replace(target)


def sqlite_copy(source: Path, target: Path) -> None:
    """Restore a SQLite backup file into the (new) database file `target`."""
    check_sqlite_backup(source)
    with (
        closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src,
        closing(sqlite3.connect(target)) as dest,
    ):
        src.backup(dest)


def check_sqlite_backup(path: Path) -> None:
    """A SQLite file holding a zicha database, intact."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            ok = db.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        raise InputError([Problem(file=str(path), message=f"备份文件无法读取（{exc}）")]) from None
    if ok != "ok":
        raise InputError([Problem(file=str(path), message=f"备份文件已损坏（{ok}）")])
    if "storage_auditentry" not in tables or "django_migrations" not in tables:
        raise InputError([Problem(file=str(path), message="这不是 zicha 服务器的数据库备份")])


# ---------------------------------------------------------------------------------------------
# the logical export


def _json_default(x: object) -> str:
    if isinstance(x, dt.datetime | dt.date):
        return x.isoformat()
    raise TypeError(f"cannot write {type(x).__name__}")


def export_logical(target: Path) -> dict[str, int]:
    """Every server table into a `zicha-backup` zip at `target`, from one snapshot; returns the
    rows written per table."""
    counts: dict[str, int] = {}
    partial = target.with_name(target.name + ".partial")
    with (
        transaction.atomic(),
        zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        applied = sorted(
            [app, name] for app, name in MigrationRecorder(connection).applied_migrations()
        )
        for model in server_models():
            table = model._meta.db_table
            fields = model._meta.concrete_fields
            n = 0
            with (
                archive.open(f"{table}.jsonl", "w") as raw,
                io.TextIOWrapper(raw, encoding="utf-8", newline="\n") as out,
            ):
                out.write(json.dumps([f.column for f in fields]) + "\n")
                rows = model._base_manager.order_by("pk").values_list(*[f.attname for f in fields])
                for row in rows.iterator(chunk_size=BATCH):
                    out.write(json.dumps(row, ensure_ascii=False, default=_json_default) + "\n")
                    n += 1
            counts[table] = n
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "vendor": connection.vendor,
            "taken": dt.datetime.now(dt.UTC).isoformat(),
            "migrations": applied,
            "tables": counts,
        }
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    partial.replace(target)
    return counts


class Rows:
    """The tables of a backup, whichever its form: `migrations` it was at, and each table's
    columns and rows (values as JSON or SQLite keep them)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sqlite = is_sqlite_file(path)
        if self.sqlite:
            check_sqlite_backup(path)
            with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
                self.migrations = [
                    (a, n) for a, n in db.execute("SELECT app, name FROM django_migrations")
                ]
                self.tables = {
                    r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
                }
            return
        try:
            with zipfile.ZipFile(path) as archive:
                manifest = json.loads(archive.read("manifest.json"))
                self.tables = {
                    n[: -len(".jsonl")] for n in archive.namelist() if n.endswith(".jsonl")
                }
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise InputError(
                [Problem(file=str(path), message=f"不是 zicha 的备份文件（{exc}）")]
            ) from None
        if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
            raise InputError([Problem(file=str(path), message="不是本版本 zicha 的备份文件")])
        self.migrations = [tuple(x) for x in manifest["migrations"]]

    def read(self, table: str) -> tuple[list[str], Iterator[list[Any]]]:
        if table not in self.tables:
            return [], iter(())
        if self.sqlite:
            return self._sqlite_rows(table)
        return self._zip_rows(table)

    def _sqlite_rows(self, table: str) -> tuple[list[str], Iterator[list[Any]]]:
        db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        cursor = db.execute(f'SELECT * FROM "{table}"')
        columns = [d[0] for d in cursor.description]

        def rows() -> Iterator[list[Any]]:
            with closing(db):
                for row in cursor:
                    yield list(row)

        return columns, rows()

    def _zip_rows(self, table: str) -> tuple[list[str], Iterator[list[Any]]]:
        archive = zipfile.ZipFile(self.path)
        stream = io.TextIOWrapper(archive.open(f"{table}.jsonl"), encoding="utf-8")
        columns = json.loads(stream.readline())

        def rows() -> Iterator[list[Any]]:
            with archive, stream:
                for line in stream:
                    yield json.loads(line)

        return columns, rows()


def import_rows(backup: Rows) -> dict[str, int]:
    """Restore `backup` into the empty database Django is connected to."""
    known = _known_migrations()
    wanted = [n for a, n in backup.migrations if a == APP]
    unknown = [n for n in wanted if (APP, n) not in known]
    if unknown:
        raise InputError(
            [
                Problem(
                    file=str(backup.path),
                    message=f"备份来自更新版本的 zicha（迁移 {unknown[-1]}），请先升级 zicha",
                )
            ]
        )
    if not wanted:
        raise InputError([Problem(file=str(backup.path), message="备份中没有 zicha 的数据表")])
    call_command("migrate", APP, sorted(wanted)[-1], interactive=False, verbosity=0)
    counts: dict[str, int] = {}
    with transaction.atomic():
        ordered = server_models()
        for model in ordered:
            if model._meta.db_table in backup.tables:
                _clear(model)
        for model in ordered:
            counts[model._meta.db_table] = _insert(model, *backup.read(model._meta.db_table))
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), ordered):
                cursor.execute(sql)
    call_command("migrate", interactive=False, verbosity=0)
    return counts


def _known_migrations() -> set[tuple[str, str]]:
    from django.db.migrations.loader import MigrationLoader

    return set(MigrationLoader(connection, ignore_no_migrations=True).disk_migrations)


def _clear(model: type[models.Model]) -> None:
    """Rows a migration made (the chain's head) go: the backup brings its own."""
    if model._base_manager.exists():
        with connection.cursor() as cursor:
            cursor.execute(f'DELETE FROM "{model._meta.db_table}"')


def _insert(model: type[models.Model], columns: list[str], rows: Iterable[list[Any]]) -> int:
    by_column = {f.column: f for f in model._meta.concrete_fields}
    fields = [by_column[c] for c in columns if c in by_column]
    keep = [i for i, c in enumerate(columns) if c in by_column]
    if not fields:
        return 0
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = (
        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({names}) VALUES ({marks})"
    )
    n = 0
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append([_db_value(f, row[i]) for f, i in zip(fields, keep, strict=True)])
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                n += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            n += len(batch)
    return n


def _db_value(field: models.Field[Any, Any], raw: Any) -> Any:
    if raw is None:
        return None
    value = raw if field.is_relation else field.to_python(raw)
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)  # SQLite keeps UTC without an offset
    return field.get_db_prep_save(value, connection)
