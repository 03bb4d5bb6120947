"""The workbook a clerk fills in: reading it (an .xlsx file or a folder of CSV files) into a
checked `Dataset` (`zicha.workbook.reader.read_workbook`), and writing an empty template for a
pack (`zicha.workbook.template.write_template`).

The submodules are imported where they are used, so that reading a workbook does not load the
Excel writer.
"""

from typing import Any

__all__ = ["CellError", "read_workbook", "write_template"]


def __getattr__(name: str) -> Any:
    """`from zicha.workbook import read_workbook` still works, loading only what it names."""
    if name == "read_workbook":
        from zicha.workbook.reader import read_workbook

        return read_workbook
    if name == "write_template":
        from zicha.workbook.template import write_template

        return write_template
    if name == "CellError":
        from zicha.workbook.cells import CellError

        return CellError
    raise AttributeError(name)
