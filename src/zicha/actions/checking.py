"""`zicha check`: everything read, everything checked."""

from __future__ import annotations

from dataclasses import dataclass

from zicha.actions.session import Session
from zicha.domain.finding import Finding
from zicha.engine.coverage import Coverage
from zicha.workbook.sheets import SHEET_BY_KEY


@dataclass(frozen=True)
class CheckReport:
    counts: dict[str, int]
    findings: list[Finding]
    #: the months each register is the complete record of, by sheet
    coverage: dict[str, Coverage]

    @property
    def read_zh(self) -> str:
        """「组织机构 2 行，出生登记 480 行（2010年10月至2011年3月）」."""
        parts = []
        for key, n in self.counts.items():
            if not n:
                continue
            cov = self.coverage.get(key)
            parts.append(f"{SHEET_BY_KEY[key].zh} {n} 行" + (f"（{cov.label}）" if cov else ""))
        return "，".join(parts)

    def coverage_json(self) -> dict[str, dict[str, object]]:
        return {
            sheet: {
                "start": c.start.isoformat(),
                "end": c.end.isoformat(),
                "rows": c.rows,
                "outside": [row for row, _ in c.strays],
            }
            for sheet, c in self.coverage.items()
        }

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors


def check_workbook(session: Session) -> CheckReport:
    ds = session.dataset
    counts = {
        "orgunits": len(ds.tree),
        "values": ds.values.height + ds.stated.height,
        "births": ds.register_height("births"),
        "deaths": ds.register_height("deaths"),
        "targets": len(ds.targets),
        "narrative": len(ds.narrative),
        "checklist": len(ds.checklist),
    }
    findings = session.engine.check()
    return CheckReport(counts, findings, session.engine.calc.store.coverage)
