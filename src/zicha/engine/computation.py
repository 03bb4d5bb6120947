"""The engine's entry point: a source of facts in, computations and findings out.

Knows nothing of files, terminals, HTTP or databases: it asks its source the questions of
`zicha.engine.facts.Facts`, so the same object serves the command line (a workbook) and the
server (the database).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import polars as pl

from zicha.domain.expression import Ref
from zicha.domain.finding import Finding
from zicha.domain.pack import Pack
from zicha.domain.period import Period, PeriodError, fiscal_year_of, parse_period
from zicha.domain.result import Comparison, Computation, IndicatorResult, Score, Status
from zicha.domain.target import Target
from zicha.engine import checks, coverage, slips
from zicha.engine.arrival import arrival_findings
from zicha.engine.calculator import Calculator
from zicha.engine.checklist import attach_checklist, check_findings
from zicha.engine.facts import Facts, own_org
from zicha.engine.progress import judge
from zicha.engine.sampling import indicator_interval
from zicha.engine.scoring import assessment_items, due_share, item_score, target_points
from zicha.engine.validation import rule_sides, run_rules


def _sort_key(f: Finding) -> tuple[int, str, str, str]:
    return (0 if f.severity == "error" else 1, f.org_unit or "", f.period or "", f.rule)


class Engine:
    """Computes indicators, targets, progress, scores and findings over one source of facts."""

    def __init__(self, pack: Pack, facts: Facts) -> None:
        self.pack = pack
        self.facts = facts
        self.tree = facts.tree
        self.calc = Calculator(pack, facts)
        self.targets = facts.targets()
        self.checklist = facts.checklist()
        self.assessment = assessment_items(pack, facts.assessment())
        self._targets: dict[tuple[str, str], list[Target]] = {}
        for t in self.targets:
            self._targets.setdefault((t.org_unit, t.indicator), []).append(t)
        self._entry_findings: dict[str | None, list[Finding]] = {}
        #: root -> the (start, end) of the values its subtree entered, each once
        self._entered_spans: dict[str | None, pl.DataFrame] = {}
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ findings

    def entry_findings(self, root: str | None = None) -> list[Finding]:
        """Findings about how the data was entered, for `root`'s subtree (all org units when
        None) and every period: what reading the source noticed, the checks made when data
        arrives, stated figures that the data does not bear out, targets passed down that do
        not add up, slips that leave figures readable but wrong, and where registers fall
        short."""
        with self._lock:
            cached = self._entry_findings.get(root)
        if cached is not None:
            return cached
        units = None if root is None else {root, *self.tree.descendants(root)}
        targets = [t for t in self.targets if units is None or t.org_unit in units]
        entered = self.facts.entered(root)
        stated = self.facts.stated(root)
        with self._lock:
            self._entered_spans[root] = entered.select("start", "end").unique()
        store = self.calc.store
        spans = {s.sheet: s for s in store.register_spans.values()}
        own = coverage.own_period(self.facts)
        months = {
            d
            for sheet in (spans if own is None else ())
            for d in self.facts.register_months(sheet, root)["start"].unique().to_list()
        }
        reported = slips.report_periods(own, entered, stated, months)
        found = [
            *self.facts.notices(),
            *arrival_findings(self.pack, self.tree, entered),
            *checks.stated_figures(self.calc, stated),
            *checks.targets_passed_down(self.pack, self.tree, targets),
            *slips.scale_slips(self.pack, entered, targets),
            *slips.targets_for_no_period(self.pack, self.tree, targets, reported),
            *coverage.gaps(spans, self.facts, self.pack, reported, root),
        ]
        if root is None:  # about the data as a whole: `check` says so
            found += coverage.stray_rows(store.coverage, store.reference, self.pack)
        if units is None or self.own_org() in units:
            found += self._narrative_of_own_period()
        with self._lock:
            return self._entry_findings.setdefault(root, found)

    def own_org(self) -> str:
        """The report's own org unit: the one the source names (a workbook's `orgunit` meta
        key), else the root."""
        return own_org(self.facts)

    def _narrative_of_own_period(self) -> list[Finding]:
        """The clerk's paragraphs, fact-checked: against each other, and against the figures of
        the report's own unit and period (the meta keys) when the workbook names the period."""
        org = self.own_org()
        narrative = self.facts.narrative(org)
        if not narrative:
            return []
        from zicha.engine.factcheck.narrative import narrative_findings  # only when there is text

        try:
            period = parse_period(self.facts.report_header(org)["period"])
        except (KeyError, PeriodError):
            return narrative_findings(self.pack, narrative, org, None)

        def row() -> dict[str, Any]:
            table = self.calc.table([org], [period], indicator_ids=list(self.pack.indicators))
            return next(table.iter_rows(named=True))

        return narrative_findings(self.pack, narrative, org, period, row)

    def check_periods(self) -> list[Period]:
        """The periods `check` validates: every period data, targets or statements were entered
        for, and every statistical year they fall in."""
        ids = set(self.facts.periods())
        ids.update(t.period.id for t in self.targets)
        periods = {i: parse_period(i) for i in ids}
        days: list[date] = [p.end for p in periods.values()]
        for cov in self.calc.store.register_spans.values():
            days += [cov.start, cov.end]  # rows dated outside every period are findings
        for d in days:
            fy = fiscal_year_of(d, self.pack.year_start_month)
            periods.setdefault(fy.id, fy)
        return sorted(periods.values())

    def check(self) -> list[Finding]:
        """Every finding of the workbook: entry checks, and every rule for every org unit over
        every period data was entered for."""
        orgs = [u.code for u in self.tree]
        findings = self.entry_findings() + run_rules(
            self.calc, self.pack.rules, orgs, self.check_periods(), self.tree
        )
        findings += check_findings(self.checklist)  # checklist items, each on its period's end
        return sorted(_dedupe(findings), key=_sort_key)

    # ------------------------------------------------------------------ targets

    def target_for(self, org: str, period: Period, indicator: str) -> Target | None:
        """The target that applies: set on this period or the shortest enclosing one, in the
        version in force on the period's last day."""
        best: Target | None = None
        for t in self._targets.get((org, indicator), ()):
            if not t.period.contains(period) or not t.in_force(period.end):
                continue
            if best is None or t.period.days <= best.period.days:
                best = t
        return best

    # ------------------------------------------------------------------ computing

    def compute(
        self, org: str, period: Period, indicators: Sequence[str] | None = None
    ) -> Computation:
        """Indicators, targets, progress, score and findings for one org unit and period."""
        return self.compute_many([org], period, indicators, findings=True)[0]

    def compute_many(
        self,
        orgs: Sequence[str],
        period: Period,
        indicators: Sequence[str] | None = None,
        findings: bool = False,
    ) -> list[Computation]:
        """`compute` for many org units at once: one aggregation for all of them (ranking a
        county's townships); findings only when asked for."""
        grid = self._computed(orgs, [period], indicators, findings)
        return [grid[(org, period.id)] for org in orgs]

    def compute_grid(
        self, orgs: Sequence[str], periods: Sequence[Period], indicators: Sequence[str] | None
    ) -> dict[tuple[str, str], Computation]:
        """`compute_many` for many periods at once, without findings, by (org unit, period id):
        one aggregation for every unit and period (a dashboard's months)."""
        return self._computed(orgs, periods, indicators, findings=False)

    def _computed(
        self,
        orgs: Sequence[str],
        periods: Sequence[Period],
        indicators: Sequence[str] | None,
        findings: bool,
    ) -> dict[tuple[str, str], Computation]:
        ids = list(self.pack.indicators) if indicators is None else list(indicators)
        targets = {
            (o, p.id, i): self.target_for(o, p, i) for p in periods for o in orgs for i in ids
        }
        by_id = {p.id: p for p in periods}
        spans = {k: by_id[k[1]].to_date(t.period) for k, t in targets.items() if t is not None}
        befores = {p.id: _earlier(p) for p in periods}
        history = {p.id: _years_before(p, HISTORY_YEARS) if findings else [] for p in periods}
        asked = [
            *periods,
            *spans.values(),
            *(q for before in befores.values() for q in before.values()),
            *(q for years in history.values() for q in years),
        ]
        # with findings, the rules' figures come in the same table
        extra = rule_sides(self.calc, self.pack.rules) if findings else []
        table = self.calc.table(orgs, asked, indicator_ids=ids, extra=extra)
        rows = {(r["org_unit"], r["period"]): r for r in table.iter_rows(named=True)}
        out: dict[tuple[str, str], Computation] = {}
        for period in periods:
            before = befores[period.id]
            for org in orgs:
                row = rows[(org, period.id)]
                results = [
                    self._result(
                        org,
                        period,
                        i,
                        row,
                        rows,
                        targets[(org, period.id, i)],
                        spans.get((org, period.id, i)),
                        before,
                    )
                    for i in ids
                ]
                found = self._findings_for(org, period, row, ids, table) if findings else []
                if findings:
                    earlier = [rows[(org, p.id)] for p in history[period.id]]
                    found += checks.outliers(self.pack, org, period, row, earlier, ids)
                for r in results:
                    if r.veto and r.status == "no_data" and findings:
                        found.append(
                            Finding(
                                "veto_no_data",
                                "warning",
                                f"一票否决项「{r.indicator.name}」没有数据，无法判断是否否决",
                                (),
                                org,
                                period.id,
                            )
                        )
                if findings:
                    found = _dedupe([*found, *self._report_findings(org, period, results)])
                done = Computation(
                    self.pack.id, self.tree.get(org), period, results, found, _score(results)
                )
                attach_checklist(  # CONTRACT §6
                    done, self.checklist, self.tree, findings, self.assessment
                )
                out[(org, period.id)] = done
        return out

    def _report_findings(
        self, org: str, period: Period, results: Sequence[IndicatorResult]
    ) -> list[Finding]:
        """What a report for the unit and period must say besides its figures: its targets are
        all for other periods, nothing at all was entered, a register falls short in the
        period asked or in the spans its targets are judged over."""
        judged = sum(r.target is not None for r in results)
        found = slips.no_target_applies(self.pack, self.tree, self.targets, org, period, judged)
        self.entry_findings(org)  # the subtree's entered values, read once
        entered = self._entered_spans[org]
        found += slips.nothing_entered(self.facts, self.pack, self.checklist, org, period, entered)
        asked = [period, *(r.to_date_period for r in results if r.to_date_period)]
        spans = {s.sheet: s for s in self.calc.store.register_spans.values()}
        return found + coverage.gaps(spans, self.facts, self.pack, asked, org)

    def _result(
        self,
        org: str,
        period: Period,
        i: str,
        row: dict[str, Any],
        rows: dict[tuple[str, str], dict[str, Any]],
        target: Target | None,
        span: Period | None,
        before: dict[str, Period],
    ) -> IndicatorResult:
        ind = self.pack.indicators[i]
        value = row[f"val:{i}"]
        num = row[f"num:{i}"]
        den = row[f"den:{i}"] if ind.denominator else None
        annualized = value * 365 / period.days if ind.kind == "rate" and value is not None else None
        comparisons = {
            name: Comparison.of(p, value, rows[(org, p.id)][f"val:{i}"])
            for name, p in before.items()
        }
        prev_year = comparisons.get("previous_year")
        prev_period = comparisons.get("previous_period")
        interval = indicator_interval(ind, num, den) if value is not None else None
        if target is None or span is None:
            status: Status = "no_data" if value is None else "no_target"
            return IndicatorResult(
                ind,
                value,
                num,
                den,
                annualized,
                status=status,
                previous_year=prev_year,
                previous_period=prev_period,
                interval=interval,
            )
        item = self.assessment.get(i)
        span_row = rows[(org, span.id)]
        to_date = span_row[f"val:{i}"]
        if span.id == period.id:
            to_date_interval = interval  # the period starts with the target's: one figure
        elif to_date is not None:
            to_date_interval = indicator_interval(ind, span_row[f"num:{i}"], span_row[f"den:{i}"])
        else:
            to_date_interval = None
        elapsed = period.elapsed_in(target.period) if period.end <= target.period.end else 1.0
        due = None
        if item is not None and item.split is not None and ind.kind in ("count", "rate"):
            due = due_share(item.split, target.period, min(period.end, target.period.end))
        j = judge(ind, value, to_date, target.bound, due if due is not None else elapsed)
        points = target_points(target, item, ind)
        score = item_score(item, points, j.status, j.judged, target.bound)
        return IndicatorResult(
            ind,
            value,
            num,
            den,
            annualized,
            target,
            to_date,
            elapsed,
            j.projection,
            j.status,
            score,
            points,
            span,
            j.judged,
            j.completion,
            prev_year,
            prev_period,
            due,
            item.weight if item is not None else 1.0,
            item.veto if item is not None else False,
            interval,
            to_date_interval,
        )

    def _findings_for(
        self,
        org: str,
        period: Period,
        row: dict[str, object],
        ids: Sequence[str],
        table: pl.DataFrame,
    ) -> list[Finding]:
        mine = list(self.facts.notices())  # about the source as a whole
        for f in self.entry_findings(org):
            if f.period is None:
                continue
            p = parse_period(f.period)
            if p.start <= period.end and period.start <= p.end:
                mine.append(f)
        mine += run_rules(self.calc, self.pack.rules, [org], [period], self.tree, table)
        mine += checks.small_samples(self.calc, row, org, period.id, ids)
        if org == self.own_org() and not self.facts.report_header(org).get("period"):
            narrative = self.facts.narrative(org)
            if narrative:
                # a workbook without a period of its own: its paragraphs speak of the one asked
                from zicha.engine.factcheck.narrative import narrative_findings

                mine += narrative_findings(self.pack, narrative, org, period, lambda: row)
        return sorted(_dedupe(mine), key=_sort_key)

    def element_values(
        self, org: str, period: Period, elements: Iterable[str]
    ) -> dict[str, float | None]:
        """Each data element's value for the unit (with the units below it) and the period;
        None when missing. Ids that are not data elements of the pack are left out."""
        ids = [e for e in dict.fromkeys(elements) if e in self.pack.elements]
        if not ids:
            return {}
        frame = self.calc.store.element_frame([org], [period], {Ref(e) for e in ids})
        row = frame.row(0, named=True) if frame.height else {}
        return {e: row.get(e) for e in ids}

    def table(
        self,
        orgs: Sequence[str],
        periods: Sequence[Period],
        indicators: Iterable[str] | None = None,
    ) -> pl.DataFrame:
        """Indicator values for many org units and periods at once (`val:<id>` columns)."""
        return self.calc.table(orgs, periods, indicator_ids=indicators)


#: how many earlier years of the same period an outlier is judged against
HISTORY_YEARS = 5


def _years_before(period: Period, n: int) -> list[Period]:
    out: list[Period] = []
    current = period
    for _ in range(n):
        try:
            current = current.previous_year()
        except ValueError:
            break
        out.append(current)
    return out


def _earlier(period: Period) -> dict[str, Period]:
    """The periods to compare with: the same period a year before, and the period before."""
    out: dict[str, Period] = {}
    for name, step in (
        ("previous_year", period.previous_year),
        ("previous_period", period.previous),
    ):
        try:
            out[name] = step()
        except ValueError:
            continue
    return out


def _score(results: Sequence[IndicatorResult]) -> Score:
    """Weighted total and maximum of the scored items; vetoed when a veto item failed."""
    scored = [r for r in results if r.points is not None]
    vetoed = any(vetoes_result(r) for r in results)
    if not scored:
        return Score(None, None, vetoed)
    return Score(
        total=sum((r.score or 0.0) * r.weight for r in scored),
        max=sum((r.points or 0.0) * r.weight for r in scored),
        vetoed=vetoed,
    )


def vetoes_result(r: IndicatorResult) -> bool:
    """A veto item fails the whole assessment when it is not met or at risk."""
    return r.veto and r.status in ("not_met", "at_risk")


def _dedupe(findings: Iterable[Finding]) -> list[Finding]:
    return list(dict.fromkeys(findings))
