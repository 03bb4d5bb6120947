"""The GB/T 9704-2012 page and styles in WordprocessingML: geometry, fonts, style definitions,
the line grid and the odd/even "— 1 —" page numbers.

python-docx has no API for East Asian fonts, the line grid, odd/even footers or fields, so these
are written as XML here. Fonts are named, never embedded; theme fonts are removed everywhere so
that Word and WPS really use the named Chinese faces. `scripts/build_template.py` builds the
default template from :data:`STYLE_SPECS`; the writer (`docx_writer`) applies the page setup to
every document.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Twips

DEFAULT_TEMPLATE: Final = Path(__file__).with_name("templates") / "gbt9704.docx"

FONT_FANGSONG: Final = "仿宋_GB2312"
FONT_TITLE: Final = "方正小标宋简体"
FONT_HEITI: Final = "黑体"
FONT_KAITI: Final = "楷体_GB2312"
FONT_SONGTI: Final = "宋体"

BODY_PT: Final = 16  # 3号
TITLE_PT: Final = 22  # 2号
PAGE_NUMBER_PT: Final = 14  # 4号
TABLE_PT: Final = 12  # 小四
WIDE_TABLE_PT: Final = 10.5  # 五号, for tables of seven columns or more
CAPTION_PT: Final = 14  # 4号
LINE_PITCH: Final = 579  # twips: 28.95 pt, 22 lines in the 225 mm text block
# 3号 text is condensed by 0.25 pt so that 28 characters fit the 156 mm line (GB/T: 22 × 28);
# Word's own way (a linesAndChars grid) is rendered badly by LibreOffice
BODY_CONDENSE: Final = -5

MARK_FILLS: Final[dict[str, str]] = {"good": "C6EFCE", "warn": "FFE699", "bad": "FFC7CE"}

_WORD_BUILTIN: Final = frozenset({"Salutation", "Closing", "Signature", "Date", "Subtitle"})
_THEME_ATTRS: Final = ("asciiTheme", "eastAsiaTheme", "hAnsiTheme", "cstheme")
_W: Final = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass(frozen=True, slots=True)
class PageGeometry:
    """Page size and margins in twips (1/20 pt)."""

    width: int = 11906  # 210 mm
    height: int = 16838  # 297 mm
    top: int = 2098  # 37 mm
    bottom: int = 1984  # 35 mm
    left: int = 1588  # 28 mm
    right: int = 1474  # 26 mm
    header: int = 851  # 15 mm (no header is used)
    # the footer's bottom edge; with a 14 pt line the number sits ~7 mm below the text block
    footer: int = 1247  # 22 mm
    line_pitch: int = LINE_PITCH

    @property
    def text_width(self) -> int:
        """Width of the text block (156 mm)."""
        return self.width - self.left - self.right


PAGE: Final = PageGeometry()


@dataclass(frozen=True, slots=True)
class StyleSpec:
    """What the writer needs of one style. Sizes in points, indents in characters."""

    name: str
    kind: str = "paragraph"  # "paragraph" or "table"
    font: str = FONT_FANGSONG
    size: float = BODY_PT
    bold: bool = False
    align: str = "both"  # w:jc value
    first_line_chars: float = 0
    right_chars: float = 0
    exact_line: bool = True  # exact LINE_PITCH, else single (auto) spacing
    snap_to_grid: bool = True
    keep_next: bool = False
    outline_level: int | None = None
    widow_control: bool = False
    next_style: str | None = None
    # character spacing in 1/20 pt; None: BODY_CONDENSE for 3号 text, else 0
    char_spacing: int | None = None

    @property
    def spacing_twentieths(self) -> int:
        """The character spacing actually written (w:spacing w:val in the run properties)."""
        if self.char_spacing is not None:
            return self.char_spacing
        return BODY_CONDENSE if self.size == BODY_PT else 0


STYLE_SPECS: Final[tuple[StyleSpec, ...]] = (
    StyleSpec("Normal", first_line_chars=2),
    # not snapped to the grid: LibreOffice would give each 2号 line two grid lines
    StyleSpec(
        "Title",
        font=FONT_TITLE,
        size=TITLE_PT,
        align="center",
        snap_to_grid=False,
        next_style="Normal",
    ),
    StyleSpec("Subtitle", font=FONT_KAITI, align="center", snap_to_grid=False, next_style="Normal"),
    StyleSpec("Salutation", align="left"),
    StyleSpec("Heading 1", font=FONT_HEITI, first_line_chars=2, keep_next=True, outline_level=0),
    StyleSpec("Heading 2", font=FONT_KAITI, first_line_chars=2, keep_next=True, outline_level=1),
    StyleSpec("Heading 3", first_line_chars=2, keep_next=True, outline_level=2),
    StyleSpec("Heading 4", first_line_chars=2, keep_next=True, outline_level=3),
    # the closing, attachment notes and signature keep together so that a signature never
    # stands alone on a page
    StyleSpec("Closing", first_line_chars=2, keep_next=True),
    StyleSpec("Signature", align="right", right_chars=4, keep_next=True),
    StyleSpec("Date", align="right", right_chars=4),
    StyleSpec("Attachment Label", font=FONT_HEITI, align="left", keep_next=True),
    StyleSpec("Attachment Note", align="left", keep_next=True),
    StyleSpec("Caption", size=CAPTION_PT, align="center"),
    StyleSpec("Figure", align="center", exact_line=False, snap_to_grid=False, keep_next=True),
    StyleSpec("Table Text", size=TABLE_PT, align="left", exact_line=False, snap_to_grid=False),
    StyleSpec(
        "Footer",
        font=FONT_SONGTI,
        size=PAGE_NUMBER_PT,
        align="right",
        exact_line=False,
        snap_to_grid=False,
    ),
    StyleSpec("Table Grid", kind="table", size=TABLE_PT, align="left", exact_line=False),
)
STYLE_NAMES: Final[tuple[str, ...]] = tuple(s.name for s in STYLE_SPECS)

# child order of the WordprocessingML elements edited here (ECMA-376 part 1, §17)
_STYLE_SEQ: Final = (
    "name",
    "aliases",
    "basedOn",
    "next",
    "link",
    "autoRedefine",
    "hidden",
    "uiPriority",
    "semiHidden",
    "unhideWhenUsed",
    "qFormat",
    "locked",
    "personal",
    "personalCompose",
    "personalReply",
    "rsid",
    "pPr",
    "rPr",
    "tblPr",
    "trPr",
    "tcPr",
    "tblStylePr",
)
_PPR_SEQ: Final = (
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
)
_RPR_SEQ: Final = (
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
)
_SECTPR_SEQ: Final = (
    "headerReference",
    "footerReference",
    "footnotePr",
    "endnotePr",
    "type",
    "pgSz",
    "pgMar",
    "paperSrc",
    "pgBorders",
    "lnNumType",
    "pgNumType",
    "cols",
    "formProt",
    "vAlign",
    "noEndnote",
    "titlePg",
    "textDirection",
    "bidi",
    "rtlGutter",
    "docGrid",
    "printerSettings",
    "sectPrChange",
)
_TBLPR_SEQ: Final = (
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
    "tblCaption",
    "tblDescription",
)
_TRPR_SEQ: Final = (
    "cnfStyle",
    "divId",
    "gridBefore",
    "gridAfter",
    "wBefore",
    "wAfter",
    "cantSplit",
    "trHeight",
    "tblHeader",
    "tblCellSpacing",
    "jc",
    "hidden",
)
_TCPR_SEQ: Final = (
    "cnfStyle",
    "tcW",
    "gridSpan",
    "hMerge",
    "vMerge",
    "tcBorders",
    "shd",
    "noWrap",
    "tcMar",
    "textDirection",
    "tcFitText",
    "vAlign",
    "hideMark",
)
_DOCDEFAULTS_RPR_SEQ: Final = _RPR_SEQ


# ---------------------------------------------------------------------------------------------
# small XML helpers


def _el(tag: str, **attrs: str | int) -> Any:
    """A new ``w:`` element with ``w:`` attributes (``_el("w:sz", val=32)``)."""
    el = OxmlElement(tag)
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), str(value))
    return el


def _local(el: Any) -> str:
    tag: str = el.tag
    return tag.rsplit("}", 1)[-1]


def _put(parent: Any, child: Any, seq: Sequence[str]) -> Any:
    """Replace ``parent``'s child of the same tag by ``child``, keeping the schema order."""
    name = _local(child)
    for old in parent.findall(child.tag):
        parent.remove(old)
    later = set(seq[seq.index(name) + 1 :]) if name in seq else set()
    for i, existing in enumerate(parent):
        if _local(existing) in later:
            parent.insert(i, child)
            return child
    parent.append(child)
    return child


def _get_or_put(parent: Any, tag: str, seq: Sequence[str]) -> Any:
    found = parent.find(qn(tag))
    if found is not None:
        return found
    return _put(parent, _el(tag), seq)


def _rfonts(font: str) -> Any:
    """w:rFonts naming ``font`` for every script (digits in official documents share the face)."""
    return _el("w:rFonts", ascii=font, hAnsi=font, eastAsia=font, cs=font, hint="eastAsia")


def _half_points(pt: float) -> str:
    return str(round(pt * 2))


def _fill_rpr(rpr: Any, spec: StyleSpec) -> None:
    _put(rpr, _rfonts(spec.font), _RPR_SEQ)
    _put(rpr, _el("w:b", val=1 if spec.bold else 0), _RPR_SEQ)
    _put(rpr, _el("w:bCs", val=1 if spec.bold else 0), _RPR_SEQ)
    _put(rpr, _el("w:i", val=0), _RPR_SEQ)
    _put(rpr, _el("w:color", val="000000"), _RPR_SEQ)
    if spec.spacing_twentieths:
        _put(rpr, _el("w:spacing", val=spec.spacing_twentieths), _RPR_SEQ)
    else:
        for old in rpr.findall(qn("w:spacing")):
            rpr.remove(old)
    _put(rpr, _el("w:sz", val=_half_points(spec.size)), _RPR_SEQ)
    _put(rpr, _el("w:szCs", val=_half_points(spec.size)), _RPR_SEQ)


def _spacing(exact: bool) -> Any:
    if exact:
        return _el("w:spacing", before=0, after=0, line=LINE_PITCH, lineRule="exact")
    return _el("w:spacing", before=0, after=0, line=240, lineRule="auto")


def _indent(size_pt: float, first_line_chars: float = 0, right_chars: float = 0) -> Any:
    """w:ind in characters (Word, WPS) and the same in twips (LibreOffice reads those)."""
    char = size_pt * 20
    attrs: dict[str, str | int] = {
        "firstLineChars": round(first_line_chars * 100),
        "firstLine": round(first_line_chars * char),
    }
    if right_chars:
        attrs["rightChars"] = round(right_chars * 100)
        attrs["right"] = round(right_chars * char)
    else:
        attrs["rightChars"] = 0
        attrs["right"] = 0
    return _el("w:ind", **attrs)


def _fill_ppr(ppr: Any, spec: StyleSpec) -> None:
    for tag in ("pBdr", "numPr", "tabs", "contextualSpacing"):
        for old in ppr.findall(qn(f"w:{tag}")):
            ppr.remove(old)
    _put(ppr, _el("w:keepNext", val=1 if spec.keep_next else 0), _PPR_SEQ)
    _put(ppr, _el("w:widowControl", val=1 if spec.widow_control else 0), _PPR_SEQ)
    _put(ppr, _el("w:snapToGrid", val=1 if spec.snap_to_grid else 0), _PPR_SEQ)
    _put(ppr, _spacing(spec.exact_line), _PPR_SEQ)
    _put(ppr, _indent(spec.size, spec.first_line_chars, spec.right_chars), _PPR_SEQ)
    _put(ppr, _el("w:jc", val=spec.align), _PPR_SEQ)
    if spec.outline_level is not None:
        _put(ppr, _el("w:outlineLvl", val=spec.outline_level), _PPR_SEQ)


# ---------------------------------------------------------------------------------------------
# styles


def _table_style_props(style_el: Any) -> None:
    tblpr = _get_or_put(style_el, "w:tblPr", _STYLE_SEQ)
    _put(tblpr, _el("w:jc", val="center"), _TBLPR_SEQ)
    _put(tblpr, _borders("w:tblBorders"), _TBLPR_SEQ)
    mar = _el("w:tblCellMar")
    for side, w in (("top", 28), ("left", 85), ("bottom", 28), ("right", 85)):
        mar.append(_el(f"w:{side}", w=w, type="dxa"))
    _put(tblpr, mar, _TBLPR_SEQ)


def _borders(tag: str) -> Any:
    borders = _el(tag)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_el(f"w:{side}", val="single", sz=4, space=0, color="000000"))
    return borders


def _apply_spec(document: Any, spec: StyleSpec, overwrite: bool) -> None:
    styles = document.styles
    kind = WD_STYLE_TYPE.TABLE if spec.kind == "table" else WD_STYLE_TYPE.PARAGRAPH
    try:
        style = styles[spec.name]
        exists = True
    except KeyError:
        style = styles.add_style(spec.name, kind)
        exists = False
        if spec.name in _WORD_BUILTIN:
            # Word knows these names (称呼, 结束语, 签名, 日期): not custom styles
            style.element.attrib.pop(qn("w:customStyle"), None)
    if exists and not overwrite:
        return
    el = style.element
    if spec.name != "Normal" and spec.kind == "paragraph":
        _put(el, _el("w:basedOn", val="Normal"), _STYLE_SEQ)
    if spec.next_style is not None:
        _put(el, _el("w:next", val="Normal"), _STYLE_SEQ)
    for tag in ("link",):
        for old in el.findall(qn(f"w:{tag}")):
            el.remove(old)
    for hidden in ("semiHidden", "unhideWhenUsed", "hidden"):
        for old in el.findall(qn(f"w:{hidden}")):
            el.remove(old)
    _put(el, _el("w:qFormat"), _STYLE_SEQ)
    # rebuild pPr/rPr from scratch so nothing of the old look (colours, borders) survives
    for tag in ("pPr", "rPr"):
        for old in el.findall(qn(f"w:{tag}")):
            el.remove(old)
    ppr = _put(el, _el("w:pPr"), _STYLE_SEQ)
    rpr = _put(el, _el("w:rPr"), _STYLE_SEQ)
    _fill_ppr(ppr, spec)
    _fill_rpr(rpr, spec)
    if spec.kind == "table":
        _table_style_props(el)


def define_styles(document: Any, overwrite: bool = True) -> None:
    """Define the styles of :data:`STYLE_SPECS` in a python-docx document.

    With ``overwrite`` False only missing styles are created (the writer does this, so that a
    county's template keeps its own look). Also sets the document defaults (font, size, zh-CN)
    and removes theme fonts.
    """
    _doc_defaults(document)
    for spec in STYLE_SPECS:
        _apply_spec(document, spec, overwrite)
    strip_theme_fonts(document)


def _doc_defaults(document: Any) -> None:
    root = document.styles.element
    defaults = root.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = _el("w:docDefaults")
        root.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = _el("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = rpr_default.makeelement(qn("w:rPr"), {})
        rpr_default.append(rpr)
    _put(rpr, _rfonts(FONT_FANGSONG), _DOCDEFAULTS_RPR_SEQ)
    _put(rpr, _el("w:sz", val=_half_points(BODY_PT)), _DOCDEFAULTS_RPR_SEQ)
    _put(rpr, _el("w:szCs", val=_half_points(BODY_PT)), _DOCDEFAULTS_RPR_SEQ)
    _put(rpr, _el("w:lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA"), _DOCDEFAULTS_RPR_SEQ)
    ppr_default = defaults.find(qn("w:pPrDefault"))
    if ppr_default is None:
        ppr_default = _el("w:pPrDefault")
        defaults.append(ppr_default)
    ppr = ppr_default.find(qn("w:pPr"))
    if ppr is None:
        ppr = _el("w:pPr")
        ppr_default.append(ppr)
    _put(ppr, _spacing(True), _PPR_SEQ)


def _xml_parts(document: Any) -> Iterable[Any]:
    for part in document.part.package.iter_parts():
        element = getattr(part, "element", None)
        if element is not None:
            yield element


def strip_theme_fonts(document: Any) -> None:
    """Remove theme-font attributes from every w:rFonts (styles, docDefaults, runs, footers).

    Word prefers a theme font to a named one; left in place they make Word and WPS show the
    theme's fonts instead of 仿宋_GB2312 and the like. An rFonts left without any font in
    docDefaults gets 仿宋_GB2312.
    """
    for root in _xml_parts(document):
        for rfonts in root.iter(qn("w:rFonts")):
            for attr in _THEME_ATTRS:
                rfonts.attrib.pop(qn(f"w:{attr}"), None)
    settings = document.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")


# ---------------------------------------------------------------------------------------------
# page setup and page numbers


def _page_number_paragraph(paragraph: Any, odd: bool, style_id: str) -> None:
    """ "— N —" with a PAGE field; odd pages right with one character's space, even left."""
    p = paragraph._p
    for child in list(p):
        p.remove(child)
    ppr = p.get_or_add_pPr()
    _put(ppr, _el("w:pStyle", val=style_id), _PPR_SEQ)
    char = PAGE_NUMBER_PT * 20
    if odd:
        ind = _el("w:ind", right=char, rightChars=100, left=0, leftChars=0)
    else:
        ind = _el("w:ind", left=char, leftChars=100, right=0, rightChars=0)
    ind.set(qn("w:firstLine"), "0")
    ind.set(qn("w:firstLineChars"), "0")
    _put(ppr, ind, _PPR_SEQ)
    _put(ppr, _el("w:jc", val="right" if odd else "left"), _PPR_SEQ)

    def run(text: str | None = None, fld: str | None = None, instr: str | None = None) -> None:
        r = _el("w:r")
        if fld is not None:
            r.append(_el("w:fldChar", fldCharType=fld))
        elif instr is not None:
            t = _el("w:instrText")
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            t.text = instr
            r.append(t)
        elif text is not None:
            t = _el("w:t")
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            t.text = text
            r.append(t)
        p.append(r)

    run("— ")
    run(fld="begin")
    run(instr=" PAGE ")
    run(fld="separate")
    run("1")
    run(fld="end")
    run(" —")


def _style_id(document: Any, name: str) -> str:
    try:
        sid: str = document.styles[name].style_id
    except KeyError:
        sid = name.replace(" ", "")
    return sid


def _has_page_field(footer: Any) -> bool:
    el = footer._element
    instr = "".join(t.text or "" for t in el.iter(qn("w:instrText")))
    simple = [f.get(qn("w:instr"), "") for f in el.iter(qn("w:fldSimple"))]
    return "PAGE" in instr or any("PAGE" in s for s in simple)


def apply_page_setup(
    document: Any, geometry: PageGeometry = PAGE, force_footers: bool = False
) -> None:
    """Set A4, the GB/T margins, the 22-line grid and odd/even page-number footers.

    Footers that already hold a PAGE field are kept unless ``force_footers``.
    """
    document.settings.odd_and_even_pages_header_footer = True
    settings = document.settings.element
    for tag in ("embedTrueTypeFonts", "embedSystemFonts", "saveSubsetFonts"):
        for old in settings.findall(qn(f"w:{tag}")):
            settings.remove(old)
    for section in document.sections:
        section.page_width = Twips(geometry.width)
        section.page_height = Twips(geometry.height)
        section.top_margin = Twips(geometry.top)
        section.bottom_margin = Twips(geometry.bottom)
        section.left_margin = Twips(geometry.left)
        section.right_margin = Twips(geometry.right)
        section.header_distance = Twips(geometry.header)
        section.footer_distance = Twips(geometry.footer)
        section.gutter = Twips(0)
        section.different_first_page_header_footer = False
        sect_pr = section._sectPr
        _put(sect_pr, _el("w:docGrid", type="lines", linePitch=geometry.line_pitch), _SECTPR_SEQ)
        for footer, odd in ((section.footer, True), (section.even_page_footer, False)):
            footer.is_linked_to_previous = False
            if force_footers or not _has_page_field(footer):
                paragraphs = footer.paragraphs
                first = paragraphs[0] if paragraphs else footer.add_paragraph()
                for extra in paragraphs[1:]:
                    extra._p.getparent().remove(extra._p)
                _page_number_paragraph(first, odd, _style_id(document, "Footer"))


def apply_draft_mark(document: Any, mark: str) -> None:
    """A draft mark (征求意见稿) at the right of every page's header, in 黑体 3号."""
    for section in document.sections:
        for header in (section.header, section.even_page_header):
            header.is_linked_to_previous = False
            paragraphs = header.paragraphs
            p = paragraphs[0] if paragraphs else header.add_paragraph()
            for extra in paragraphs[1:]:
                extra._p.getparent().remove(extra._p)
            for child in list(p._p):
                p._p.remove(child)
            ppr = p._p.get_or_add_pPr()
            _put(ppr, _el("w:pBdr"), _PPR_SEQ)
            _put(ppr, _el("w:ind", left=0, right=0, firstLine=0, firstLineChars=0), _PPR_SEQ)
            _put(ppr, _el("w:jc", val="right"), _PPR_SEQ)
            run = p.add_run(mark)
            rpr = run._r.get_or_add_rPr()
            _put(rpr, _rfonts(FONT_HEITI), _RPR_SEQ)
            _put(rpr, _el("w:sz", val=BODY_PT * 2), _RPR_SEQ)
            _put(rpr, _el("w:szCs", val=BODY_PT * 2), _RPR_SEQ)
