"""Render a :class:`~zicha.reports.document.Document` as one self-contained HTML page.

Inline CSS, figures as ``data:`` URIs, an A4-like column with the GB/T 9704 margins, the
official fonts named first with free fallbacks (Noto CJK) after them. Printing the page from a
browser gives A4 pages with the same margins.
"""

from __future__ import annotations

import base64
from html import escape
from typing import Final

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
)
from zicha.reports.svg_chart import render_svg
from zicha.reports.title import title_lines

__all__ = ["FONT_STACKS", "MARK_COLOURS", "render_html"]

FONT_STACKS: Final[dict[str, str]] = {
    "fangsong": '"仿宋_GB2312", "FangSong_GB2312", "FangSong", "仿宋", "STFangsong", '
    '"Noto Serif CJK SC", "Source Han Serif SC", serif',
    "title": '"方正小标宋简体", "FZXiaoBiaoSong-B05S", "华文中宋", "STZhongsong", '
    '"Noto Serif CJK SC", "Source Han Serif SC", serif',
    "heiti": '"黑体", "SimHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif',
    "kaiti": '"楷体_GB2312", "KaiTi_GB2312", "KaiTi", "楷体", "STKaiti", "AR PL UKai CN", '
    '"Noto Serif CJK SC", serif',
}

MARK_COLOURS: Final[dict[str, str]] = {"good": "#c6efce", "warn": "#ffe699", "bad": "#ffc7ce"}

_CSS: Final = f"""
@page {{ size: A4; margin: 37mm 26mm 35mm 28mm; }}
html {{ background: #e8e8e8; }}
body {{ margin: 0; padding: 12px 0; }}
.page {{
  box-sizing: border-box; width: 210mm; min-height: 297mm; margin: 0 auto 12px;
  padding: 37mm 26mm 35mm 28mm; background: #fff; color: #000;
  box-shadow: 0 1px 6px rgba(0, 0, 0, .25);
  font-family: {FONT_STACKS["fangsong"]};
  font-size: 16pt; line-height: 28.95pt;
}}
p {{ margin: 0; text-indent: 2em; text-align: justify; }}
p.flush {{ text-indent: 0; }}
.title {{
  font-family: {FONT_STACKS["title"]}; font-size: 22pt; line-height: 28.95pt;
  font-weight: normal; text-align: center; margin: 0 0 28.95pt;
}}
.subtitle {{ font-family: {FONT_STACKS["kaiti"]}; text-align: center; text-indent: 0;
  margin-top: -28.95pt; margin-bottom: 28.95pt; }}
.addressee {{ text-indent: 0; }}
h2, h3, h4, h5 {{ margin: 0; font-size: 16pt; line-height: 28.95pt; font-weight: normal;
  text-indent: 2em; }}
h2 {{ font-family: {FONT_STACKS["heiti"]}; }}
h3 {{ font-family: {FONT_STACKS["kaiti"]}; }}
h4, h5 {{ font-family: {FONT_STACKS["fangsong"]}; }}
mark.placeholder {{ background: #ffff00; color: #000; padding: 0 .1em; }}
figure {{ margin: 6pt 0; }}
figcaption {{ text-align: center; font-size: 14pt; line-height: 28.95pt; }}
table {{ width: 100%; border-collapse: collapse; font-size: 12pt; line-height: 1.35; }}
th, td {{ border: .5pt solid #000; padding: 2pt 4pt; vertical-align: middle; }}
th {{ font-weight: bold; text-align: center; }}
td.left {{ text-align: left; }} td.center {{ text-align: center; }}
td.right {{ text-align: right; }}
{"".join(f"td.mark-{k} {{ background: {v}; }} " for k, v in MARK_COLOURS.items())}
figure.picture {{ text-align: center; }}
figure.picture img {{ max-width: 100%; height: auto; }}
figure.chart {{ text-align: center; break-inside: avoid; }}
svg.chart {{ max-width: 100%; height: auto; font-family: {FONT_STACKS["heiti"]}; }}
.page {{ position: relative; }}
.draft-mark {{ position: absolute; top: 20mm; right: 26mm; text-indent: 0;
  font-family: {FONT_STACKS["heiti"]}; font-size: 16pt; color: #c00000;
  border: 1.5pt solid #c00000; padding: 0 .4em; line-height: 1.6; }}
.closing {{ margin-top: 0; }}
.signature {{ margin-top: 28.95pt; }}
.signature p {{ text-indent: 0; text-align: right; }}
table.signatures {{ margin-top: 28.95pt; table-layout: fixed; font-size: 16pt;
  line-height: 28.95pt; break-inside: avoid; }}
table.signatures td {{ border: 0; padding: 0; vertical-align: top; }}
table.signatures p {{ text-indent: 0; text-align: left; }}
.attachment-notes {{ margin-top: 28.95pt; }}
.attachment-label {{ font-family: {FONT_STACKS["heiti"]}; text-indent: 0;
  margin-bottom: 28.95pt; }}
.page-break {{ border-top: 1px dashed #bbb; margin: 14pt -26mm 14pt -28mm; }}
@media print {{
  html {{ background: none; }}
  body {{ padding: 0; }}
  .page {{ width: auto; min-height: 0; margin: 0; padding: 0; box-shadow: none; }}
  .page + .page {{ break-before: page; }}
  .page-break {{ border: 0; margin: 0; break-after: page; }}
  thead {{ display: table-header-group; }}
  tr {{ break-inside: avoid; }}
}}
"""


def _text(text: str) -> str:
    return escape(text, quote=True).replace("\n", "<br>")


def _block(block: Block) -> str:
    if isinstance(block, Heading):
        tag = f"h{block.level + 1}"
        return f'<{tag} class="level{block.level}">{_text(block.text)}</{tag}>'
    if isinstance(block, Paragraph):
        cls = "" if block.indent else ' class="flush"'
        return f"<p{cls}>{_text(block.text)}</p>"
    if isinstance(block, Placeholder):
        return f'<p><mark class="placeholder">{_text(placeholder_text(block.text))}</mark></p>'
    if isinstance(block, Closing):
        return f'<p class="closing">{_text(block.text)}</p>'
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Figure):
        data = base64.b64encode(block.png).decode("ascii")
        caption = _text(block.caption)
        return (
            f'<figure class="picture"><img src="data:image/png;base64,{data}" '
            f'alt="{caption}" style="width: {block.width_mm:g}mm">'
            f"<figcaption>{caption}</figcaption></figure>"
        )
    if isinstance(block, Chart):
        return (
            f'<figure class="chart">{render_svg(block)}'
            f"<figcaption>{_text(block.caption)}</figcaption></figure>"
        )
    if isinstance(block, PageBreak):
        return '<div class="page-break"></div>'
    if isinstance(block, Signatures):
        cells = "".join(
            "<td>" + "".join(f"<p>{_text(line) or '&nbsp;'}</p>" for line in party) + "</td>"
            for party in block.parties
        )
        return f'<table class="signatures"><tr>{cells}</tr></table>'
    raise TypeError(f"unknown block {block!r}")  # pragma: no cover


def _table(table: Table) -> str:
    out = ['<figure class="table">']
    if table.caption:
        out.append(f"<figcaption>{_text(table.caption)}</figcaption>")
    out.append("<table><thead><tr>")
    out += [f'<th scope="col">{_text(c)}</th>' for c in table.columns]
    out.append("</tr></thead><tbody>")
    for r, row in enumerate(table.rows):
        out.append("<tr>")
        for c, cell in enumerate(row):
            classes = [table.column_align(c)]
            mark = table.mark(r, c)
            if mark is not None:
                classes.append(f"mark-{mark}")
            out.append(f'<td class="{" ".join(classes)}">{_text(cell)}</td>')
        out.append("</tr>")
    out.append("</tbody></table></figure>")
    return "".join(out)


def _title(title: str) -> str:
    """The title in the lines the Word file has (:mod:`title`)."""
    return "<br>".join(_text(line) for line in title_lines(title))


def _draft_mark(doc: Document) -> list[str]:
    return [f'<p class="draft-mark">{_text(doc.draft_mark)}</p>'] if doc.draft_mark else []


def _attachment(label: str, att: Attachment, doc: Document) -> str:
    parts = [
        '<section class="page attachment">',
        *_draft_mark(doc),
        f'<p class="attachment-label">{_text(label)}</p>',
        f'<h1 class="title">{_title(att.title)}</h1>',
    ]
    parts += [_block(b) for b in att.blocks]
    parts.append("</section>")
    return "\n".join(parts)


def render_html(doc: Document) -> str:
    """The whole document as one HTML page (UTF-8, ``lang="zh-CN"``, no external resources)."""
    body = [
        '<article class="page">',
        *_draft_mark(doc),
        f'<h1 class="title">{_title(doc.title)}</h1>',
    ]
    if doc.subtitle:
        body.append(f'<p class="subtitle">{_text(doc.subtitle)}</p>')
    if doc.addressee:
        body.append(f'<p class="addressee">{_text(doc.addressee)}</p>')
    body += [_block(b) for b in doc.blocks]
    if doc.attachments:
        body.append('<div class="attachment-notes">')
        many = len(doc.attachments) > 1
        for i, att in enumerate(doc.attachments):
            number = f"{i + 1}. " if many else ""
            lead = "附件：" if i == 0 else '<span style="visibility: hidden">附件：</span>'
            body.append(f"<p>{lead}{number}{_text(att.title)}</p>")
        body.append("</div>")
    if doc.signature or doc.date:
        date = format_date_cn(doc.date) if doc.date else ""
        body.append('<div class="signature">')
        if doc.signature:
            right = signature_indent_chars(doc.signature, date)
            body.append(
                f'<p class="issuer" style="padding-right: {right:g}em">{_text(doc.signature)}</p>'
            )
        if date:
            body.append(f'<p class="date" style="padding-right: 4em">{_text(date)}</p>')
        body.append("</div>")
    body.append("</article>")
    body += [_attachment(doc.attachment_label(i), a, doc) for i, a in enumerate(doc.attachments)]
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_text(doc.title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
