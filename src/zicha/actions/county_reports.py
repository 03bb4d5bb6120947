"""The server's ranking and report for a scope, drafted by the command line's own actions.

The report of a unit is drafted exactly as `zicha report` drafts it from a workbook: the
engine over the database stands in for the workbook's, and the unit's own report header and
narrative (stored per unit) stand in for the workbook's meta and narrative sheets.
"""

from __future__ import annotations

from pathlib import Path

from zicha.actions import county
from zicha.actions.reporting import write_report
from zicha.actions.session import Session
from zicha.domain.errors import InputError, Problem
from zicha.domain.narrative import NarrativeSection
from zicha.domain.result import Ranking
from zicha.engine.dataset import Dataset
from zicha.engine.ranking import rank
from zicha.reports.pdf import find_office
from zicha.storage import models as m

#: the formats of `GET /api/report`, and their media types
REPORT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "pdf": "application/pdf",
}


class PdfUnavailable(RuntimeError):
    """This server has no LibreOffice: it cannot write PDF (503)."""


def rank_scope(scope: county.Scope) -> Ranking:
    """Score and rank every child of the scope's unit (`zicha rank`)."""
    engine = county.engine()
    if not engine.tree.children(scope.org.code):
        raise InputError(
            [Problem(column="org", found=scope.org.code, message="该单位没有下级单位，无法排名")]
        )
    return rank(engine, scope.org.code, scope.period)


def report_format(text: str | None) -> str:
    """The format asked for (docx by default)."""
    fmt = (text or "docx").strip().lower().lstrip(".")
    if fmt not in REPORT_TYPES:
        raise InputError(
            [Problem(column="format", found=fmt, expected="docx、html、md 或 pdf 之一")]
        )
    if fmt == "pdf" and find_office() is None:
        raise PdfUnavailable("本服务器未安装 LibreOffice，无法生成 PDF；请下载 Word（docx）格式")
    return fmt


def report_name(scope: county.Scope, fmt: str) -> str:
    """The file name a download is offered under: 510001-XX乡-2010OctS1-自查报告.docx."""
    return f"{scope.org.code}-{scope.org.name}-{scope.period.id}-自查报告.{fmt}"


def write_scope_report(scope: county.Scope, fmt: str, folder: Path) -> Path:
    """Draft the scope's report into `folder` as `fmt` and return the file written."""
    session = report_session(scope)
    out = folder / report_name(scope, fmt)
    write_report(session, scope.org.code, scope.period.id, out)
    return out


def report_session(scope: county.Scope) -> Session:
    """A workbook session over the database, as seen from the scope's unit."""
    engine = county.engine()
    unit = m.OrgUnit.objects.get(code=scope.org.code)
    meta = dict(m.ReportHeader.objects.filter(org=unit).values_list("key", "value"))
    meta["pack"] = engine.pack.id
    meta["orgunit"] = unit.code
    meta["period"] = scope.period.id
    narrative = [
        NarrativeSection(section, text)
        for section, text in m.Narrative.objects.filter(org=unit, period__in=[scope.period.id, ""])
        .order_by("position", "id")
        .values_list("section", "text")
    ]
    dataset = Dataset("database", engine.pack.id, engine.tree, meta=meta, narrative=narrative)
    return Session(Path(f"{unit.code}.server"), engine.pack, dataset, engine)
