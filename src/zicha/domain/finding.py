"""Findings: data that can be read but is wrong, inconsistent or doubtful."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """One thing a careful reviewer would point out.

    `also` lists the other (org unit, period) pairs where the same problem shows: a township's
    figures that break a rule break it again in the county's total and in the statistical year
    around them, and that is one problem, not three.

    >>> Finding("negative", "error", "出生人数为负数", ("births",), "510001", "202401").severity
    'error'
    """

    rule: str
    severity: Severity
    message: str
    elements: tuple[str, ...] = ()
    org_unit: str | None = None
    period: str | None = None
    also: tuple[tuple[str, str], ...] = ()

    def as_json(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "elements": list(self.elements),
            "org_unit": self.org_unit,
            "period": self.period,
            "also": [{"org_unit": o, "period": p} for o, p in self.also],
        }
