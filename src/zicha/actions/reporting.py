"""`zicha report`: draft the self-inspection report and its data check sheet (数据核查单), and
write them as .docx, .html, .md or .pdf, all or nothing."""

from __future__ import annotations

import contextlib
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from zicha.actions.files import Batch, batch
from zicha.actions.session import Session
from zicha.domain.errors import InputError, Problem, SetupError
from zicha.domain.finding import Finding
from zicha.domain.pack import Pack
from zicha.domain.period import Period, PeriodError, parse_period
from zicha.domain.result import Computation
from zicha.reports.check_sheet import (
    CHECK_SHEET,
    CheckFigure,
    build_check_sheet,
    check_sheet_attachment,
    draft_mark,
)
from zicha.reports.checklist_view import checklist_attachments, checklist_sections
from zicha.reports.context_view import context_sections
from zicha.reports.document import Document
from zicha.reports.self_inspection import MonthlySeries, ReportContext, build_report
from zicha.workbook.sheets import SHEET_BY_KEY

FORMATS = (".docx", ".html", ".md", ".pdf")
#: how many workbook rows a figure's source names before "等 N 行"
SOURCE_ROWS = 5


@dataclass(frozen=True)
class Drafted:
    """A report written: where, from what figures, and where its 数据核查单 went."""

    path: Path
    computation: Computation
    check_path: Path | None = None

    @property
    def errors(self) -> int:
        return sum(1 for f in self.computation.findings if f.severity == "error")


def monthly_series(session: Session, c: Computation) -> MonthlySeries | None:
    """The pack's main flow month by month from the target period's start, with a pace line."""
    flow = session.pack.report.get("main_flow")
    if not isinstance(flow, str) or flow not in session.pack.indicators:
        return None
    result = c.result(flow)
    span = result.to_date_period or c.period
    months = [m for m in span.months() if span.contains(m)]
    if len(months) < 2:
        return None
    table = session.engine.table([c.org_unit.code], months, [flow])
    by_period = {row["period"]: row[f"val:{flow}"] for row in table.iter_rows(named=True)}
    values = [by_period.get(m.id) for m in months]
    pace = None
    target = result.target
    if target is not None and target.bound.value is not None:
        total = target.period.days
        pace = [
            target.bound.value * ((m.end - target.period.start).days + 1) / total for m in months
        ]
    labels = [f"{m.start.month}月" for m in months]
    ind = session.pack.indicators[flow]
    return MonthlySeries(ind.name, ind.unit, labels, values, pace)


def draft(
    session: Session, org: str | None, period: str | Period | None, charts: bool = True
) -> tuple[Document, Computation]:
    """The report's document for one org unit and period (nothing written yet).

    The report carries the draft mark while an error finding remains; the findings themselves
    go into the 数据核查单 (:func:`check_sheet`), not into the report.
    """
    code = session.org(org)
    when = period if isinstance(period, Period) else session.period(period)
    computation = session.engine.compute(code, when)
    # the children's figures go into one table: one aggregation for all of them, no findings
    below = [u.code for u in session.dataset.tree.children(code)]
    children = session.engine.compute_many(below, when) if below else []
    own = code == session.org(None)
    meta = dict(session.dataset.meta)
    if not own:
        # the workbook's issuer, addressee and date belong to its own unit's report
        for key in ("issuer", "addressee", "date"):
            meta.pop(key, None)
    ctx = ReportContext(
        pack=session.pack,
        computation=computation,
        meta=meta,
        narrative=session.dataset.narrative if own else (),
        children=children,
        monthly=monthly_series(session, computation) if charts else None,
        charts=charts,
        extra_sections={
            **checklist_sections(session.pack, computation, session.dataset.tree),
            **context_sections(session.pack, computation),
        },
        attachments=checklist_attachments(session.pack, computation, session.dataset.tree),
    )
    doc = build_report(ctx)
    return replace(doc, draft_mark=draft_mark(computation.findings)), computation


# ---------------------------------------------------------------------------------------------
# the data check sheet


def _finding_scope(session: Session, c: Computation, f: Finding) -> tuple[str, Period]:
    org = f.org_unit if f.org_unit and f.org_unit in session.dataset.tree else c.org_unit.code
    try:
        return org, parse_period(f.period) if f.period else c.period
    except PeriodError:
        return org, c.period


def _rows_text(sheet: str, rows: list[int]) -> str:
    shown = "、".join(str(r) for r in rows[:SOURCE_ROWS])
    more = f"等 {len(rows)} 行" if len(rows) > SOURCE_ROWS else "行"
    return f"「{sheet}」第 {shown} {more}"


def figure_source(session: Session, element: str, org: str, period: Period) -> str:
    """Where an element's figure for the unit (and the units below) and period came from:
    "「数据」第 14 行", "「出生登记」233 行", or "" when nothing was entered."""
    units = [org, *session.dataset.tree.descendants(org)]
    for key, spec in session.pack.registers.items():
        if not any(e.element == element for e in spec.elements):
            continue
        n = session.dataset.register_height(key, units, period.start, period.end)
        if n:
            sheet = SHEET_BY_KEY[key].zh if key in SHEET_BY_KEY else spec.sheet
            return f"「{sheet}」{n} 行"
    values = session.dataset.values
    rows = (
        values.filter(
            (pl.col("element") == element)
            & pl.col("org_unit").is_in(units)
            & (pl.col("start") <= period.end)
            & (pl.col("end") >= period.start)
        )
        .get_column("row")
        .sort()
        .to_list()
    )
    return _rows_text(SHEET_BY_KEY["values"].zh, rows) if rows else ""


def check_sheet(session: Session, c: Computation) -> Document:
    """The 数据核查单 of a computation: each finding with its figures and their sources."""
    figures: dict[int, list[CheckFigure]] = {}
    places: dict[int, str] = {}
    scopes: dict[tuple[str, str], list[int]] = {}
    for i, f in enumerate(c.findings):
        org, period = _finding_scope(session, c, f)
        places[i] = f"{session.dataset.tree.get(org).name}，{period.label}"
        scopes.setdefault((org, period.id), []).append(i)
    for (org, _), indexes in scopes.items():
        period = _finding_scope(session, c, c.findings[indexes[0]])[1]
        wanted = [e for i in indexes for e in c.findings[i].elements]
        values = session.engine.element_values(org, period, wanted)
        for i in indexes:
            figures[i] = [
                CheckFigure(
                    session.pack.elements[e].name
                    + ("（期末）" if session.pack.elements[e].is_stock else ""),
                    values.get(e),
                    session.pack.elements[e].unit,
                    figure_source(session, e, org, period),
                )
                for e in dict.fromkeys(c.findings[i].elements)
                if e in values
            ]
    return build_check_sheet(c, session.pack, figures, places, session.path.name)


def draft_with_sheet(
    session: Session, org: str | None, period: str | Period | None, attach: bool = False
) -> tuple[Document, Document, Computation]:
    """The report, its 数据核查单 (also attached to the report when ``attach``) and figures."""
    doc, computation = draft(session, org, period)
    sheet = check_sheet(session, computation)
    if attach:
        doc = replace(doc, attachments=(*doc.attachments, check_sheet_attachment(sheet)))
    return doc, sheet, computation


def check_sheet_path(report: Path) -> Path:
    """Where the 数据核查单 of ``report`` is written: beside it, same format.

    >>> check_sheet_path(Path("out/自查报告.docx")).as_posix()
    'out/自查报告-数据核查单.docx'
    """
    return report.with_name(f"{report.stem}-{CHECK_SHEET}{report.suffix}")


# ---------------------------------------------------------------------------------------------
# writing


def template_for(session: Session, template: Path | None) -> Path | None:
    """The Word template a report is written with: the one given, else the pack's."""
    if template is not None:
        check_template(template)
        return template
    return pack_template(session.pack)


def pack_template(pack: Pack) -> Path | None:
    """The Word template a pack names (`report.template`), None for the built-in one."""
    named = pack.report.get("template")
    if isinstance(named, str) and pack.path:
        return Path(pack.path) / named
    return None


#: Word's template and macro-enabled types, and the document type python-docx opens
_TEMPLATE_TYPES = (
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    b"application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
    b"application/vnd.ms-word.document.macroEnabled.main+xml",
)
_DOCUMENT_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def check_template(template: Path) -> None:
    """A Word template a county gives: a .docx or a .dotx (.docm, .dotm) file; anything else is
    refused saying what it is."""
    shown = str(template)
    if not template.exists():
        raise InputError([Problem(file=shown, message="模板文件不存在")])
    expected = "Word 模板（.docx 或 .dotx）"
    if template.is_dir():
        raise InputError([Problem(file=shown, message="是文件夹，不是模板文件", expected=expected)])
    if template.suffix.lower() in (".doc", ".dot", ".wps"):
        raise InputError(
            [
                Problem(
                    file=shown,
                    message=f"是旧版 Word 格式（{template.suffix}），请在 Word 或 WPS 中另存为"
                    " .docx 后再作模板",
                )
            ]
        )
    try:
        with zipfile.ZipFile(template) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError):
        names = set()
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise InputError(
            [
                Problem(
                    file=shown,
                    message="不是 Word 文档，无法作为模板",
                    expected=expected,
                )
            ]
        )


@contextlib.contextmanager
def opened_template(template: Path | None) -> Iterator[Path | None]:
    """The template as a .docx python-docx opens: a .dotx (Word's own template type) is copied
    with its content type changed to a document's, for as long as the block runs."""
    if template is None:
        yield None
        return
    with zipfile.ZipFile(template) as z:
        types = z.read("[Content_Types].xml")
        if not any(kind in types for kind in _TEMPLATE_TYPES):
            yield template
            return
        with tempfile.TemporaryDirectory(prefix="zicha-template-") as tmp:
            copy = Path(tmp) / "template.docx"
            with zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as out:
                for item in z.infolist():
                    data = z.read(item)
                    if item.filename == "[Content_Types].xml":
                        for kind in _TEMPLATE_TYPES:
                            data = data.replace(kind, _DOCUMENT_TYPE)
                    out.writestr(item, data)
            yield copy


def check_format(out: Path) -> None:
    """A report file name must end in one of FORMATS."""
    if out.suffix.lower() not in FORMATS:
        raise InputError(
            [
                Problem(
                    file=str(out),
                    found=out.suffix or "（无扩展名）",
                    expected="报告文件扩展名 .docx、.html、.md 或 .pdf",
                )
            ]
        )


def render_to(doc: Document, path: Path, template: Path | None) -> None:
    """Write ``doc`` at ``path`` in the format its name asks for (not .pdf: see write_all)."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        from zicha.reports.docx_writer import write_docx

        write_docx(doc, path, template)
    elif suffix == ".html":
        from zicha.reports.html_writer import render_html

        path.write_text(render_html(doc), encoding="utf-8")
    elif suffix == ".md":
        from zicha.reports.markdown_writer import render_markdown

        path.write_text(render_markdown(doc), encoding="utf-8")
    else:
        check_format(path)
        raise ValueError(f"render_to cannot write {suffix}")


def _require_office(paths: Sequence[Path]) -> None:
    """Refuse a PDF before drafting anything when LibreOffice is not there."""
    pdfs = [p for p in paths if p.suffix.lower() == ".pdf"]
    if not pdfs:
        return
    from zicha.reports.pdf import find_office, missing_office_message

    if find_office() is None:
        raise SetupError([Problem(file=str(pdfs[0]), message=missing_office_message())])


def write_all(items: Sequence[tuple[Document, Path]], template: Path | None, into: Batch) -> None:
    """Write each document at its path through ``into`` (PDFs in one LibreOffice run)."""
    pdfs: list[tuple[Path, Path, Path]] = []
    with (
        opened_template(template) as usable,
        tempfile.TemporaryDirectory(prefix="zicha-pdf-") as tmp,
    ):
        for doc, final in items:
            now = into.add(final)
            if final.suffix.lower() == ".pdf":
                from zicha.reports.docx_writer import write_docx

                docx = Path(tmp) / f"{len(pdfs) + 1}.docx"
                write_docx(doc, docx, usable)
                pdfs.append((docx, now, final))
            else:
                render_to(doc, now, usable)
        if pdfs:
            from zicha.reports.pdf import FontsMissing, PdfFailed, PdfUnavailable, convert_to_pdf

            try:
                convert_to_pdf([(docx, now) for docx, now, _ in pdfs])
            except (PdfUnavailable, PdfFailed, FontsMissing) as exc:
                raise SetupError([Problem(file=str(pdfs[0][2]), message=str(exc))]) from None


def write_document(doc: Document, out: Path, template: Path | None) -> None:
    """Write `doc` in the format the file name asks for; nothing is left behind on failure."""
    check_format(out)
    _require_office([out])
    with batch(out.parent, create=False) as b:
        write_all([(doc, out)], template, b)


def write_report(
    session: Session,
    org: str | None,
    period: str | None,
    out: Path,
    template: Path | None = None,
    attach_check: bool = False,
) -> Drafted:
    """The report at ``out`` and its 数据核查单 beside it (also attached when asked)."""
    check_format(out)
    _require_office([out])
    tpl = template_for(session, template)
    doc, sheet, computation = draft_with_sheet(session, org, period, attach_check)
    sheet_path = check_sheet_path(out)
    with batch(out.parent, create=False) as b:
        write_all([(doc, out), (sheet, sheet_path)], tpl, b)
    return Drafted(out, computation, sheet_path)


def write_child_reports(
    session: Session,
    org: str | None,
    period: str | None,
    out_dir: Path,
    suffix: str,
    template: Path | None = None,
    progress: Callable[[str], None] | None = None,
    attach_check: bool = False,
) -> list[Drafted]:
    """One report (and its 数据核查单) per child org unit of `org`, into `out_dir`: every one of
    them, or, when one fails, none (a county's township drafts)."""
    check_format(Path("x" + suffix))
    code = session.org(org)
    when = session.period(period)
    children = session.dataset.tree.children(code)
    if not children:
        raise InputError([Problem(option="--org", found=code, message="该单位没有下级单位")])
    tpl = template_for(session, template)
    _require_office([Path("x" + suffix)])
    drafted: list[Drafted] = []
    with batch(out_dir) as b:
        items: list[tuple[Document, Path]] = []
        for unit in children:
            doc, sheet, computation = draft_with_sheet(session, unit.code, when, attach_check)
            path = b.name(f"{unit.code}-{unit.name}", suffix)
            sheet_path = b.name(f"{unit.code}-{unit.name}", f"-{CHECK_SHEET}{suffix}")
            items += [(doc, path), (sheet, sheet_path)]
            drafted.append(Drafted(path, computation, sheet_path))
            if progress:
                progress(unit.name)
        # written together: the PDFs of every unit in one LibreOffice run
        write_all(items, tpl, b)
    return drafted
