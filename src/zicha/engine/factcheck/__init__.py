"""The fact-check of a report's text: the figures it states, checked against each other.

`check_text(document, lexicon)` reads every figure of a report (`extraction`) and runs every
check (`consistency`, `changes`, `dates`); `narrative` applies the same to the clerk's own
paragraphs in a workbook, and compares them with the computed figures. Pure: text in,
findings out; reading files is the workbook layer's business.
"""

from __future__ import annotations

from collections.abc import Sequence

from zicha.domain.factcheck import FactCheck, FactFinding, Figure, TextDocument
from zicha.domain.lexicon import Lexicon
from zicha.engine.factcheck.changes import changes, directions
from zicha.engine.factcheck.consistency import check_facts
from zicha.engine.factcheck.dates import check_dates
from zicha.engine.factcheck.extraction import extract
from zicha.engine.factcheck.facts import Facts

SEVERITY_ORDER = {"error": 0, "warning": 1, "note": 2}


def check_text(document: TextDocument, lexicon: Lexicon) -> FactCheck:
    """Read a report's figures and check them against each other.

    >>> from zicha.packs.registry import get_pack
    >>> doc = TextDocument("t", ("全乡出生233人，其中男婴120人、女婴115人。",))
    >>> [f.rule for f in check_text(doc, get_pack(None).lexicon).findings]
    ['partition_sum']
    """
    found = extract(document, lexicon)
    findings = check_facts(found.figures, found.relations, lexicon)
    facts = Facts(found.figures, lexicon)
    findings += changes(facts) + directions(facts, found.relations)
    findings += check_dates(found.sentences)
    ordered = sorted(
        dict.fromkeys(findings),
        key=lambda f: (SEVERITY_ORDER[f.severity], _first(f, found.figures)),
    )
    return FactCheck(document.source, tuple(found.sentences), tuple(found.figures), tuple(ordered))


def _first(f: FactFinding, figures: Sequence[Figure]) -> int:
    """The first sentence a finding is about: findings are listed in the order of the text."""
    return min([*(figures[i].sentence for i in f.figures), *f.sentences], default=0)


__all__ = ["check_text"]
