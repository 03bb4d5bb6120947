"""DuckDB SQL from the CSV workbook folder to zicha's indicator table (see bench/e2e_spec.py).

    python bench/e2e_duckdb.py FOLDER      # one JSON line: clock readings, rows, peak memory

Reads the raw CSVs as text (codes keep their leading zeros), parses every register row as
zicha accepts it (five date forms, sex 男/女/M/F/1/2 with stray spaces, in_policy 是/否/1/0 …,
order and age as numbers), refuses the folder (exit 2) when a row does not parse or names an
org unit that is not in the tree, rolls the registers up to unit × month, then up the tree and
into the periods, takes each stock's last level at or before each day needed, and computes the
indicators into a materialised table `result`.
"""

from __future__ import annotations

import time

T_START = time.perf_counter()

import re  # noqa: E402
import sys  # noqa: E402
from collections.abc import Iterable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import e2e_spec as spec  # noqa: E402


def _text(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _in(values: Iterable[str]) -> str:
    return "(" + ", ".join(_text(v) for v in values) + ")"


def _csv(path: Path) -> str:
    # all_varchar: as integers the codes would lose their leading zeros
    return f"read_csv({_text(str(path))}, all_varchar = true, header = true)"


# ISO dates (2024-03-05, 2024/3/5) by DuckDB's own cast, the other forms by strptime
_DATE = "coalesce(try_cast(trim(date) AS DATE), {})".format(
    ", ".join(
        f"try_strptime(trim(date), {_text(f)})::DATE"
        for f in spec.DATE_FORMS
        if f not in ("%Y-%m-%d", "%Y/%m/%d")
    )
)


def _case(column: str, mapping: dict[str, object]) -> str:
    """CASE over the trimmed, lower-cased text: each word to its value, anything else null."""
    arms = " ".join(
        f"WHEN {_text(k)} THEN {_text(v) if isinstance(v, str) else str(v).lower()}"
        for k, v in mapping.items()
    )
    return f"CASE lower(trim({column})) {arms} END"


_SEX = _case("sex", spec.SEX)
_FLAG = _case("in_policy", spec.FLAG)


def _value(indicator: str, numerator: str, factor: float, denominator: str | None) -> str:
    num = f"({numerator}) * {factor!r}::DOUBLE"
    if denominator is None:
        return f'{num} AS "val:{indicator}"'
    den = f"({denominator})"
    value = f"CASE WHEN {den} IS NULL OR {den} = 0 THEN NULL ELSE {num} / {den} END"
    return f'{value} AS "val:{indicator}"'


def statements(folder: Path) -> dict[str, str]:
    """The SQL by the table each statement makes, in order; `build` runs them with the checks."""
    births, deaths = _csv(folder / "births.csv"), _csv(folder / "deaths.csv")
    periods = ", ".join(f"({_text(pid)}, DATE '{a}', DATE '{b}')" for pid, a, b in spec.periods())
    stocks = ", ".join(f"max(value) FILTER (element = {_text(e)}) AS {e}" for e in spec.STOCKS)
    flows = ", ".join(f"sum(value) FILTER (element = {_text(e)}) AS {e}" for e in spec.FLOWS)
    sums = ", ".join(f"sum({e}) AS {e}" for e in spec.REGISTER_ELEMENTS)
    filled = ", ".join(
        f"CASE WHEN {'b' if e != 'deaths' else 'd'}_covered THEN coalesce(r.{e}, 0) "
        f"ELSE r.{e} END AS {e}"
        for e in spec.REGISTER_ELEMENTS
    )
    values = ", ".join(_value(*f) for f in spec.FORMULAS)
    sql = [
        f"""CREATE TEMP TABLE units AS
            SELECT trim(code) AS code, nullif(trim(parent), '') AS parent
            FROM {_csv(folder / "orgunits.csv")}""",
        """CREATE TEMP TABLE closure AS
            WITH RECURSIVE c(org_unit, ancestor) AS (
                SELECT code, code FROM units
                UNION ALL
                SELECT c.org_unit, u.parent FROM c JOIN units u ON u.code = c.ancestor
                WHERE u.parent IS NOT NULL
            ) SELECT * FROM c""",
        f"CREATE TEMP TABLE periods AS SELECT * FROM (VALUES {periods}) p(period, pstart, pend)",
        f"""CREATE TEMP TABLE births_m AS
            SELECT org, date_trunc('month', d)::DATE AS month,
                count(*)::DOUBLE AS births,
                count(*) FILTER (sex = 'M')::DOUBLE AS births_male,
                count(*) FILTER (sex = 'F')::DOUBLE AS births_female,
                count(*) FILTER (pol)::DOUBLE AS births_in_policy,
                count(*) FILTER (NOT pol AND ord >= 3)::DOUBLE AS births_out_policy_order3plus,
                count(*) FILTER (d IS NULL OR sex IS NULL OR pol IS NULL OR ord IS NULL
                    OR ord < 1 OR ord > {spec.MAX_ORDER} OR ord <> floor(ord)) AS bad
            FROM (
                SELECT trim(orgunit) AS org, {_DATE} AS d, {_SEX} AS sex, {_FLAG} AS pol,
                    TRY_CAST(trim("order") AS DOUBLE) AS ord
                FROM {births}
            ) GROUP BY ALL""",
        f"""CREATE TEMP TABLE deaths_m AS
            SELECT org, date_trunc('month', d)::DATE AS month, count(*)::DOUBLE AS deaths,
                count(*) FILTER (d IS NULL OR sex IS NULL OR age IS NULL OR age < 0
                    OR age > {spec.MAX_AGE}) AS bad
            FROM (
                SELECT trim(orgunit) AS org, {_DATE} AS d, {_SEX} AS sex,
                    TRY_CAST(trim(age) AS DOUBLE) AS age
                FROM {deaths}
            ) GROUP BY ALL""",
        # the months each register is the complete record of: no row there means no event
        """CREATE TEMP TABLE spans AS SELECT
            (SELECT min(month) FROM births_m) AS b_first,
            (SELECT last_day(max(month)) FROM births_m) AS b_last,
            (SELECT min(month) FROM deaths_m) AS d_first,
            (SELECT last_day(max(month)) FROM deaths_m) AS d_last""",
        f"""CREATE TEMP TABLE registers AS
            WITH months AS (
                SELECT org, month, {", ".join(spec.BIRTH_ELEMENTS)}, NULL::DOUBLE AS deaths
                FROM births_m
                UNION ALL BY NAME
                SELECT org, month, deaths FROM deaths_m
            ), up AS (
                SELECT c.ancestor AS org_unit, month, {sums}
                FROM months JOIN closure c ON c.org_unit = months.org GROUP BY ALL
            )
            SELECT org_unit, period, {sums}
            FROM up JOIN periods p ON up.month BETWEEN p.pstart AND p.pend GROUP BY ALL""",
        f"""CREATE TEMP TABLE vals_raw AS
            SELECT trim(orgunit) AS org, trim(period) AS pid, trim(element) AS element,
                TRY_CAST(trim(value) AS DOUBLE) AS value, trim(value) AS raw
            FROM {_csv(folder / "values.csv")}""",
        """CREATE TEMP TABLE vals AS
            SELECT DISTINCT v.org, v.element, p.pstart AS first, p.pend AS last, v.value
            FROM vals_raw v JOIN value_periods p ON p.pid = v.pid""",
        f"""CREATE TEMP TABLE levels AS
            WITH days AS (
                SELECT pend AS day FROM periods UNION SELECT pstart - 1 FROM periods
            ), last AS (
                SELECT v.org, v.element, d.day, arg_max(v.value, v.last) AS value
                FROM vals v JOIN days d ON v.last <= d.day
                WHERE v.element IN {_in(spec.STOCKS)} GROUP BY ALL
            ), up AS (
                SELECT c.ancestor AS org_unit, element, day, sum(value) AS value
                FROM last JOIN closure c ON c.org_unit = last.org GROUP BY ALL
            )
            SELECT org_unit, day, {stocks} FROM up GROUP BY ALL""",
        f"""CREATE TEMP TABLE flows AS
            SELECT c.ancestor AS org_unit, p.period, {flows}
            FROM vals v JOIN closure c ON c.org_unit = v.org
                JOIN periods p ON v.first >= p.pstart AND v.last <= p.pend
            WHERE v.element IN {_in(spec.FLOWS)} GROUP BY ALL""",
        f"""CREATE TABLE result AS
            WITH e AS (
                SELECT u.code AS org_unit, p.period, {filled},
                    {", ".join(f"f.{e}" for e in spec.FLOWS)},
                    {", ".join(f"cl.{e}" for e in spec.STOCKS)},
                    (op.population + cl.population) / 2 AS avg_population
                FROM units u CROSS JOIN periods p
                CROSS JOIN (
                    SELECT b_first <= p2.pend AND p2.pstart <= b_last AS b_covered,
                        d_first <= p2.pend AND p2.pstart <= d_last AS d_covered, p2.period
                    FROM spans, periods p2
                ) cov
                LEFT JOIN registers r ON r.org_unit = u.code AND r.period = p.period
                LEFT JOIN flows f ON f.org_unit = u.code AND f.period = p.period
                LEFT JOIN levels cl ON cl.org_unit = u.code AND cl.day = p.pend
                LEFT JOIN levels op ON op.org_unit = u.code AND op.day = p.pstart - 1
                WHERE cov.period = p.period
            )
            SELECT org_unit, period, {values} FROM e""",
    ]
    return {_made(stmt): stmt for stmt in sql}


def _made(stmt: str) -> str:
    found = re.search(r"CREATE (?:TEMP )?TABLE (\w+)", stmt)
    assert found is not None
    return found[1]


def build(con: Any, folder: Path) -> None:
    """Run the statements on `con`, with the checks; the table is `result`."""
    sql = statements(folder)

    def run(*tables: str) -> None:
        for name in tables:
            con.execute(sql[name])

    run("units", "closure", "periods", "births_m", "deaths_m")
    checks(con)
    run("spans", "registers", "vals_raw")
    pids = [r[0] for r in con.execute("SELECT DISTINCT pid FROM vals_raw").fetchall()]
    parsed = {p: spec.parse_period(p or "") for p in pids}
    bad = sorted(str(p) for p, span in parsed.items() if span is None)
    if bad:
        raise spec.InputError(f"values.csv：期间无法识别：{'、'.join(bad[:5])}")
    con.execute("CREATE TEMP TABLE value_periods (pid VARCHAR, pstart DATE, pend DATE)")
    con.executemany(
        "INSERT INTO value_periods VALUES (?, ?, ?)",
        [(p, s[0], s[1]) for p, s in parsed.items() if s is not None],
    )
    (blank,) = con.execute(
        "SELECT count(*) FROM vals_raw WHERE value IS NULL OR org IS NULL OR element IS NULL"
        " OR org NOT IN (SELECT code FROM units)"
    ).fetchone()
    if blank:
        raise spec.InputError(f"values.csv：{blank} 行的单位、数据项或数值缺失或无法识别")
    run("vals")
    (clash,) = con.execute(
        "SELECT count(*) FROM (SELECT org, element, first, last FROM vals GROUP BY ALL"
        " HAVING count(*) > 1)"
    ).fetchone()
    if clash:
        raise spec.InputError(f"values.csv：{clash} 处同一单位、数据项、期间有两个不同的数值")
    run("levels", "flows", "result")


def checks(con: Any) -> None:
    """Refuse the folder when a register row does not parse or names an unknown org unit."""
    for name in ("births", "deaths"):
        (bad,) = con.execute(f"SELECT coalesce(sum(bad), 0) FROM {name}_m").fetchone()
        if bad:
            raise spec.InputError(f"{name}.csv：{bad} 行的日期、性别或其他项无法识别")
        (unknown,) = con.execute(
            f"SELECT count(*) FROM {name}_m WHERE org IS NULL"
            " OR org NOT IN (SELECT code FROM units)"
        ).fetchone()
        if unknown:
            raise spec.InputError(f"{name}.csv：有 {unknown} 组登记的单位代码不在组织机构中")


def table(folder: Path) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The result's column names and rows (for the checker)."""
    import duckdb

    con = duckdb.connect()
    build(con, folder)
    cur = con.execute("SELECT * FROM result")
    return [d[0] for d in cur.description], cur.fetchall()


def main() -> None:
    folder = Path(sys.argv[1])
    import duckdb

    t_imported = time.perf_counter()
    con = duckdb.connect()
    try:
        build(con, folder)
    except spec.InputError as err:
        print(err, file=sys.stderr)
        raise SystemExit(2) from None
    rows, cols = con.execute(
        "SELECT count(*), (SELECT count(*) FROM (DESCRIBE result)) FROM result"
    ).fetchone()
    spec.report(T_START, t_imported, {"rows": rows, "columns": cols})


if __name__ == "__main__":
    main()
