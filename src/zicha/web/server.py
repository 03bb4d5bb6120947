"""Starting the server: the data folder, the database, migrations, and waitress.

Every server command (`serve`, `users`, `load`, …) calls `prepare` first: it sets Django up on the
data folder and database asked for, checks that the database answers, and migrates it under a
file lock (cheap when it is current, safe when two processes start at once).
"""

from __future__ import annotations

import os
from pathlib import Path

from zicha.domain.errors import InputError, Problem
from zicha.storage.config import DATA_ENV, DATABASE_ENV, data_folder, database_url

SETTINGS = "zicha.web.settings"
LOCK_NAME = "migrate.lock"


def prepare(data: str | Path | None = None, db: str | None = None, migrate: bool = True) -> Path:
    """Set Django up on `data` and `db` (arguments, else the environment, else the defaults);
    migrate when asked. Returns the data folder. Unusable settings raise InputError."""
    folder = data_folder(data)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            [
                Problem(
                    file=str(folder), option="--data", message=f"无法创建数据目录：{exc.strerror}"
                )
            ]
        ) from None
    os.environ[DATA_ENV] = str(folder)
    os.environ[DATABASE_ENV] = database_url(db, folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    import django

    django.setup()
    _check_connection(os.environ[DATABASE_ENV])
    if migrate:
        migrate_database(folder)
    return folder


def _check_connection(url: str) -> None:
    from django.db import connection
    from django.db.utils import OperationalError

    from zicha.storage.config import masked

    try:
        connection.ensure_connection()
    except OperationalError as exc:
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise InputError(
            [
                Problem(
                    option="--db",
                    found=masked(url),
                    message=f"无法连接数据库：{reason}",
                    expected="可连接的数据库（检查地址、用户名、密码和数据库服务是否已启动）",
                )
            ]
        ) from None


def migrate_database(folder: Path) -> None:
    """Apply pending migrations, under a lock file in the data folder."""
    from django.core.files import locks
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    def pending() -> bool:
        executor = MigrationExecutor(connection)
        return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))

    if not pending():
        return
    with open(folder / LOCK_NAME, "a+b") as lock:
        locks.lock(lock, locks.LOCK_EX)
        try:
            if pending():  # another process may have migrated while we waited
                call_command("migrate", interactive=False, verbosity=0)
        finally:
            locks.unlock(lock)


def serve(host: str = "127.0.0.1", port: int = 8000, threads: int = 8) -> None:
    """Serve the application with waitress until interrupted."""
    from waitress import serve as waitress_serve

    from zicha.storage import bulk
    from zicha.web.wsgi import application

    if not bulk.has_statistics():  # a database filled by hand, or by an older version
        bulk.analyze()

    waitress_serve(application, host=host, port=port, threads=threads, ident="zicha")
