"""Render a :class:`~zicha.reports.document.Document` as GitHub-flavoured Markdown.

For reading and diffing drafts, not for printing: the title is ``#``, heading levels 1–4 are
``##``–``#####``, tables are GitHub tables (marks shown as ✓ / ⚠ / ✗ after the cell text, with
a legend), pictures appear as their italic caption only (the picture is in the .docx and .html
versions), charts as their caption and a table of their figures, and placeholders as
``**【待填写：…】**``.
"""

from __future__ import annotations

import re
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
)

__all__ = ["MARK_SYMBOLS", "chart_table", "render_markdown"]

MARK_SYMBOLS: Final[dict[str, str]] = {"good": "✓", "warn": "⚠", "bad": "✗"}
_MARK_LEGEND: Final = "注：✓ 良好；⚠ 需关注；✗ 未达要求。"
_FIGURE_NOTE: Final = "（图见 .docx / .html 版本）"

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])", re.MULTILINE)


def _esc(text: str) -> str:
    """Escape Markdown syntax in running text (also a leading "1." that would start a list)."""
    text = _SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(lambda m: m.group(1) + _escape_lead(m.group(2)), text)


def _esc_inline(text: str) -> str:
    """Escape Markdown syntax in text that does not start a line (after "## ", inside "**")."""
    return _SPECIAL.sub(r"\\\1", text)


def _escape_lead(lead: str) -> str:
    if lead[-1] in ".)" and lead[:-1].isdigit():
        return lead[:-1] + "\\" + lead[-1]
    return "\\" + lead


def _cell(text: str) -> str:
    return _esc_inline(text).replace("\n", "<br>")


def _table(table: Table) -> str:
    lines: list[str] = []
    if table.caption:
        lines += [f"**{_esc_inline(table.caption)}**", ""]
    lines.append("| " + " | ".join(_cell(c) for c in table.columns) + " |")
    rule = {"left": ":---", "center": ":---:", "right": "---:"}
    lines.append(
        "| " + " | ".join(rule[table.column_align(c)] for c in range(len(table.columns))) + " |"
    )
    for r, row in enumerate(table.rows):
        cells = []
        for c, text in enumerate(row):
            mark = table.mark(r, c)
            cells.append(_cell(text) + (f" {MARK_SYMBOLS[mark]}" if mark else ""))
        lines.append("| " + " | ".join(cells) + " |")
    if table.marks is not None and any(m for row in table.marks for m in row):
        lines += ["", _MARK_LEGEND]
    return "\n".join(lines)


def _block(block: Block) -> str | None:
    if isinstance(block, Heading):
        return "#" * (block.level + 1) + " " + _esc_inline(block.text)
    if isinstance(block, Paragraph | Closing):
        return _esc(block.text)
    if isinstance(block, Placeholder):
        return f"**{_esc_inline(placeholder_text(block.text))}**"
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Figure):
        return f"*{_esc_inline(block.caption)}*{_FIGURE_NOTE}"
    if isinstance(block, Chart):
        return f"*{_esc_inline(block.caption)}*\n\n{_table(chart_table(block))}"
    if isinstance(block, PageBreak):
        return None
    if isinstance(block, Signatures):
        # one party after the other; the blank lines left to sign on are left out
        return "\n\n".join(
            "  \n".join(_esc(line) for line in party if line) for party in block.parties
        )
    raise TypeError(f"unknown block {block!r}")  # pragma: no cover


def chart_table(chart: Chart) -> Table:
    """A chart's figures as a table: a row per category, a column per series."""

    def shown(v: float | None) -> str:
        if v is None:
            return "—"
        return f"{v * 100:.1f}%" if chart.percent else f"{v:g}"

    rows = tuple(
        (category, *(shown(s.values[i]) for s in chart.series))
        for i, category in enumerate(chart.categories)
    )
    columns = ("", *(s.name for s in chart.series))
    return Table(columns=columns, rows=rows, align=("left", *["right"] * len(chart.series)))


def _blocks(blocks: tuple[Block, ...]) -> list[str]:
    return [text for text in (_block(b) for b in blocks) if text is not None]


def _attachment(label: str, att: Attachment) -> list[str]:
    return ["---", f"**{_esc_inline(label)}**", f"# {_esc_inline(att.title)}", *_blocks(att.blocks)]


def render_markdown(doc: Document) -> str:
    """The document as Markdown text (ends with a newline)."""
    parts: list[str] = [f"**【{_esc_inline(doc.draft_mark)}】**"] if doc.draft_mark else []
    parts.append(f"# {_esc_inline(doc.title)}")
    if doc.subtitle:
        parts.append(_esc(doc.subtitle))
    if doc.addressee:
        parts.append(_esc(doc.addressee))
    parts += _blocks(doc.blocks)
    if doc.attachments:
        many = len(doc.attachments) > 1
        notes = [
            f"{'附件：' if i == 0 else ''}{f'{i + 1}. ' if many else ''}{att.title}"
            for i, att in enumerate(doc.attachments)
        ]
        parts.append("  \n".join(_esc(n) for n in notes))
    closing = [s for s in (doc.signature, format_date_cn(doc.date) if doc.date else None) if s]
    if closing:
        parts.append("  \n".join(_esc(s) for s in closing))
    for i, att in enumerate(doc.attachments):
        parts += _attachment(doc.attachment_label(i), att)
    return "\n\n".join(parts) + "\n"
