"""Writing many rows at once, inside the caller's transaction: PostgreSQL's COPY, or SQLite's
executemany over plain values. Millions of register rows never become model instances.

These functions only write; the one writer that calls them is `zicha.actions.loading`.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import polars as pl
from django.db import connection, models
from django.utils import timezone

#: rows written per batch: bounds the memory of the text or tuples made for one batch
BATCH = 200_000
#: the parameters one SQLite statement may take (the limit of SQLite before 3.32)
SQLITE_VARIABLES = 999


def now() -> str:
    """The current time as the database stores a `DateTimeField` written as text."""
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    return stamp if isinstance(stamp, str) else stamp.isoformat()


def _quoted(model: type[models.Model], columns: Sequence[str]) -> tuple[str, str]:
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(model._meta.get_field(c).column) for c in columns)
    return table, names


def _plain(frame: pl.DataFrame) -> pl.DataFrame:
    """Dates as ISO text and booleans as 0/1, as Django's SQLite backend stores them."""
    return frame.with_columns(
        [pl.col(c).dt.to_string("%Y-%m-%d") for c, t in frame.schema.items() if t == pl.Date]
        + [pl.col(c).cast(pl.Int64) for c, t in frame.schema.items() if t == pl.Boolean]
    )


def _batches(frame: pl.DataFrame) -> Iterator[pl.DataFrame]:
    for offset in range(0, frame.height, BATCH):
        yield frame.slice(offset, BATCH)


def insert_frame(model: type[models.Model], frame: pl.DataFrame) -> int:
    """Insert every row of `frame` (columns named after the model's fields) into the model's
    table; returns the number of rows. Runs in the current transaction."""
    connection.ensure_connection()
    _write(connection.connection, connection.vendor, model, frame)
    return frame.height


def start_insert(model: type[models.Model], frame: pl.DataFrame) -> Callable[[], int]:
    """`insert_frame` in a thread, on the current transaction's connection, so that work that
    needs no database (counting, hashing) goes on meanwhile. Call what it returns before using
    the database again: it waits for the rows to be written (raising what the writing raised)
    and returns their number."""
    connection.ensure_connection()
    raw, vendor = connection.connection, connection.vendor
    failure: list[BaseException] = []

    def run() -> None:
        try:
            _write(raw, vendor, model, frame)
        except BaseException as exc:  # handed to the caller, which ends the transaction
            failure.append(exc)

    thread = threading.Thread(target=run, name=f"insert {model.__name__}")
    thread.start()

    def wait() -> int:
        thread.join()
        if failure:
            raise failure[0]
        return frame.height

    return wait


def _write(raw: Any, vendor: str, model: type[models.Model], frame: pl.DataFrame) -> None:
    """The rows of `frame` into the model's table over a DB-API connection."""
    if frame.height == 0:
        return
    columns = frame.columns
    table, names = _quoted(model, columns)
    cursor = raw.cursor()
    try:
        if vendor == "postgresql":
            sql = f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv)"
            with cursor.copy(sql) as copy:
                for batch in _batches(frame):
                    buffer = io.BytesIO()
                    batch.write_csv(buffer, include_header=False, quote_style="non_numeric")
                    copy.write(buffer.getvalue())
            return
        width = len(columns)
        # many rows per statement: one statement's work per row is most of the cost
        per = max(1, SQLITE_VARIABLES // width)
        one = f"({', '.join('?' * width)})"
        sql = f"INSERT INTO {table} ({names}) VALUES "
        for batch in _batches(_plain(frame)):
            flat: list[Any] = [None] * (batch.height * width)
            for j, name in enumerate(columns):
                flat[j::width] = batch[name].to_list()
            whole = batch.height // per * per * width
            step = per * width
            chunks = (flat[i : i + step] for i in range(0, whole, step))
            cursor.executemany(sql + ", ".join([one] * per), chunks)
            if whole < len(flat):
                rest = (len(flat) - whole) // width
                cursor.execute(sql + ", ".join([one] * rest), flat[whole:])
    finally:
        cursor.close()


def new_keys(model: type[models.Model], n: int) -> list[int]:
    """`n` primary keys for rows about to be inserted with their keys given, in increasing
    order: taken from PostgreSQL's sequence, or above SQLite's largest (its writers take turns)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, n],
            )
            return sorted(int(r[0]) for r in cursor.fetchall())
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")
        top = int(cursor.fetchone()[0])
    return list(range(top + 1, top + 1 + n))


def delete_keys(model: type[models.Model], keys: pl.DataFrame) -> int:
    """Delete the rows whose values in `keys`' columns equal one of its rows."""
    if keys.height == 0:
        return 0
    table, _ = _quoted(model, keys.columns)
    cols = [connection.ops.quote_name(model._meta.get_field(c).column) for c in keys.columns]
    where = " AND ".join(f"{c} = %s" for c in cols)
    with connection.cursor() as cursor:
        cursor.executemany(f"DELETE FROM {table} WHERE {where}", list(keys.iter_rows()))
    return keys.height


def fetch_frame(sql: str, params: Sequence[Any], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """The rows of a query as a frame of `schema` (one column per selected expression, in
    order). Dates that SQLite gives as text and booleans it gives as 0/1 are typed."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    columns: list[Sequence[Any]] = list(zip(*rows, strict=True)) if rows else [()] * len(schema)
    series: list[pl.Series] = []
    for (name, dtype), values in zip(schema.items(), columns, strict=True):
        if dtype == pl.Date and any(isinstance(v, str) for v in values):
            series.append(pl.Series(name, values, dtype=pl.String).str.to_date("%Y-%m-%d"))
        else:
            series.append(pl.Series(name, values, dtype=dtype, strict=False))
    return pl.DataFrame(series)


#: rows a load must change before the query planner's statistics are refreshed
STATISTICS_ROWS = 1_000


def analyze() -> None:
    """Refresh the query planner's statistics of the whole database. Without them SQLite plans
    a subtree's sums from every value of the element instead of from the unit's path (about
    110 ms a township instead of 5 ms). SQLite looks at 1,000 rows of each index, enough for
    the plan and quick on a province; PostgreSQL samples on its own."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit=1000")
        cursor.execute("ANALYZE")


def has_statistics() -> bool:
    """Whether the planner has statistics (PostgreSQL's autovacuum gathers its own)."""
    if connection.vendor != "sqlite":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return False
        cursor.execute("SELECT 1 FROM sqlite_stat1 LIMIT 1")
        return cursor.fetchone() is not None
