"""`zicha backup FILE` and `zicha restore FILE` (CONTRACT §7).

A backup is taken while the server runs: SQLite's own file through its online backup API, or,
for PostgreSQL (or with `portable`), a logical export of every table that needs no client tools
and restores into either database. A restore goes into an empty data folder (and an empty
database) that no server is using; afterwards the figures are the same and the audit chain is
intact (`restore` walks it and says so).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from zicha.domain.errors import InputError, Problem
from zicha.storage import backup as store
from zicha.storage.config import data_folder, database_url

if TYPE_CHECKING:
    from zicha.actions.audit import Verdict


@dataclass(frozen=True)
class Taken:
    """What a backup wrote: its form and the rows per table (for a logical export)."""

    path: Path
    form: str  # "sqlite" or "logical"
    tables: dict[str, int]


def take(target: Path, portable: bool = False) -> Taken:
    """A consistent copy of the server's database at `target` (Django already set up)."""
    from django.db import connection

    if target.exists() and target.is_dir():
        raise InputError([Problem(file=str(target), message="这是一个目录，请给出备份文件名")])
    if not target.parent.exists():
        raise InputError([Problem(file=str(target), message="备份文件所在的目录不存在")])
    if connection.vendor == "sqlite" and not portable:
        store.sqlite_snapshot(target)
        return Taken(target, "sqlite", {})
    return Taken(target, "logical", store.export_logical(target))


def folder_for(data: Path | None) -> Path:
    """The data folder a restore goes into (the argument, else ZICHA_DATA, else the default)."""
    return data_folder(data)


def check_empty(data: Path, db: str | None) -> None:
    """Refuse a data folder that holds anything, or a SQLite database file that exists: a
    restore never writes over a server's data."""
    if data.exists() and not data.is_dir():
        raise InputError([Problem(file=str(data), column="--data", message="不是目录")])
    if data.exists() and any(data.iterdir()):
        raise InputError(
            [
                Problem(
                    file=str(data),
                    column="--data",
                    message="数据目录不是空的：恢复只能放进一个新的空目录（不会覆盖已有数据）",
                )
            ]
        )
    url = database_url(db, data)
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///") :])
        if path.exists() and path.stat().st_size > 0:
            raise InputError([Problem(file=str(path), column="--db", message="数据库文件已存在")])


def check_backup(source: Path) -> None:
    if not source.is_file():
        raise InputError([Problem(file=str(source), message="备份文件不存在")])


def copy_sqlite(source: Path, data: Path, db: str | None) -> bool:
    """Restore a SQLite backup into a SQLite target by the backup API, before Django opens the
    target; False when the backup or the target is not SQLite (restore it with `load`)."""
    url = database_url(db, data)
    if not (store.is_sqlite_file(source) and url.startswith("sqlite:///")):
        return False
    target = Path(url[len("sqlite:///") :])
    target.parent.mkdir(parents=True, exist_ok=True)
    store.sqlite_copy(source, target)
    return True


def load(source: Path) -> dict[str, int]:
    """Restore `source` (a logical export, or a SQLite file into PostgreSQL) into the empty
    database Django is connected to."""
    from django.db import connection

    tables = set(connection.introspection.table_names())
    if any(t.startswith("storage_") for t in tables):
        from zicha.storage import models as m

        if m.OrgUnit.objects.exists() or m.AuditEntry.objects.exists():
            raise InputError(
                [
                    Problem(
                        column="--db", message="目标数据库里已有 zicha 的数据：请用一个空的数据库"
                    )
                ]
            )
    return store.import_rows(store.Rows(source))


def verify_after() -> Verdict:
    """The audit chain of the restored database, walked."""
    from zicha.actions.audit import verify

    return verify()
