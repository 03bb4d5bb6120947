"""`zicha check`: everything read, everything checked."""

from __future__ import annotations

from dataclasses import dataclass

from zicha.actions.session import Session
from zicha.domain.finding import Finding
from zicha.workbook.sheets import SHEET_BY_KEY


@dataclass(frozen=True)
class CheckReport:
    counts: dict[str, int]
    counts_zh: dict[str, int]
    findings: list[Finding]

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
        "births": ds.registers["births"].height if "births" in ds.registers else 0,
        "deaths": ds.registers["deaths"].height if "deaths" in ds.registers else 0,
        "targets": len(ds.targets),
        "narrative": len(ds.narrative),
        "checklist": len(ds.checklist),
    }
    counts_zh = {SHEET_BY_KEY[k].zh: v for k, v in counts.items() if v}
    return CheckReport(counts, counts_zh, session.engine.check())
