"""`zicha factcheck`: a report's text in, the figures it states and what contradicts what out.

One function for every caller: the command line passes a file; a server view will pass an
uploaded file's bytes with its name, or text typed into a form.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from zicha.domain.factcheck import FactCheck, TextDocument
from zicha.engine.factcheck import check_text
from zicha.packs.registry import named_pack
from zicha.workbook.report_text import read_report_bytes, read_report_text


def fact_check(
    source: str | Path | bytes, *, filename: str | None = None, pack: str | None = None
) -> FactCheck:
    """Fact-check a report: `source` is a file (`Path`), a file's bytes (`bytes`, with
    `filename` giving its format: .docx, .txt or .md) or the text itself (`str`). The pack's
    lexicon names the figures (default: the default pack).

    >>> fc = fact_check("全乡出生233人，其中男婴120人、女婴115人。")
    >>> fc.errors, fc.findings[0].rule
    (1, 'partition_sum')
    """
    chosen = named_pack(pack)  # the command line's --pack: a built-in id or a pack folder
    if isinstance(source, Path):
        document = read_report_text(source)
    elif isinstance(source, bytes):
        document = read_report_bytes(source, filename or "")
    else:
        document = TextDocument(filename or "文本", tuple(source.splitlines()))
    return replace(check_text(document, chosen.lexicon), pack=chosen.id)
