"""Errors about input that cannot be used: each problem names where it is and what was expected."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One unusable piece of input.

    >>> p = Problem(file="a.xlsx", sheet="数据", row=3, column="数值", found="abc", expected="数字")
    >>> str(p)
    'a.xlsx，工作表「数据」第 3 行，「数值」列：读到「abc」，应为数字'
    """

    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    found: str | None = None
    expected: str | None = None
    message: str | None = None
    #: a command-line option the problem is in (`--period`), said as an option, not a column
    option: str | None = None

    def where(self) -> str:
        """File, sheet, row and column (or the command-line option) of the problem.

        >>> Problem(option="--period", found="2012X").where()
        '命令行选项 --period'
        """
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        place = f"工作表「{self.sheet}」" if self.sheet else ""
        if self.row is not None:
            place += f"第 {self.row} 行"
        if place:
            parts.append(place)
        if self.column:
            parts.append(f"「{self.column}」列")
        if self.option:
            parts.append(f"命令行选项 {self.option}")
        return "，".join(parts)

    def __str__(self) -> str:
        what: list[str] = []
        if self.message:
            what.append(self.message)
        if self.found is not None:
            what.append(f"读到「{self.found}」")
        if self.expected:
            what.append(f"应为{self.expected}")
        where = self.where()
        text = "，".join(what)
        return f"{where}：{text}" if where else text


class InputError(Exception):
    """Input zicha cannot use. Carries every problem found, not only the first.

    >>> err = InputError([Problem(file="x.csv", message="文件不存在")])
    >>> str(err)
    'x.csv：文件不存在'
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def column_letters(index: int) -> str:
    """A spreadsheet column's letters from its 0-based index, as Excel and WPS show them.

    >>> column_letters(0), column_letters(25), column_letters(26), column_letters(701)
    ('A', 'Z', 'AA', 'ZZ')
    """
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def single(message: str, **where: object) -> InputError:
    """Shorthand for an InputError holding one problem.

    >>> str(single("没有这个文件", file="a.xlsx"))
    'a.xlsx：没有这个文件'
    """
    return InputError([Problem(message=message, **where)])  # type: ignore[arg-type]


class SetupError(InputError):
    """The machine lacks something zicha needs (a program, a font) or refuses a file operation
    (a file open in another program, a read-only folder). Not a fault in the input, nor in
    zicha: the message says what to install or to do. Exit status 2, like unusable input.

    >>> str(SetupError([Problem(file="x.pdf", message="未找到 LibreOffice")]))
    'x.pdf：未找到 LibreOffice'
    """
