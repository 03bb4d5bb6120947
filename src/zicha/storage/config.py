"""Where the server keeps its data and how it reaches its database.

The data folder holds the SQLite database (by default), the generated secret key and the lock taken
while migrating. Settings come from arguments, else the environment (`ZICHA_DATA`,
`ZICHA_DATABASE_URL`), else the platform's user data folder and SQLite in it.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from zicha.domain.errors import InputError, Problem

DATA_ENV = "ZICHA_DATA"
DATABASE_ENV = "ZICHA_DATABASE_URL"
SQLITE_NAME = "zicha.sqlite3"
SECRET_NAME = "secret_key"

#: how long a writer waits for SQLite's lock before giving up (milliseconds)
BUSY_TIMEOUT_MS = 20_000


def data_folder(given: str | Path | None = None) -> Path:
    """The data folder: the argument, else `ZICHA_DATA`, else the user data folder."""
    if given:
        return Path(given).expanduser()
    if os.environ.get(DATA_ENV):
        return Path(os.environ[DATA_ENV]).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("zicha", appauthor=False))


def database_url(given: str | None, data: Path) -> str:
    """The database URL: the argument, else `ZICHA_DATABASE_URL`, else SQLite in `data`.

    >>> database_url("postgresql://db/zicha", Path("/srv/zicha"))
    'postgresql://db/zicha'
    """
    url = given or os.environ.get(DATABASE_ENV)
    if url:
        return url
    return f"sqlite:///{(data / SQLITE_NAME).as_posix()}"


def database_settings(url: str) -> dict[str, Any]:
    """Django's DATABASES entry for a URL (`sqlite:///…`, `postgresql://…`).

    SQLite is set up to serve many readers and queued writers: WAL, synchronous=NORMAL, a busy
    timeout, and transactions that take the write lock when they begin (IMMEDIATE), so that two
    writers wait for each other instead of one failing with "database is locked".
    """
    import dj_database_url

    try:
        db: dict[str, Any] = dict(dj_database_url.parse(url))
    except Exception as exc:  # the library raises several kinds for a malformed URL
        raise InputError(
            [
                Problem(
                    option="--db",
                    found=masked(url),
                    expected="数据库地址，如 sqlite:///路径/zicha.sqlite3 或 "
                    "postgresql://用户:密码@主机:5432/库名",
                    message=str(exc) or None,
                )
            ]
        ) from None
    engine = str(db.get("ENGINE", ""))
    if engine.endswith("sqlite3"):
        db["OPTIONS"] = {
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS};"
                "PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": BUSY_TIMEOUT_MS / 1000,
        }
        # a connection kept by each serving thread: opening one and setting its pragmas cost
        # more than a whole cached answer
        db["CONN_MAX_AGE"] = 60
    elif "postgresql" in engine:
        # kept likewise: the URL parser's default (0) would start a new server process for
        # every request
        db["CONN_MAX_AGE"] = 60
        db["CONN_HEALTH_CHECKS"] = True
    else:
        raise InputError(
            [
                Problem(
                    option="--db",
                    found=masked(url),
                    expected="SQLite（sqlite:///…）或 PostgreSQL（postgresql://…）的数据库地址",
                )
            ]
        )
    return db


def secret_key(data: Path) -> str:
    """The secret key kept in the data folder, generated (mode 0600) on first use."""
    path = data / SECRET_NAME
    if path.is_file():
        return path.read_text(encoding="ascii").strip()
    data.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process wrote it first
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key)
    return key


def masked(url: str) -> str:
    """The URL with its password hidden, for messages.

    >>> masked("postgresql://zicha:geheim@db:5432/zicha")
    'postgresql://zicha:***@db:5432/zicha'
    """
    head, sep, tail = url.partition("://")
    if not sep or "@" not in tail:
        return url
    cred, _, host = tail.rpartition("@")
    user, colon, _ = cred.partition(":")
    return f"{head}://{user}{':***' if colon else ''}@{host}"
