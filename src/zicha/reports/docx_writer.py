"""Write a :class:`~zicha.reports.document.Document` as a .docx laid out per GB/T 9704-2012.

The look lives in a template's styles (default: the bundled ``templates/gbt9704.docx``, built by
``scripts/build_template.py`` from :data:`STYLE_SPECS`). A county may replace the template with
its own as long as it keeps the style names in :data:`STYLE_NAMES`; a style missing from a
replacement template is created with the GB/T default. The page (A4, margins, 22-line grid) and
the odd/even "— 1 —" page numbers are always set by the writer, since they are the standard.

python-docx has no API for East Asian fonts, the line grid, odd/even footers or fields, so these
are written as WordprocessingML here. Fonts are named, never embedded; theme fonts are removed
everywhere so that Word and WPS really use the named Chinese faces.
"""

from __future__ import annotations

import datetime
import io
from html import escape
from pathlib import Path
from typing import Any

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.text.paragraph import Paragraph as DocxParagraph

from zicha.reports.document import (
    Attachment,
    Block,
    Chart,
    Closing,
    Document,
    Figure,
    Heading,
    PageBreak,
    Paragraph,
    Placeholder,
    Signatures,
    Table,
    format_date_cn,
    placeholder_text,
    signature_indent_chars,
    text_width_chars,
)
from zicha.reports.docx_chart import add_chart
from zicha.reports.title import title_lines

__all__ = [
    "BODY_CONDENSE",
    "DEFAULT_TEMPLATE",
    "FONT_FANGSONG",
    "FONT_HEITI",
    "FONT_KAITI",
    "FONT_SONGTI",
    "FONT_TITLE",
    "LINE_PITCH",
    "MARK_FILLS",
    "PAGE",
    "STYLE_NAMES",
    "STYLE_SPECS",
    "PageGeometry",
    "StyleSpec",
    "apply_page_setup",
    "define_styles",
    "docx_bytes",
    "strip_theme_fonts",
    "write_docx",
]

from zicha.reports.docx_layout import (
    _PPR_SEQ,
    _RPR_SEQ,
    _TBLPR_SEQ,
    _TCPR_SEQ,
    _TRPR_SEQ,
    BODY_CONDENSE,
    BODY_PT,
    DEFAULT_TEMPLATE,
    FONT_FANGSONG,
    FONT_HEITI,
    FONT_KAITI,
    FONT_SONGTI,
    FONT_TITLE,
    LINE_PITCH,
    MARK_FILLS,
    PAGE,
    STYLE_NAMES,
    STYLE_SPECS,
    TABLE_PT,
    WIDE_TABLE_PT,
    PageGeometry,
    StyleSpec,
    _el,
    _put,
    apply_draft_mark,
    apply_page_setup,
    define_styles,
    strip_theme_fonts,
)

# ---------------------------------------------------------------------------------------------
# body


class _Writer:
    def __init__(self, document: Any) -> None:
        self.d = document
        self.body = document.element.body
        self.sect_pr = self.body.find(qn("w:sectPr"))
        self.pending_break = False
        self._ids: dict[str, str | None] = {}
        self._defaults: dict[Any, Any] = {}
        self.charts = 0

    # -- paragraphs ------------------------------------------------------------------------

    def para(self, text: str = "", style: str = "Normal") -> Any:
        """A new paragraph at the end of the body, built as XML (python-docx's own way looks
        up where to insert on every paragraph and every run)."""
        sid = self.style_id(style)
        ppr = f'<w:pPr><w:pStyle w:val="{_xml_attr(sid)}"/></w:pPr>' if sid is not None else ""
        run = f"<w:r>{_run_content(text)}</w:r>" if text else ""
        element = parse_xml(f'<w:p xmlns:w="{_W_NS}">{ppr}{run}</w:p>')
        if self.sect_pr is not None:
            self.sect_pr.addprevious(element)
        else:  # pragma: no cover - a body always ends with its section properties
            self.body.append(element)
        p = DocxParagraph(element, self.d._body)
        if self.pending_break:
            p.paragraph_format.page_break_before = True
            self.pending_break = False
        return p

    def set_style(self, p: Any, name: str) -> None:
        """Set a paragraph's style by its id, looked up once per name (python-docx's own
        setter searches the styles part on every call)."""
        sid = self.style_id(name)
        if sid is not None:
            p._p.style = sid

    def _style(self, name: str) -> Any:
        try:
            return self.d.styles[name]
        except KeyError:
            return self.d.styles["Normal"]

    def no_indent(self, p: Any) -> None:
        ppr = p._p.get_or_add_pPr()
        _put(ppr, _el("w:ind", firstLineChars=0, firstLine=0), _PPR_SEQ)

    def indent(self, p: Any, *, left: float, hanging: float = 0, right: float = 0) -> None:
        char = BODY_PT * 20
        attrs: dict[str, str | int] = {
            "leftChars": round(left * 100),
            "left": round(left * char),
            "rightChars": round(right * 100),
            "right": round(right * char),
        }
        if hanging:
            attrs["hangingChars"] = round(hanging * 100)
            attrs["hanging"] = round(hanging * char)
        else:
            attrs["firstLineChars"] = 0
            attrs["firstLine"] = 0
        _put(p._p.get_or_add_pPr(), _el("w:ind", **attrs), _PPR_SEQ)

    def blank(self, keep_next: bool = False) -> Any:
        p = self.para()
        self.no_indent(p)
        if keep_next:
            p.paragraph_format.keep_with_next = True
        return p

    # -- blocks ----------------------------------------------------------------------------

    def block(self, block: Block) -> None:
        if isinstance(block, Heading):
            self.para(block.text, f"Heading {block.level}")
        elif isinstance(block, Paragraph):
            p = self.para(block.text)
            if not block.indent:
                self.no_indent(p)
        elif isinstance(block, Placeholder):
            p = self.para()
            run = p.add_run(placeholder_text(block.text))
            rpr = run._r.get_or_add_rPr()
            _put(rpr, _el("w:highlight", val="yellow"), _RPR_SEQ)
        elif isinstance(block, Closing):
            self.para(block.text, "Closing")
        elif isinstance(block, Table):
            self.table(block)
        elif isinstance(block, Figure):
            self.figure(block)
        elif isinstance(block, Chart):
            self.chart(block)
        elif isinstance(block, PageBreak):
            self.pending_break = True
        elif isinstance(block, Signatures):
            self.signatures(block)
        else:  # pragma: no cover - exhaustive over Block
            raise TypeError(f"unknown block {block!r}")

    def figure(self, fig: Figure) -> None:
        p = self.para(style="Figure")
        width = min(fig.width_mm, PAGE.text_width / 56.6929)
        p.add_run().add_picture(io.BytesIO(fig.png), width=Mm(width))
        if fig.caption:
            self.para(fig.caption, "Caption")

    def chart(self, chart: Chart) -> None:
        p = self.para(style="Figure")
        self.charts += 1
        width = min(chart.width_mm, PAGE.text_width / 56.6929)
        add_chart(self.d, p.add_run(), chart, self.charts, width)
        if chart.caption:
            self.para(chart.caption, "Caption")

    def table(self, table: Table) -> None:
        if table.caption:
            cap = self.para(table.caption, "Caption")
            cap.paragraph_format.keep_with_next = True
        elif self.pending_break:
            # a table cannot start a page by itself: carry the break on a tiny paragraph
            self.para(style="Table Text")
        n_cols = len(table.columns)
        # a wide table (seven columns or more) is set in 五号 (10.5 pt) so figures stay on a line
        size = WIDE_TABLE_PT if n_cols >= 7 else TABLE_PT
        widths = _column_widths(table, PAGE.text_width, size)
        # written as one piece of XML: python-docx's cell API costs a millisecond a cell
        tbl = parse_xml(self.table_xml(table, widths, size))
        if self.sect_pr is not None:
            self.sect_pr.addprevious(tbl)
        else:  # pragma: no cover - a body always ends with its section properties
            self.body.append(tbl)

    def table_xml(self, table: Table, widths: list[int], size: float) -> str:
        """The table's WordprocessingML: grid, fixed widths, header row repeated, marks."""
        grid_id = self.style_id("Table Grid")
        text_id = self.style_id("Table Text")
        style = f'<w:tblStyle w:val="{grid_id}"/>' if grid_id else ""
        sides = "".join(
            f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
            for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        out = [
            f'<w:tbl xmlns:w="{_W_NS}"><w:tblPr>{style}'
            f'<w:tblW w:w="{PAGE.text_width}" w:type="dxa"/><w:jc w:val="center"/>'
            f'<w:tblInd w:w="0" w:type="dxa"/><w:tblBorders>{sides}</w:tblBorders>'
            '<w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" '
            'w:lastRow="0" w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>'
            "</w:tblPr><w:tblGrid>",
            *(f'<w:gridCol w:w="{w}"/>' for w in widths),
            "</w:tblGrid>",
        ]
        p_style = f'<w:pStyle w:val="{text_id}"/>' if text_id else ""
        half_points = round(size * 2)
        sz = f'<w:sz w:val="{half_points}"/>' if size != TABLE_PT else ""
        for r, texts in enumerate((table.columns, *table.rows)):
            header = "<w:tblHeader/>" if r == 0 else ""
            out.append(f"<w:tr><w:trPr><w:cantSplit/>{header}</w:trPr>")
            rpr = f"<w:rPr>{'<w:b/>' if r == 0 else ''}{sz}</w:rPr>" if r == 0 or sz else ""
            for c, text in enumerate(texts):
                mark = None if r == 0 else table.mark(r - 1, c)
                shade = (
                    f'<w:shd w:val="clear" w:color="auto" w:fill="{MARK_FILLS[mark]}"/>'
                    if mark is not None
                    else ""
                )
                align = "center" if r == 0 else table.column_align(c)
                lines = text.split("\n")
                runs = "".join(
                    f'<w:r>{rpr}<w:t xml:space="preserve">{_xml_text(line)}</w:t>'
                    + ("<w:br/>" if i < len(lines) - 1 else "")
                    + "</w:r>"
                    for i, line in enumerate(lines)
                )
                out.append(
                    f'<w:tc><w:tcPr><w:tcW w:w="{widths[c]}" w:type="dxa"/>{shade}'
                    f'<w:vAlign w:val="center"/></w:tcPr><w:p><w:pPr>{p_style}'
                    f'<w:jc w:val="{align}"/></w:pPr>{runs}</w:p></w:tc>'
                )
            out.append("</w:tr>")
        out.append("</w:tbl>")
        return "".join(out)

    def style_id(self, name: str) -> str | None:
        """A style's id, None when it is the default one (and so need not be named)."""
        if name not in self._ids:
            style = self._style(name)
            if style.type not in self._defaults:  # a walk over every style: once per type
                self._defaults[style.type] = self.d.styles.default(style.type)
            self._ids[name] = None if style == self._defaults[style.type] else style.style_id
        return self._ids[name]

    def signatures(self, block: Signatures) -> None:
        """The parties' signature blocks side by side: a borderless table of one row that is
        never split over two pages, in the body's font on the body's line grid. The paragraph
        before it goes with it to the next page, so that no page holds the signatures alone."""
        last = self.body.findall(qn("w:p"))
        if last:
            _put(last[-1].get_or_add_pPr(), _el("w:keepNext"), _PPR_SEQ)
        self.blank(keep_next=True)
        n = len(block.parties)
        t = self.d.add_table(rows=1, cols=n)
        tbl = t._tbl
        tblpr = tbl.tblPr
        width = PAGE.text_width // n
        _put(tblpr, _el("w:tblW", w=width * n, type="dxa"), _TBLPR_SEQ)
        _put(tblpr, _el("w:tblInd", w=0, type="dxa"), _TBLPR_SEQ)
        borders = _el("w:tblBorders")
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            borders.append(_el(f"w:{side}", val="nil"))
        _put(tblpr, borders, _TBLPR_SEQ)
        _put(tblpr, _el("w:tblLayout", type="fixed"), _TBLPR_SEQ)
        margins = _el("w:tblCellMar")
        for side in ("left", "right"):
            margins.append(_el(f"w:{side}", w=0, type="dxa"))
        _put(tblpr, margins, _TBLPR_SEQ)
        for col in tbl.tblGrid.findall(qn("w:gridCol")):
            col.set(qn("w:w"), str(width))
        row = t.rows[0]
        _put(row._tr.get_or_add_trPr(), _el("w:cantSplit"), _TRPR_SEQ)
        for cell, lines in zip(row.cells, block.parties, strict=True):
            _put(cell._tc.get_or_add_tcPr(), _el("w:tcW", w=width, type="dxa"), _TCPR_SEQ)
            for i in range(block.rows):
                p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
                # the body's style, flush left; no style of its own, so that a county's
                # template needs nothing new
                self.set_style(p, "Normal")
                self.no_indent(p)
                _put(p._p.get_or_add_pPr(), _el("w:jc", val="left"), _PPR_SEQ)
                if i < len(lines) and lines[i]:
                    p.add_run(lines[i])

    # -- whole document --------------------------------------------------------------------

    def title(self, title: str) -> None:
        """A 2号 title, broken at word boundaries in a GB/T 9704 shape (:mod:`title`)."""
        p = self.para(style="Title")
        lines = title_lines(title)
        for i, line in enumerate(lines):
            run = p.add_run(line)
            if i < len(lines) - 1:
                run.add_break()

    def document(self, doc: Document) -> None:
        self.title(doc.title)
        if doc.subtitle:
            self.para(doc.subtitle, "Subtitle")
        self.blank()
        if doc.addressee:
            self.para(doc.addressee, "Salutation")
        for block in doc.blocks:
            self.block(block)
        if doc.attachments:
            self.attachment_notes(doc)
        if doc.signature or doc.date:
            self.signature(doc.signature, doc.date)
        for i, att in enumerate(doc.attachments):
            self.attachment(doc.attachment_label(i), att)

    def attachment_notes(self, doc: Document) -> None:
        """附件说明: "附件：1. 名称" under the body, one line left blank before it."""
        self.blank(keep_next=True)
        many = len(doc.attachments) > 1
        for i, att in enumerate(doc.attachments):
            number = f"{i + 1}. " if many else ""
            if i == 0:
                p = self.para(f"附件：{number}{att.title}", "Attachment Note")
                self.indent(p, left=5, hanging=3)
            else:
                p = self.para(f"{number}{att.title}", "Attachment Note")
                self.indent(p, left=5)

    def signature(self, signature: str | None, date: datetime.date | None) -> None:
        """Issuer and date: date 4 characters in from the right, issuer centred over it."""
        self.blank(keep_next=True)
        date_text = format_date_cn(date) if date else ""
        if signature:
            p = self.para(signature, "Signature")
            self.indent(p, left=0, right=signature_indent_chars(signature, date_text))
            p.paragraph_format.keep_with_next = bool(date_text)
        if date_text:
            p = self.para(date_text, "Date")
            self.indent(p, left=0, right=4)

    def attachment(self, label: str, att: Attachment) -> None:
        self.pending_break = True
        self.para(label, "Attachment Label")
        self.blank()
        self.title(att.title)
        self.blank()
        for block in att.blocks:
            self.block(block)


def total_chars(total_twips: int, size_pt: float = 12.0) -> float:
    """How many full-width characters of the table text fit in `total_twips`."""
    return total_twips / (size_pt * 20)


def _column_widths(table: Table, total: int, size_pt: float = 12.0) -> list[int]:
    """Column widths in twips summing to ``total``, roughly in proportion to their content."""
    natural: list[float] = []
    for c, head in enumerate(table.columns):
        cells = [row[c] for row in table.rows]
        body_w = max(
            (text_width_chars(line) for cell in cells for line in cell.split("\n")), default=0
        )
        head_w = max(text_width_chars(line) for line in head.split("\n"))
        # headers may wrap onto two lines; body cells should not
        need = max(body_w, head_w / 2 if head_w >= 4 else head_w, 2.0)
        natural.append(min(need, 18.0) + 1.6)
    # when the content is wider than the page, narrow the widest columns first (they wrap
    # text), so that short figures keep their width and stay on one line
    budget = float(sum(natural))
    limit = max(natural)
    while budget > total_chars(total, size_pt) and limit > 3.0:
        limit -= 0.25
        budget = sum(min(w, limit) for w in natural)
    natural = [min(w, limit) for w in natural]
    scale = total / sum(natural)
    widths = [int(w * scale) for w in natural]
    widths[-1] += total - sum(widths)
    return widths


_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _run_content(text: str) -> str:
    r"""A run's text as python-docx's ``add_run`` writes it: line breaks and tabs as elements.

    >>> _run_content("甲\t乙\n丙").replace('<w:t xml:space="preserve">', "<t>")
    '<t>甲</w:t><w:tab/><t>乙</w:t><w:br/><t>丙</w:t>'
    """
    parts: list[str] = []
    for i, line in enumerate(text.split("\n")):
        if i:
            parts.append("<w:br/>")
        for j, piece in enumerate(line.split("\t")):
            if j:
                parts.append("<w:tab/>")
            if piece:
                parts.append(f'<w:t xml:space="preserve">{_xml_text(piece)}</w:t>')
    return "".join(parts)


def _xml_attr(text: str) -> str:
    return escape(text, quote=True)


def _xml_text(text: str) -> str:
    """Text for an XML element: escaped, and without the characters XML 1.0 cannot hold."""
    clean = "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 0x20)
    return escape(clean, quote=False)


def _clear_body(document: Any) -> None:
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def _set_properties(document: Any, doc: Document) -> None:
    props = document.core_properties
    props.title = doc.title
    props.subject = doc.subtitle or ""
    props.author = doc.signature or ""
    props.last_modified_by = doc.signature or ""
    props.comments = ""
    props.keywords = ""
    props.category = ""
    props.language = "zh-CN"
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0, tzinfo=None)
    props.created = now
    props.modified = now
    props.revision = 1


def _build(doc: Document, template: Path | None) -> Any:
    source = template if template is not None else DEFAULT_TEMPLATE
    d = docx.Document(str(source))
    _clear_body(d)
    define_styles(d, overwrite=False)
    apply_page_setup(d)
    if doc.draft_mark:
        apply_draft_mark(d, doc.draft_mark)
    _Writer(d).document(doc)
    strip_theme_fonts(d)
    _set_properties(d, doc)
    return d


def write_docx(doc: Document, path: Path, template: Path | None = None) -> None:
    """Write ``doc`` as an official-document .docx at ``path``.

    ``template`` is a .docx whose styles give the look (default :data:`DEFAULT_TEMPLATE`); its
    body is discarded. Missing styles are created, the GB/T page setup and page numbers are
    always applied, theme fonts are removed.
    """
    d = _build(doc, template)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    d.save(str(path))


def docx_bytes(doc: Document, template: Path | None = None) -> bytes:
    """``doc`` as the bytes of a .docx file, as :func:`write_docx` writes it."""
    buffer = io.BytesIO()
    _build(doc, template).save(buffer)
    return buffer.getvalue()
