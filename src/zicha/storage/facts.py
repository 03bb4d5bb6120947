"""The database as a source of facts: the engine's questions answered with GROUP BY queries.

Register rows are counted by unit, element and month when they are written (`RegisterMonth`);
entered values stay at their own grain (`DataValue`). A question names the units it asks about;
each one's subtree is the units whose materialized path starts with its own, so a township's
question reads its own rows and no others. Sums come back per asked unit and month (or entry
span) and are spread over the periods here, on a few hundred rows at most.

The same SQL runs on SQLite and PostgreSQL (a `VALUES` list of the asked units, a range of
the path, a window function for the last level of a stock).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import Any

import polars as pl
from django.db import connection

from zicha.domain.assessment import AssessmentItem
from zicha.domain.checklist import ChecklistItem
from zicha.domain.finding import Finding
from zicha.domain.narrative import NarrativeSection
from zicha.domain.orgunit import OrgTree, OrgUnit
from zicha.domain.pack import Pack
from zicha.domain.period import Period
from zicha.domain.target import Target
from zicha.storage import models as m
from zicha.storage import source
from zicha.storage.bulk import fetch_frame

#: asked units per query: keeps the parameter count far below SQLite's limit
CHUNK = 400

_SUMS = {"org_unit": pl.String(), "period": pl.String(), "element": pl.String()}
_SPANS = {
    "org_unit": pl.String(),
    "element": pl.String(),
    "start": pl.Date(),
    "end": pl.Date(),
    "value": pl.Float64(),
}
_LEVELS = {"org_unit": pl.String(), "date": pl.Date(), "element": pl.String()}
#: the engine's `ENTERED` (the storage layer sits below the engine: it answers the engine's
#: questions by their shape, and tests/server/test_facts.py compares the answers)
_ENTERED = {
    "org_unit": pl.String(),
    "element": pl.String(),
    "period": pl.String(),
    "start": pl.Date(),
    "end": pl.Date(),
    "value": pl.Float64(),
    "comment": pl.String(),
    "row": pl.Int64(),
    "superseded": pl.Boolean(),
}
_MONTH_ROWS = {"org_unit": pl.String(), "start": pl.Date(), "rows": pl.Int64()}
_MONTH_TOTALS = {"start": pl.Date(), "rows": pl.Int64()}
_REGISTER_ROWS = {"org_unit": pl.String(), "date": pl.Date(), "row": pl.Int64()}
#: register columns as the engine's conditions name them -> their type
_REGISTER_COLUMNS: dict[str, dict[str, pl.DataType]] = {
    "births": {
        "date": pl.Date(),
        "sex": pl.String(),
        "order": pl.Int64(),
        "in_policy": pl.Boolean(),
        "ref": pl.String(),
    },
    "deaths": {"date": pl.Date(), "sex": pl.String(), "age": pl.Float64(), "ref": pl.String()},
}
_REGISTER_MODELS: dict[str, type[m.Birth] | type[m.Death]] = {
    "births": m.Birth,
    "deaths": m.Death,
}


def _wide(long: pl.DataFrame, keys: list[str], elements: Sequence[str]) -> pl.DataFrame:
    """(keys…, element, value) rows as the engine's wide answers: the keys, then a Float64
    column per element asked, null where a key has no value of it."""
    wide = (
        long.pivot(on="element", index=keys, values="value") if long.height else long.select(keys)
    )
    missing = [e for e in dict.fromkeys(elements) if e not in wide.columns]
    return wide.with_columns(pl.lit(None, dtype=pl.Float64).alias(e) for e in missing).select(
        *keys, *(pl.col(e).cast(pl.Float64) for e in dict.fromkeys(elements))
    )


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model: Any) -> str:
    return _q(model._meta.db_table)


def _marks(n: int) -> str:
    return ", ".join(["%s"] * n)


_UNITS = _table(m.OrgUnit)
_VALUES = _table(m.DataValue)
_MONTHS = _table(m.RegisterMonth)
_DIGESTS = _table(m.RegisterDigest)
#: a unit in an asked unit's subtree: its path between the asked path and the same path with
#: its last "/" raised to "0" (the character after "/"), a range an index on the path serves
#: from the asked unit's side of a join, where `LIKE asked.path || '%'` reads every unit; the
#: comparison is bytewise on both databases (PostgreSQL's pattern operators, which its
#: `varchar_pattern_ops` index serves, SQLite's default BINARY collation)
_WITHIN = (
    "o.path ~>=~ asked.path AND o.path ~<~ asked.upper"
    if connection.vendor == "postgresql"
    else "o.path >= asked.path AND o.path < asked.upper"
)
_IN_SUBTREE = f"JOIN {_UNITS} o ON o.id = {{alias}}.org_id JOIN asked ON {_WITHIN}"
#: an entered value a register gives too (same element, unit and month): the register is used
_SUPERSEDED = (
    f"EXISTS (SELECT 1 FROM {_MONTHS} r WHERE r.org_id = v.org_id AND r.element = v.element "
    f"AND r.start >= v.start AND r.start <= v.{_q('end')}{{province}})"
)


def _superseded(provinces: list[int] | None) -> tuple[str, list[Any]]:
    """`_SUPERSEDED` and its parameters; bounded to the provinces of the units asked when they
    are known, so that a partitioned table is probed in their partitions only."""
    if provinces is None:
        return _SUPERSEDED.format(province=""), []
    return _SUPERSEDED.format(province=f" AND r.province IN ({_marks(len(provinces))})"), [
        *provinces
    ]


class DatabaseFacts:
    """The facts stored in the database, for the engine (one instance per data version)."""

    def __init__(self, pack: Pack) -> None:
        self.pack = pack
        units = list(
            m.OrgUnit.objects.order_by("path").values_list(
                "code", "name", "parent__code", "kind", "path"
            )
        )
        self._tree = OrgTree.build([OrgUnit(c, n, p or None, k) for c, n, p, k, _ in units])
        self._path = {c: path for c, _, _, _, path in units}
        self._stocks = [e.id for e in pack.elements.values() if e.is_stock]
        self._months: dict[tuple[str, str | None], pl.DataFrame] = {}
        self._totals: dict[str, pl.DataFrame] = {}
        self._targets: list[Target] | None = None
        self._assessment: list[AssessmentItem] | None = None
        self._checklist: list[ChecklistItem] | None = None

    @property
    def tree(self) -> OrgTree:
        return self._tree

    # ------------------------------------------------------------------ helpers

    def _asked(self, orgs: Sequence[str]) -> Iterator[tuple[str, list[Any]]]:
        """`WITH asked(code, path, upper) AS (VALUES …)` for each chunk of the asked units
        (`upper`: the end of the path range of the unit's subtree, see `_WITHIN`)."""
        for chunk in self._chunks(orgs):
            rows = ", ".join(["(%s, %s, %s)"] * len(chunk))
            params: list[Any] = []
            for code in chunk:
                path = self._path[code]
                params += [code, path, path[:-1] + "0"]
            yield f"WITH asked(code, path, upper) AS (VALUES {rows})", params

    @staticmethod
    def _chunks(orgs: Sequence[str]) -> Iterator[list[str]]:
        unique = list(dict.fromkeys(orgs))
        for i in range(0, len(unique), CHUNK):
            yield unique[i : i + CHUNK]

    def _provinces(self, orgs: Sequence[str]) -> list[int] | None:
        """The provinces the asked units lie in, or None when the root is asked (all of them):
        a condition on the partition key lets PostgreSQL skip the other provinces' partitions."""
        paths = [self._path[code] for code in orgs]
        if any(p.count("/") < 2 for p in paths):
            return None
        return sorted({m.province_of(p) for p in paths})

    @staticmethod
    def _spread(spans: pl.DataFrame, periods: Sequence[Period]) -> pl.DataFrame:
        """Sums per (unit, element, start, end) spread over the periods that hold them."""
        bounds = pl.DataFrame(
            {
                "period": [p.id for p in periods],
                "pstart": [p.start for p in periods],
                "pend": [p.end for p in periods],
            },
            schema={"period": pl.String, "pstart": pl.Date, "pend": pl.Date},
        )
        return (
            spans.join(bounds, how="cross")
            .filter((pl.col("start") >= pl.col("pstart")) & (pl.col("end") <= pl.col("pend")))
            .select("org_unit", "period", "element", "value")
        )

    @staticmethod
    def _summed(parts: list[pl.DataFrame]) -> pl.DataFrame:
        schema = {**_SUMS, "value": pl.Float64()}
        if not parts:
            return pl.DataFrame(schema=schema)
        return (
            pl.concat(parts, how="vertical_relaxed")
            .group_by("org_unit", "period", "element")
            .agg(pl.col("value").sum())
            .select(list(schema))
            .cast(schema)  # type: ignore[arg-type]
        )

    def _span_sums(
        self,
        table: str,
        orgs: Sequence[str],
        elements: Sequence[str],
        periods: Sequence[Period],
        where: str = "",
        extra: Sequence[Any] = (),
    ) -> pl.DataFrame:
        """Sums of `table`'s values per asked unit, element and entry span, for the spans
        inside the periods' bounds."""
        if not elements or not periods or not orgs:
            return pl.DataFrame(schema=_SPANS)
        low = min(p.start for p in periods)
        high = max(p.end for p in periods)
        end = _q("end")
        parts = []
        for (asked, params), chunk in zip(self._asked(orgs), self._chunks(orgs), strict=True):
            # `start <= high` follows from `end <= high`; said, it bounds the partitions read
            bounds = [*params, *elements, low, high, high]
            province = ""
            provinces = self._provinces(chunk) if table == _MONTHS else None
            if provinces is not None:
                province = f"AND v.province IN ({_marks(len(provinces))}) "
                bounds += provinces
            sql = (
                f"{asked} SELECT asked.code, v.element, v.start, v.{end}, SUM(v.value) "
                f"FROM {table} v {_IN_SUBTREE.format(alias='v')} "
                f"WHERE v.element IN ({_marks(len(elements))}) "
                f"AND v.start >= %s AND v.{end} <= %s AND v.start <= %s {province}{where} "
                f"GROUP BY asked.code, v.element, v.start, v.{end}"
            )
            parts.append(fetch_frame(sql, [*bounds, *extra], _SPANS))
        return pl.concat(parts)

    # ------------------------------------------------------------------ questions

    def flows(
        self, orgs: Sequence[str], elements: Sequence[str], periods: Sequence[Period]
    ) -> pl.DataFrame:
        flows = [e for e in elements if e not in self._stocks]
        superseded, sp = _superseded(self._provinces(orgs))
        spans = self._span_sums(
            _VALUES, orgs, flows, periods, f"AND v.stated = %s AND NOT {superseded}", [False, *sp]
        )
        return self._summed([self._spread(spans, periods)])

    def register_counts(
        self,
        orgs: Sequence[str],
        counts: Mapping[str, tuple[str, pl.Expr | None]],
        periods: Sequence[Period],
    ) -> pl.DataFrame:
        months = self._span_sums(_MONTHS, orgs, list(counts), periods)
        parts = [self._spread(months, periods)]
        edges = [(p.id, a, b) for p in periods for a, b in p.cut_edges()]
        if edges:
            by_sheet: dict[str, dict[str, pl.Expr | None]] = {}
            for element, (sheet, condition) in counts.items():
                by_sheet.setdefault(sheet, {})[element] = condition
            for sheet, conditions in by_sheet.items():
                for period, first, last in edges:
                    parts.append(self._edge_counts(sheet, conditions, orgs, period, first, last))
        return _wide(self._summed(parts), ["org_unit", "period"], list(counts))

    def _edge_counts(
        self,
        sheet: str,
        conditions: Mapping[str, pl.Expr | None],
        orgs: Sequence[str],
        period: str,
        first: date,
        last: date,
    ) -> pl.DataFrame:
        """Rows of a part of a month counted exactly: grouped in the database by the columns
        the conditions read, then each condition weighed by the group's size."""
        types = _REGISTER_COLUMNS[sheet]
        used = sorted(
            {n for c in conditions.values() if c is not None for n in c.meta.root_names()}
        )
        unknown = [n for n in used if n not in types]
        if unknown:
            raise LookupError(f"{sheet} has no column {unknown}")
        cols = ", ".join(f"b.{_q(c)}" for c in used)
        select = f"asked.code, {cols + ', ' if cols else ''}COUNT(*)"
        group = f"asked.code{', ' + cols if cols else ''}"
        schema: dict[str, pl.DataType] = {"org_unit": pl.String()}
        schema.update({c: types[c] for c in used})
        schema["n"] = pl.Float64()
        parts = []
        table = _table(_REGISTER_MODELS[sheet])
        for asked, params in self._asked(orgs):
            sql = (
                f"{asked} SELECT {select} FROM {table} b {_IN_SUBTREE.format(alias='b')} "
                f"WHERE b.{_q('date')} >= %s AND b.{_q('date')} <= %s GROUP BY {group}"
            )
            parts.append(fetch_frame(sql, [*params, first, last], schema))
        rows = pl.concat(parts).with_columns(
            pl.when(pl.col(c) != "").then(pl.col(c)).alias(c)
            for c in used
            if types[c] == pl.String()  # blank text is stored as "": the workbook's null
        )
        weighed = [
            (pl.col("n") if c is None else pl.col("n") * c.fill_null(False).cast(pl.Float64))
            .sum()
            .alias(e)
            for e, c in conditions.items()
        ]
        return (
            rows.group_by("org_unit")
            .agg(weighed)
            .unpivot(index="org_unit", variable_name="element", value_name="value")
            .select("org_unit", pl.lit(period).alias("period"), "element", "value")
        )

    def register_months(self, sheet: str, root: str | None = None) -> pl.DataFrame:
        key = (sheet, None if root == self._tree.root.code else root)
        if key not in self._months:
            path = self._path[key[1]] if key[1] is not None else ""
            self._months[key] = fetch_frame(
                f"SELECT o.code, d.start, d.rows FROM {_DIGESTS} d "
                f"JOIN {_UNITS} o ON o.id = d.org_id WHERE d.sheet = %s AND o.path LIKE %s "
                "ORDER BY o.code, d.start",
                [sheet, path + "%"],
                _MONTH_ROWS,
            )
        return self._months[key]

    def register_totals(self, sheet: str) -> pl.DataFrame:
        if sheet not in self._totals:
            self._totals[sheet] = fetch_frame(
                f"SELECT start, rows FROM {_table(m.RegisterTotal)} WHERE sheet = %s "
                "AND rows > 0 ORDER BY start",
                [sheet],
                _MONTH_TOTALS,
            )
        return self._totals[sheet]

    def register_rows(
        self, sheet: str, first: date, last: date, root: str | None = None
    ) -> pl.DataFrame:
        """The rows themselves (a database keeps no spreadsheet row: `row` is null)."""
        path = self._path[root] if root is not None else ""
        day = _q("date")
        return fetch_frame(
            f"SELECT o.code, b.{day}, NULL FROM {_table(_REGISTER_MODELS[sheet])} b "
            f"JOIN {_UNITS} o ON o.id = b.org_id "
            f"WHERE o.path LIKE %s AND b.{day} >= %s AND b.{day} <= %s "
            f"ORDER BY b.{day}, b.id",
            [path + "%", first, last],
            _REGISTER_ROWS,
        )

    def stocks(
        self, orgs: Sequence[str], elements: Sequence[str], dates: Sequence[date]
    ) -> pl.DataFrame:
        schema = {**_LEVELS, "value": pl.Float64()}
        if not elements or not dates or not orgs:
            return _wide(pl.DataFrame(schema=schema), ["org_unit", "date"], elements)
        days = list(dict.fromkeys(dates))
        end, row = _q("end"), _q("row")
        parts = []
        for asked, params in self._asked(orgs):
            # each level holds from its day until the next level of its unit and element (the
            # later row of two on one day): one window over the values, not one per date
            sql = (
                f"{asked}, days(day) AS (VALUES {', '.join(['(%s)'] * len(days))}), "
                "levels AS (SELECT v.org_id, v.element, v.value, "
                f"v.{end} AS since, LEAD(v.{end}) OVER (PARTITION BY v.org_id, v.element "
                f"ORDER BY v.{end}, COALESCE(v.{row}, 0), v.id) AS until "
                f"FROM {_VALUES} v WHERE v.stated = %s "
                f"AND v.element IN ({_marks(len(elements))}) AND v.{end} <= %s "
                f"AND v.org_id IN (SELECT o.id FROM {_UNITS} o "
                f"JOIN asked ON {_WITHIN})) "
                "SELECT asked.code, days.day, l.element, SUM(l.value) FROM levels l "
                "JOIN days ON l.since <= days.day AND (l.until IS NULL OR days.day < l.until) "
                f"{_IN_SUBTREE.format(alias='l')} "
                "GROUP BY asked.code, days.day, l.element"
            )
            params = [*params, *days, False, *elements, max(days)]
            parts.append(fetch_frame(sql, params, schema))
        return _wide(pl.concat(parts), ["org_unit", "date"], elements)

    def _entered(self, root: str | None, stated: bool) -> pl.DataFrame:
        path = self._path[root] if root is not None else ""
        end, row = _q("end"), _q("row")
        exists, sp = _superseded(self._provinces([root]) if root is not None else None)
        superseded = "0" if stated else f"CASE WHEN {exists} THEN 1 ELSE 0 END"
        sql = (
            f"SELECT o.code, v.element, v.period, v.start, v.{end}, v.value, v.comment, "
            f"v.{row}, {superseded} FROM {_VALUES} v JOIN {_UNITS} o ON o.id = v.org_id "
            "WHERE v.stated = %s AND o.path LIKE %s "
            f"ORDER BY v.{row} IS NULL, v.{row}, v.id"
        )
        params = [stated, path + "%"] if stated else [*sp, stated, path + "%"]
        frame = fetch_frame(sql, params, _ENTERED)
        return frame.with_columns(
            pl.when(pl.col("comment") != "").then(pl.col("comment")).alias("comment")
        )

    def entered(self, root: str | None = None) -> pl.DataFrame:
        return self._entered(root, False)

    def stated(self, root: str | None = None) -> pl.DataFrame:
        return self._entered(root, True)

    def periods(self) -> list[str]:
        return fetch_frame(f"SELECT DISTINCT period FROM {_VALUES}", [], {"period": pl.String()})[
            "period"
        ].to_list()

    def targets(self) -> list[Target]:
        if self._targets is None:
            self._targets = source.targets()
        return self._targets

    def assessment(self) -> list[AssessmentItem]:
        if self._assessment is None:
            self._assessment = source.assessment()
        return self._assessment

    def checklist(self) -> list[ChecklistItem]:
        if self._checklist is None:
            self._checklist = source.checklist()
        return self._checklist

    def narrative(self, org: str) -> list[NarrativeSection]:
        return source.narrative(org)

    def report_header(self, org: str) -> dict[str, str]:
        return source.report_header(org)

    def own_unit(self) -> str | None:
        return None

    def notices(self) -> list[Finding]:
        """None: what reading a workbook noticed is told when it is loaded."""
        return []
