"""The engine's entry point: a dataset in, computations and findings out.

Knows nothing of files, terminals or HTTP: the same object serves the command line and, later,
the server.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import polars as pl

from zicha.domain.dataset import Dataset
from zicha.domain.finding import Finding
from zicha.domain.pack import Pack
from zicha.domain.period import Period, fiscal_year_of, parse_period
from zicha.domain.result import Computation, IndicatorResult, Score, Status
from zicha.domain.target import Target
from zicha.engine import checks
from zicha.engine.calculator import Calculator
from zicha.engine.progress import judge
from zicha.engine.validation import run_rules


def _sort_key(f: Finding) -> tuple[int, str, str, str]:
    return (0 if f.severity == "error" else 1, f.org_unit or "", f.period or "", f.rule)


class Engine:
    """Computes indicators, targets, progress, scores and findings for one dataset."""

    def __init__(self, pack: Pack, dataset: Dataset) -> None:
        self.pack = pack
        self.dataset = dataset
        self.tree = dataset.tree
        self.calc = Calculator(pack, dataset)
        self._entry_findings: list[Finding] | None = None

    # ------------------------------------------------------------------ findings

    def entry_findings(self) -> list[Finding]:
        """Findings about how the data was entered (all org units and periods)."""
        if self._entry_findings is None:
            self._entry_findings = [
                *self.calc.store.findings,
                *checks.negative_values(self.pack, self.dataset),
                *checks.double_counting(self.pack, self.dataset, self.calc.store.closure),
                *checks.nested_periods(self.pack, self.dataset),
                *checks.stated_figures(self.calc, self.dataset),
            ]
        return self._entry_findings

    def check_periods(self) -> list[Period]:
        """The periods `check` validates: every period data, targets or statements were entered
        for, and every statistical year they fall in."""
        ids: set[str] = set()
        for frame in (self.dataset.values, self.dataset.stated):
            ids.update(frame["period"].unique().to_list())
        ids.update(t.period.id for t in self.dataset.targets)
        periods = {i: parse_period(i) for i in ids}
        days: list[date] = [p.end for p in periods.values()]
        for frame in self.dataset.registers.values():
            if frame.height:
                first, last = frame["date"].min(), frame["date"].max()
                assert isinstance(first, date) and isinstance(last, date)
                days += [first, last]
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
        return sorted(_dedupe(findings), key=_sort_key)

    # ------------------------------------------------------------------ targets

    def target_for(self, org: str, period: Period, indicator: str) -> Target | None:
        """The target that applies: set on this period or the shortest enclosing one."""
        best: Target | None = None
        for t in self.dataset.targets:
            if t.org_unit != org or t.indicator != indicator or not t.period.contains(period):
                continue
            if best is None or t.period.days <= best.period.days:
                best = t
        return best

    # ------------------------------------------------------------------ computing

    def compute(
        self, org: str, period: Period, indicators: Sequence[str] | None = None
    ) -> Computation:
        """Indicators, targets, progress, score and findings for one org unit and period."""
        ids = list(self.pack.indicators) if indicators is None else list(indicators)
        targets = {i: self.target_for(org, period, i) for i in ids}
        spans: dict[str, Period] = {}
        for i, t in targets.items():
            if t is not None:
                spans[i] = period.to_date(t.period)
        periods = [period, *spans.values()]
        table = self.calc.table([org], periods, indicator_ids=ids)
        rows = {r["period"]: r for r in table.iter_rows(named=True)}
        row = rows[period.id]
        results: list[IndicatorResult] = []
        for i in ids:
            ind = self.pack.indicators[i]
            value = row[f"val:{i}"]
            num = row[f"num:{i}"]
            den = row[f"den:{i}"] if ind.denominator else None
            annualized = (
                value * 365 / period.days if ind.kind == "rate" and value is not None else None
            )
            target = targets[i]
            if target is None:
                status: Status = "no_data" if value is None else "no_target"
                results.append(IndicatorResult(ind, value, num, den, annualized, status=status))
                continue
            span = spans[i]
            to_date = rows[span.id][f"val:{i}"]
            elapsed = period.elapsed_in(target.period) if period.end <= target.period.end else 1.0
            j = judge(ind, value, to_date, target.bound, elapsed)
            points = target.points if target.points is not None else ind.points
            item_score = None
            if points is not None:
                item_score = points if j.status in ("met", "on_track") else 0.0
            results.append(
                IndicatorResult(
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
                    item_score,
                    points,
                    span,
                    j.judged,
                    j.completion,
                )
            )
        findings = self._findings_for(org, period, row, ids)
        scored = [r for r in results if r.points is not None]
        score = Score(
            total=sum(r.score or 0.0 for r in scored),
            max=sum(r.points or 0.0 for r in scored),
        )
        return Computation(self.pack.id, self.tree.get(org), period, results, findings, score)

    def _findings_for(
        self, org: str, period: Period, row: dict[str, object], ids: Sequence[str]
    ) -> list[Finding]:
        subtree = {org, *self.tree.descendants(org)}
        mine: list[Finding] = []
        for f in self.entry_findings():
            if f.org_unit not in subtree or f.period is None:
                continue
            p = parse_period(f.period)
            if p.start <= period.end and period.start <= p.end:
                mine.append(f)
        mine += run_rules(self.calc, self.pack.rules, [org], [period], self.tree)
        mine += checks.small_samples(self.calc, row, org, period.id, ids)
        return sorted(_dedupe(mine), key=_sort_key)

    def table(
        self,
        orgs: Sequence[str],
        periods: Sequence[Period],
        indicators: Iterable[str] | None = None,
    ) -> pl.DataFrame:
        """Indicator values for many org units and periods at once (`val:<id>` columns)."""
        return self.calc.table(orgs, periods, indicator_ids=indicators)


def _dedupe(findings: Iterable[Finding]) -> list[Finding]:
    return list(dict.fromkeys(findings))
