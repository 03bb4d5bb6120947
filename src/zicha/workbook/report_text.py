"""Reading a report's text from a file: .docx (paragraphs and tables, in order), .txt and .md
(UTF-8, with or without a BOM, or GB18030/GBK as a Chinese Windows saves them).

What is read is text only (`TextDocument`): the fact-check of its figures is the engine's.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from pathlib import Path

from zicha.domain.errors import InputError, Problem
from zicha.domain.factcheck import Block, TextDocument, TextTable

TEXT_FORMATS = (".docx", ".txt", ".md")


def read_report_text(path: str | Path) -> TextDocument:
    """A report file's text.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.txt"
    >>> _ = p.write_bytes("出生人口233人。\\n死亡95人。".encode("gbk"))
    >>> read_report_text(p).blocks
    ('出生人口233人。', '死亡95人。')
    """
    path = Path(path)
    if not path.exists():
        raise InputError([Problem(file=str(path), message="文件不存在")])
    if path.is_dir():
        raise InputError([Problem(file=str(path), message="这是一个目录，应为报告文件")])
    return read_report_bytes(path.read_bytes(), str(path))


def read_report_bytes(data: bytes, name: str) -> TextDocument:
    """A report's text from its bytes; `name` (a file name) says the format.

    >>> md = "| 指标 | 数值 |\\n|---|---|\\n| 出生人数 | 233 |"
    >>> read_report_bytes(md.encode(), "a.md").blocks
    (TextTable(rows=(('指标', '数值'), ('出生人数', '233'))),)
    """
    suffix = Path(name).suffix.lower()
    if suffix == ".docx":
        return TextDocument(name, _docx(data, name))
    if suffix == ".doc":
        raise InputError(
            [
                Problem(
                    file=name,
                    message="不支持旧版 Word 文件（.doc），请在 Word 或 WPS 中另存为 .docx",
                )
            ]
        )
    if suffix not in (".txt", ".md"):
        raise InputError(
            [
                Problem(
                    file=name,
                    found=suffix or "（无扩展名）",
                    expected="报告文件扩展名 .docx、.txt 或 .md",
                )
            ]
        )
    text = decode(data, name)
    if suffix == ".md":
        return TextDocument(name, markdown_blocks(text))
    return TextDocument(name, tuple(line for line in text.splitlines() if line.strip()))


def decode(data: bytes, name: str) -> str:
    """UTF-8 (a BOM allowed) or GB18030; UTF-16 with its BOM.

    >>> decode("出生".encode("gb18030"), "a.txt"), decode(codecs.BOM_UTF8 + "出生".encode(), "a")
    ('出生', '出生')
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise InputError(
            [Problem(file=name, message="无法识别文件编码，应为 UTF-8 或 GBK/GB18030")]
        ) from None


_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")
_MD_RULE = re.compile(r"^\s*(?:[-*_]\s*){3,}$")
_MD_ALIGN = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def _md_inline(text: str) -> str:
    text = re.sub(r"<br\s*/?>", "", text)
    text = _MD_EMPHASIS.sub("", text)
    return _MD_ESCAPE.sub(r"\1", text).strip()


def _md_row(line: str) -> tuple[str, ...]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    cells = re.split(r"(?<!\\)\|", inner)
    return tuple(_md_inline(c) for c in cells)


def markdown_blocks(text: str) -> tuple[Block, ...]:
    """Paragraphs (blank-line separated, markup removed) and pipe tables of a Markdown text.

    >>> markdown_blocks("# 标题\\n\\n出生**233**人，\\n死亡95人。\\n\\n1\\\\. 其他")
    ('标题', '出生233人，死亡95人。', '1. 其他')
    """
    blocks: list[Block] = []
    lines: list[str] = []
    rows: list[tuple[str, ...]] = []

    def flush() -> None:
        if lines:
            blocks.append("".join(lines))
            lines.clear()
        if rows:
            blocks.append(TextTable(tuple(rows)))
            rows.clear()

    for raw in text.splitlines():
        line = raw.rstrip()
        if not line.strip() or _MD_RULE.match(line):
            flush()
            continue
        if line.lstrip().startswith("|"):
            if lines:
                flush()
            if not _MD_ALIGN.match(line):
                rows.append(_md_row(line))
            continue
        if rows:
            flush()
        stripped = line.lstrip()
        if stripped.startswith("#"):
            flush()
            blocks.append(_md_inline(stripped.lstrip("#")))
            continue
        if stripped.startswith(">"):
            stripped = stripped.lstrip("> ")
        lines.append(_md_inline(stripped))
    flush()
    return tuple(b for b in blocks if not isinstance(b, str) or b)


def _docx(data: bytes, name: str) -> tuple[Block, ...]:
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(
            [Problem(file=name, message=f"不是有效的 Word 文件（.docx）：{type(exc).__name__}")]
        ) from None
    except Exception as exc:  # python-docx raises its own errors for a broken package
        raise InputError([Problem(file=name, message=f"Word 文件无法读取：{exc}")]) from None
    blocks: list[Block] = []
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            if item.text.strip():
                blocks.append(item.text)
        elif isinstance(item, Table):
            blocks.append(_table(item))
    return tuple(blocks)


def _table(table: object) -> TextTable:
    from docx.table import Table

    assert isinstance(table, Table)
    rows: list[tuple[str, ...]] = []
    for row in table.rows:
        cells: list[str] = []
        seen: list[object] = []
        for cell in row.cells:
            if any(cell._tc is s for s in seen):  # a merged cell repeats: keep it once
                continue
            seen.append(cell._tc)
            cells.append(cell.text.strip())
        rows.append(tuple(cells))
    return TextTable(tuple(rows))
