"""`zicha agreements`: the target responsibility agreements (目标管理责任书) an org unit signs
with each unit below it, as Word files, one by one or all in one zip.

The same functions serve the command line and the server: `agreement_file` (one unit's
agreement with its parent) and `agreements_archive` (every child of a unit, zipped) take an
engine, whichever source its facts come from, and answer the file's name and bytes.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from zicha.actions.files import safe_file_name, write_bytes
from zicha.actions.reporting import pack_template
from zicha.actions.session import Session
from zicha.domain.errors import InputError, Problem
from zicha.domain.orgunit import OrgUnit
from zicha.domain.period import Period, fiscal_year_of
from zicha.engine.computation import Engine
from zicha.engine.terms import agreement_terms, target_periods
from zicha.reports.agreement import AgreementContext, build_agreement, year_text
from zicha.reports.docx_writer import docx_bytes
from zicha.workbook.cells import CellError, parse_date

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ZIP_TYPE = "application/zip"


@dataclass(frozen=True)
class AgreementFile:
    """A file to hand over: its (safe) name, its bytes and its media type."""

    name: str
    data: bytes
    media_type: str


@dataclass
class Drafts:
    """The agreements of a unit's children, and the children left out for want of targets."""

    issuer: OrgUnit
    period: Period
    files: list[AgreementFile] = field(default_factory=list)
    without_targets: list[OrgUnit] = field(default_factory=list)


def _wording_of(engine: Engine) -> None:
    if engine.pack.agreement is None:
        raise InputError(
            [
                Problem(
                    file=engine.pack.path,
                    message=f"业务包「{engine.pack.id}」没有目标责任书的措辞",
                    expected="业务包目录中有 agreement.toml（可参照内置业务包的同名文件）",
                )
            ]
        )


def _no_targets(engine: Engine, unit: OrgUnit, period: Period) -> Problem:
    have = target_periods(engine, unit.code)
    listed = "、".join(p.id for p in have[:8])
    hint = f"该单位有目标的期间：{listed}" if have else "「目标」表中没有该单位的目标"
    return Problem(
        sheet="目标",
        option="--period",
        found=period.id,
        message=f"{unit.code} {unit.name}在{period.label}没有适用的目标（{hint}）",
    )


def _context(
    engine: Engine, unit: OrgUnit, period: Period, date: datetime.date | None
) -> AgreementContext | None:
    """The agreement of `unit` with its parent; None when it has no targets for `period`."""
    wording = engine.pack.agreement
    assert wording is not None and unit.parent is not None
    terms = agreement_terms(engine, unit.code, period)
    if not terms:
        return None
    issuer = engine.tree.get(unit.parent)
    return AgreementContext(wording, issuer, unit, period, terms, date)


def _docx_name(unit: OrgUnit, period: Period) -> str:
    return safe_file_name(f"{unit.code}-{unit.name}-{year_text(period)}目标责任书.docx")


def _docx(engine: Engine, ctx: AgreementContext) -> AgreementFile:
    data = docx_bytes(build_agreement(ctx), pack_template(engine.pack))
    return AgreementFile(_docx_name(ctx.party, ctx.period), data, DOCX_TYPE)


def _unit(engine: Engine, code: str) -> OrgUnit:
    if code not in engine.tree:
        raise InputError([Problem(option="--org", found=code, expected="组织机构表中的单位代码")])
    return engine.tree.get(code)


def agreement_file(
    engine: Engine, unit: str, period: Period, date: datetime.date | None = None
) -> AgreementFile:
    """The agreement `unit` signs with its parent for `period`, as a .docx file.

    `date` is the signing date; None leaves the date line blank, to be written by hand.
    """
    _wording_of(engine)
    child = _unit(engine, unit)
    if child.parent is None:
        raise InputError(
            [
                Problem(
                    option="--org",
                    found=child.code,
                    message=f"{child.name}是最上级单位，没有与之签订目标责任书的上级单位",
                )
            ]
        )
    ctx = _context(engine, child, period, date)
    if ctx is None:
        raise InputError([_no_targets(engine, child, period)])
    return _docx(engine, ctx)


def draft_agreements(
    engine: Engine,
    org: str,
    period: Period,
    date: datetime.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> Drafts:
    """The agreement of every child of `org` that has targets for `period`."""
    _wording_of(engine)
    issuer = _unit(engine, org)
    children = engine.tree.children(issuer.code)
    if not children:
        raise InputError(
            [Problem(option="--org", found=issuer.code, message=f"{issuer.name}没有下级单位")]
        )
    drafts = Drafts(issuer, period)
    for child in children:
        ctx = _context(engine, child, period, date)
        if ctx is None:
            drafts.without_targets.append(child)
        else:
            drafts.files.append(_docx(engine, ctx))
        if progress is not None:
            progress(child.name)
    if not drafts.files:
        raise InputError(
            [
                Problem(
                    sheet="目标",
                    option="--period",
                    found=period.id,
                    message=f"{issuer.name}的下级单位在{period.label}都没有适用的目标",
                )
            ]
        )
    return drafts


def archive_name(issuer: OrgUnit, period: Period) -> str:
    """The zip's name: "510000-XX县-2010年度目标责任书.zip"."""
    return safe_file_name(f"{issuer.code}-{issuer.name}-{year_text(period)}目标责任书.zip")


def zip_files(files: list[AgreementFile]) -> bytes:
    """The files in one zip (names in UTF-8, as the zip format marks them)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for f in files:
            z.writestr(f.name, f.data)
    return buffer.getvalue()


def agreements_archive(
    engine: Engine, org: str, period: Period, date: datetime.date | None = None
) -> AgreementFile:
    """The agreements of every child of `org` that has targets for `period`, in one zip."""
    drafts = draft_agreements(engine, org, period, date)
    return AgreementFile(archive_name(drafts.issuer, period), zip_files(drafts.files), ZIP_TYPE)


# ---------------------------------------------------------------------------------------------
# the command line


def agreement_period(session: Session, text: str | None) -> Period:
    """The period asked for; by default the (statistical) year of the workbook's own period."""
    if text:
        return session.period(text)
    own = session.period(None)
    return fiscal_year_of(own.start, session.pack.year_start_month)


def signing_date(text: str | None) -> datetime.date | None:
    """`--date`: a date as the workbook takes it (2010-10-08, 2010年10月8日), or None."""
    if not text:
        return None
    try:
        return parse_date(text)
    except CellError as err:
        raise InputError(
            [Problem(option="--date", found=text, expected=err.expected, message=err.message)]
        ) from None


def write_agreements(
    session: Session,
    org: str | None,
    period: str | None,
    out_dir: Path,
    as_zip: bool = False,
    date: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[Drafts, list[Path]]:
    """Write the agreements of every child of `org` into `out_dir` (or one zip there).

    Every file is drafted before the first is written; when writing fails, the files already
    written are removed again, and so is `out_dir` when this call made it.
    """
    when = agreement_period(session, period)
    signed = signing_date(date)
    drafts = draft_agreements(session.engine, session.org(org), when, signed, progress)
    files = drafts.files
    if as_zip:
        files = [AgreementFile(archive_name(drafts.issuer, when), zip_files(files), ZIP_TYPE)]
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError([Problem(file=str(out_dir), message="输出路径是一个文件，应为目录")])
    made = not out_dir.exists()
    written: list[Path] = []
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for f in files:
            path = out_dir / f.name
            write_bytes(path, f.data)
            written.append(path)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        if made:
            with contextlib.suppress(OSError):
                out_dir.rmdir()
        raise
    return drafts, written
