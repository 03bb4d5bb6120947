"""What the agreements' tests share: the seed's workbook, the demo county's, and the text of a
.docx in reading order."""

from __future__ import annotations

import io
from pathlib import Path

import docx
from docx.oxml.ns import qn

from tests.factories import dataset, tree
from zicha.actions.session import workbook_engine
from zicha.domain.assessment import AssessmentItem
from zicha.domain.target import Target
from zicha.engine.computation import Engine
from zicha.packs.demo_county import demo_sheets
from zicha.packs.registry import get_pack
from zicha.workbook.export import write_raw_workbook
from zicha.workbook.sheets import SHEETS


def county_workbook(path: Path) -> Path:
    """The demo county (the seed township and five generated ones) as an .xlsx file."""
    write_raw_workbook(demo_sheets(), path, [s.zh for s in SHEETS])
    return path


def docx_text(data: bytes) -> str:
    """The text of a .docx, one line per paragraph in reading order; a table's cells one after
    the other, each cell's paragraphs on their lines (empty ones kept)."""
    document = docx.Document(io.BytesIO(data))
    lines: list[str] = []
    for child in document.element.body:
        if child.tag == qn("w:p"):
            lines.append("".join(t.text or "" for t in child.iter(qn("w:t"))))
        elif child.tag == qn("w:tbl"):
            for cell in child.iter(qn("w:tc")):
                for p in cell.iter(qn("w:p")):
                    lines.append("".join(t.text or "" for t in p.iter(qn("w:t"))))
    return "\n".join(lines) + "\n"


def township_engine(
    targets: list[Target], assessment: list[AssessmentItem] | tuple[AssessmentItem, ...] = ()
) -> Engine:
    """A county (C, 县) with one township (T, 乡镇) that has `targets`, and the county's
    assessment method `assessment`; the family-planning pack."""
    units = tree(("C", "某县", None, "县"), ("T", "某乡", "C", "乡镇"), ("V", "某村", "T", "村"))
    return workbook_engine(get_pack(None), dataset(units, targets=targets, assessment=assessment))
