"""Build ``src/zicha/reports/templates/gbt9704.docx``, the GB/T 9704-2012 report template.

Run from the repository root::

    python scripts/build_template.py            # writes the bundled template
    python scripts/build_template.py out.docx   # writes elsewhere

It starts from python-docx's default document, defines the styles below (the definitions live in
``zicha.reports.docx_layout.STYLE_SPECS`` so that the writer and the template never drift), sets
A4 with the GB/T margins and the 22-line grid, odd/even footers with "— PAGE —", removes theme
fonts and the leftovers of the default document, and gives the Chinese fonts Windows-side
alternative names in the font table (仿宋_GB2312 → 仿宋, 楷体_GB2312 → 楷体, …).

A county may replace the template with its own (``zicha … --template my.docx``): open this one
in Word or WPS, change the styles, save. The writer needs these style names (Word shows the
built-in ones under their Chinese names):

========================  ============  =====================================================
style                     Word (zh-CN)  used for
========================  ============  =====================================================
Normal                    正文          body text: 仿宋_GB2312 3号, first line 2 characters,
                                        exact 28.95 pt
Title                     标题          the title and attachment titles: 方正小标宋简体 2号,
                                        centred
Subtitle                  副标题        an optional line under the title: 楷体_GB2312 3号
Salutation                称呼          the addressee, flush left
Heading 1                 标题 1        "一、" 黑体 3号
Heading 2                 标题 2        "（一）" 楷体_GB2312 3号
Heading 3                 标题 3        "1." 仿宋_GB2312 3号
Heading 4                 标题 4        "（1）" 仿宋_GB2312 3号
Closing                   结束语        "特此报告。"
Signature                 签名          the issuing organ, right-aligned
Date                      日期          the date, right-aligned 4 characters in
Attachment Label          (custom)      "附件1" at the top of an attachment: 黑体 3号
Attachment Note           (custom)      "附件：1. …" under the body
Caption                   题注          table captions (above) and figure captions (below)
Figure                    (custom)      the paragraph holding a picture: single spacing
Table Text                (custom)      table cells: 仿宋_GB2312 小四, single spacing
Footer                    页脚          page numbers: 宋体 4号
Table Grid                网格型        tables: all borders, centred
========================  ============  =====================================================

Page size, margins, the line grid and the page-number footers are set again by the writer on
every document, so a template cannot break them.
"""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import docx  # noqa: E402
from docx.enum.style import WD_STYLE_TYPE  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402

from zicha.reports.docx_layout import (  # noqa: E402
    DEFAULT_TEMPLATE,
    FONT_FANGSONG,
    FONT_HEITI,
    FONT_KAITI,
    FONT_SONGTI,
    FONT_TITLE,
    STYLE_NAMES,
    apply_page_setup,
    define_styles,
    strip_theme_fonts,
)

# Windows-side names Word and WPS fall back on when the GB2312-era font is not installed
FONT_TABLE = {
    FONT_FANGSONG: ("仿宋", "02010609030101010101", "modern", "fixed"),
    FONT_KAITI: ("楷体", "02010609030101010101", "modern", "fixed"),
    FONT_HEITI: ("SimHei", "02010609060101010101", "modern", "fixed"),
    FONT_SONGTI: ("SimSun", "02010600030101010101", "auto", "variable"),
    FONT_TITLE: ("宋体", "02000000000000000000", "auto", "variable"),
}

# keep the style gallery short: drop the default document's decorative table styles
_DROP_TABLE_STYLES = re.compile(r"^(Light|Medium|Dark|Colorful) ")

# parts of python-docx's default document a template should not carry
_DROP_RELTYPES = (
    "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail",
)


def _drop_leftovers(document: docx.document.Document) -> None:
    for style in list(document.styles):
        if style.type == WD_STYLE_TYPE.TABLE and _DROP_TABLE_STYLES.match(style.name or ""):
            style.element.getparent().remove(style.element)
    for rels in (document.part.rels, document.part.package.rels):
        for r_id, rel in list(rels.items()):
            if rel.reltype in _DROP_RELTYPES:
                del rels[r_id]
    props = document.core_properties
    props.author = ""
    props.last_modified_by = ""
    props.title = "GB/T 9704-2012 报告模板"
    props.subject = ""
    props.keywords = ""
    props.comments = "zicha scripts/build_template.py"
    props.category = ""
    props.language = "zh-CN"
    props.revision = 1


def _font_table_xml() -> str:
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    fonts = []
    for name, (alt, panose, family, pitch) in FONT_TABLE.items():
        fonts.append(
            f'<w:font w:name="{name}"><w:altName w:val="{alt}"/>'
            f'<w:panose1 w:val="{panose}"/><w:charset w:val="86"/>'
            f'<w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>'
        )
    for name in ("Times New Roman", "Cambria Math"):
        fonts.append(
            f'<w:font w:name="{name}"><w:charset w:val="00"/><w:family w:val="roman"/>'
            f'<w:pitch w:val="variable"/></w:font>'
        )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:fonts xmlns:w="{w}">{"".join(fonts)}</w:fonts>'
    )


def _rewrite_font_table(path: Path) -> None:
    """Replace word/fontTable.xml (python-docx keeps it as an opaque part)."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/fontTable.xml":
                data = _font_table_xml().encode("utf-8")
            info = zipfile.ZipInfo(item.filename, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, data)
    tmp.replace(path)


def build(out: Path = DEFAULT_TEMPLATE) -> Path:
    """Build the template at ``out`` and return its path."""
    document = docx.Document()
    _drop_leftovers(document)
    define_styles(document, overwrite=True)
    apply_page_setup(document, force_footers=True)
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    document.add_paragraph()  # Word wants a paragraph in the body; the writer discards it
    strip_theme_fonts(document)
    missing = [name for name in STYLE_NAMES if name not in {s.name for s in document.styles}]
    if missing:
        raise RuntimeError(f"styles not defined: {missing}")
    out.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(out))
    _rewrite_font_table(out)
    return out


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_TEMPLATE
    print(build(target))
