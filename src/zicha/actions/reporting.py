"""`zicha report`: draft the self-inspection report and write it as .docx, .html, .md or .pdf."""

from __future__ import annotations

import contextlib
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from zicha.actions.files import write_text, write_with
from zicha.actions.session import Session
from zicha.domain.errors import InputError, Problem
from zicha.domain.pack import Pack
from zicha.domain.period import Period
from zicha.domain.result import Computation
from zicha.reports.checklist_view import checklist_attachments, checklist_sections
from zicha.reports.context_view import context_sections
from zicha.reports.document import Document
from zicha.reports.docx_writer import write_docx
from zicha.reports.html_writer import render_html
from zicha.reports.markdown_writer import render_markdown
from zicha.reports.pdf import PdfFailed, PdfUnavailable, docx_to_pdf
from zicha.reports.self_inspection import MonthlySeries, ReportContext, build_report

FORMATS = (".docx", ".html", ".md", ".pdf")


@dataclass(frozen=True)
class Drafted:
    path: Path
    computation: Computation


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
    """The report's document for one org unit and period (nothing written yet)."""
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
    return build_report(ctx), computation


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


def write_document(doc: Document, out: Path, template: Path | None) -> None:
    """Write `doc` in the format the file name asks for; nothing is left behind on failure."""
    suffix = out.suffix.lower()
    if suffix == ".docx":
        write_with(out, lambda tmp: write_docx(doc, tmp, template))
    elif suffix == ".html":
        write_text(out, render_html(doc))
    elif suffix == ".md":
        write_text(out, render_markdown(doc))
    elif suffix == ".pdf":
        with tempfile.TemporaryDirectory(prefix="zicha-pdf-") as tmp:
            docx = Path(tmp) / (out.stem + ".docx")
            write_docx(doc, docx, template)
            try:
                write_with(out, lambda target: docx_to_pdf(docx, target))
            except (PdfUnavailable, PdfFailed) as exc:
                raise InputError([Problem(file=str(out), message=str(exc))]) from None
    else:
        check_format(out)


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


def write_report(
    session: Session,
    org: str | None,
    period: str | None,
    out: Path,
    template: Path | None = None,
) -> Drafted:
    check_format(out)
    tpl = template_for(session, template)
    doc, computation = draft(session, org, period)
    with opened_template(tpl) as usable:
        write_document(doc, out, usable)
    return Drafted(out, computation)


def write_child_reports(
    session: Session,
    org: str | None,
    period: str | None,
    out_dir: Path,
    suffix: str,
    template: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[Drafted]:
    """One report per child org unit of `org`, into `out_dir` (a county's township drafts)."""
    check_format(Path("x" + suffix))
    code = session.org(org)
    when = session.period(period)
    children = session.dataset.tree.children(code)
    if not children:
        raise InputError([Problem(option="--org", found=code, message="该单位没有下级单位")])
    tpl = template_for(session, template)
    out_dir.mkdir(parents=True, exist_ok=True)
    drafted: list[Drafted] = []
    with opened_template(tpl) as usable:
        for unit in children:
            doc, computation = draft(session, unit.code, when)
            path = out_dir / f"{unit.code}-{unit.name}{suffix}"
            write_document(doc, path, usable)
            drafted.append(Drafted(path, computation))
            if progress:
                progress(unit.name)
    return drafted
