"""The workbook a clerk fills in: reading it (an .xlsx file or a folder of CSV files) into a
checked `Dataset`, and writing an empty template for a pack.

>>> from zicha.workbook import read_workbook, write_template
"""

from zicha.workbook.cells import CellError
from zicha.workbook.reader import read_workbook
from zicha.workbook.template import write_template

__all__ = ["CellError", "read_workbook", "write_template"]
