"""The workbook's vocabulary: sheet and column names in English and Chinese (CONTRACT §1).

A header or sheet name matches when it equals the English or the Chinese name once spaces (also
full-width and non-breaking ones) are removed, full-width letters folded (NFKC) and case ignored.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

#: what a column holds; it decides how a cell is turned into text and parsed (see `cells`)
Kind = str  # "code", "text", "period", "number", "date", "sex", "flag", "order", "age", "points",
# "bound" (a target: ≤510, 105～107)


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a sheet: its English key, its Chinese name, whether it must be present."""

    key: str
    zh: str
    kind: Kind = "text"
    required: bool = True
    #: the column must be there but a cell may be left blank (the root's parent)
    blank_ok: bool = False
    #: other headers accepted for the column (责任部门 and 责任人 for 责任部门/责任人)
    aliases: tuple[str, ...] = ()
    #: the values a cell may hold (the template offers them as a drop-down)
    choices: tuple[str, ...] = ()

    @property
    def names(self) -> str:
        """Both names, as a message shows them: 「数值」（value）."""
        return f"「{self.zh}」（{self.key}）"


@dataclass(frozen=True)
class SheetSpec:
    """One sheet: its English key, Chinese name and columns, in the template's order."""

    key: str
    zh: str
    columns: tuple[ColumnSpec, ...]
    purpose: str = ""
    _by_key: dict[str, ColumnSpec] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_key.update({c.key: c for c in self.columns})

    def column(self, key: str) -> ColumnSpec:
        return self._by_key[key]

    @property
    def names(self) -> str:
        return f"「{self.zh}」（{self.key}）"


C = ColumnSpec

META = SheetSpec(
    "meta",
    "基本信息",
    (C("key", "项目"), C("value", "内容")),
    "报告的基本信息：业务包、标题、署名、主送单位、成文日期等，每项一行。",
)
ORGUNITS = SheetSpec(
    "orgunits",
    "组织机构",
    (
        C("code", "代码", "code"),
        C("name", "名称"),
        C("parent", "上级代码", "code", blank_ok=True),
        C("kind", "类型", required=False),
    ),
    "单位层级：县、乡镇、村、社区、企业。每个单位一行；最上级单位的上级代码留空，且只能有一个。",
)
VALUES = SheetSpec(
    "values",
    "数据",
    (
        C("orgunit", "单位代码", "code"),
        C("period", "期间", "period"),
        C("element", "数据项", "text"),
        C("value", "数值", "number"),
        C("comment", "备注", required=False),
    ),
    "汇总数据：每个单位、期间、数据项一行。没有数据的请不要填行（空白不等于 0）。",
)
BIRTHS = SheetSpec(
    "births",
    "出生登记",
    (
        C("orgunit", "单位代码", "code"),
        C("date", "出生日期", "date"),
        C("sex", "性别", "sex"),
        C("order", "孩次", "order"),
        C("in_policy", "政策内", "flag"),
        C("ref", "登记编号", required=False),
    ),
    "出生登记：每个活产婴儿一行，按单位和月份自动汇总为数据项。",
)
DEATHS = SheetSpec(
    "deaths",
    "死亡登记",
    (
        C("orgunit", "单位代码", "code"),
        C("date", "死亡日期", "date"),
        C("sex", "性别", "sex"),
        C("age", "年龄", "age", required=False),
        C("ref", "登记编号", required=False),
    ),
    "死亡登记：每个死亡者一行，按单位和月份自动汇总为数据项。",
)
TARGETS = SheetSpec(
    "targets",
    "目标",
    (
        C("orgunit", "单位代码", "code"),
        C("period", "期间", "period"),
        C("indicator", "指标"),
        C("target", "目标值", "bound"),
        C("points", "分值", "points", required=False),
    ),
    "考核目标：单位、期间（通常是全年或统计年度）、指标、目标值和分值（留空用默认分值）。",
)
NARRATIVE = SheetSpec(
    "narrative",
    "文字材料",
    (C("section", "部分"), C("text", "内容")),
    "报告中的文字段落（主要做法、存在问题、下一步打算等），每段一行；部分留空表示接上一行。",
)

ASSESSMENT = SheetSpec(
    "assessment",
    "考核办法",
    (
        C("indicator", "指标"),
        C("points", "分值", "points", required=False),
        C("mode", "计分方式", required=False),
        C("step", "每", "number", required=False),
        C("deduct", "扣分", "number", required=False),
        C("veto", "一票否决", "flag", required=False),
        C("weight", "权重", "number", required=False),
        C("group", "分组", required=False),
        C("split", "分期比例", required=False),
    ),
    "考核办法：每个考核项目如何计分。计分方式：达标得分（all_or_nothing）、按差距扣分（deduct，"
    "每差「每」列的数扣「扣分」列的分，扣完为止）、按比例得分（pro_rata）、固定扣分（fixed，未达标"
    "扣「扣分」列的分）；一票否决填 是/否；权重用于加权汇总（如 0.6 与 0.4）；分期比例如 4:3:3 表示"
    "全年任务按期分解，进度按分解比例而不是时间进度判断。",
)

#: the four results of a checked item (CONTRACT §6)
CHECK_RESULTS: tuple[str, ...] = ("达标", "未达标", "推进中", "未启动")

CHECKLIST = SheetSpec(
    "checklist",
    "检查事项",
    (
        C("orgunit", "单位代码", "code"),
        C("period", "期间", "period"),
        C("item", "检查事项"),
        C("requirement", "标准要求", required=False),
        C("result", "检查结果", choices=CHECK_RESULTS),
        C("problem", "发现问题", required=False),
        C("action", "整改措施", required=False),
        C("owner", "责任部门/责任人", required=False, aliases=("责任部门", "责任人")),
        C("deadline", "整改时限", "date", required=False),
        C("closed", "整改完成", "flag", required=False),
        C("closed_on", "完成日期", "date", required=False),
        C("points", "分值", "points", required=False),
    ),
    "检查事项与整改台账：每个单位、期间的每个检查事项一行。检查结果填 达标、未达标、推进中 或"
    " 未启动；未达标的请写明发现问题和整改措施、责任部门或责任人、整改时限；整改完成后填「是」"
    "和完成日期。计分的事项填分值，达标得分。",
)

#: every sheet the reader knows, in reading (and template) order
SHEETS: tuple[SheetSpec, ...] = (
    META,
    ORGUNITS,
    VALUES,
    BIRTHS,
    DEATHS,
    TARGETS,
    ASSESSMENT,
    CHECKLIST,
    NARRATIVE,
)
SHEET_BY_KEY: dict[str, SheetSpec] = {s.key: s for s in SHEETS}
REGISTERS: tuple[str, ...] = ("births", "deaths")

#: sheets of the template that carry no data (instructions, drop-down lists, element list)
INSTRUCTIONS_SHEET = "说明"
OPTIONS_SHEET = "选项"
ELEMENTS_SHEET = "数据项说明"

#: meta keys: English key → Chinese name
META_KEYS: dict[str, str] = {
    "pack": "业务包",
    "title": "标题",
    "issuer": "署名",
    "addressee": "主送",
    "date": "成文日期",
    "basis": "依据文件",
    "orgunit": "单位代码",
    "period": "期间",
}

#: kinds of org unit offered by the template's drop-down (any text is accepted)
ORG_KINDS: tuple[str, ...] = ("县", "乡镇", "村", "社区", "企业")

_SPACES = re.compile(r"\s+")


def normalize_name(text: object) -> str:
    """A sheet name or header reduced for matching.

    >>> normalize_name(" Value "), normalize_name("数\u3000值"), normalize_name("ＩＮ_Policy")
    ('value', '数值', 'in_policy')
    """
    if text is None:
        return ""
    return _SPACES.sub("", unicodedata.normalize("NFKC", str(text))).casefold()


_SHEET_NAMES: dict[str, SheetSpec] = {
    normalize_name(name): spec for spec in SHEETS for name in (spec.key, spec.zh)
}
_META_NAMES: dict[str, str] = {
    normalize_name(name): key for key, zh in META_KEYS.items() for name in (key, zh)
}


def sheet_for_name(name: str) -> SheetSpec | None:
    """The sheet a sheet (or CSV file stem) name stands for, or None for any other sheet.

    >>> sheet_for_name(" 数据 ").key, sheet_for_name("Births").key, sheet_for_name("说明")
    ('values', 'births', None)
    """
    return _SHEET_NAMES.get(normalize_name(name))


#: what Excel, WPS and clerks add to a sheet's name: a copy number "(2)", a note in brackets
#: "（新）", a trailing 表 ("数据表"), 副本 or "copy"
_DECORATION = re.compile(
    r"^(?:副本|copyof)|(?:\(\d+\)|\([^)]*\)|\[[^\]]*\]|【[^】]*】|副本|-副本|copy|表)$"
)


def sheet_like_name(name: str) -> SheetSpec | None:
    """The sheet a name stands for once Excel's and the clerk's additions are taken off: a copy
    number, a note in brackets, a trailing 表. None when it is no sheet zicha knows.

    >>> [sheet_like_name(n).key for n in ("数据表", "数据 (2)", "数据（新）", "出生登记表")]
    ['values', 'values', 'values', 'births']
    >>> sheet_like_name("数据项说明") is None, sheet_like_name("表") is None
    (True, True)
    """
    text = normalize_name(name)
    while text:
        exact = _SHEET_NAMES.get(text)
        if exact is not None:
            return exact
        shorter = _DECORATION.sub("", text, count=1)
        if shorter == text:
            return None
        text = shorter
    return None


def meta_key(text: str) -> str | None:
    """The English meta key for an English or Chinese key.

    >>> meta_key("成文日期"), meta_key(" Pack "), meta_key("联系人")
    ('date', 'pack', None)
    """
    return _META_NAMES.get(normalize_name(text))


@dataclass(frozen=True)
class HeaderMatch:
    """Where each known column is in a header row; what is missing or given twice."""

    index: dict[str, int]
    missing: tuple[ColumnSpec, ...]
    duplicated: tuple[tuple[ColumnSpec, tuple[int, ...]], ...]


def match_header(spec: SheetSpec, header: Sequence[object]) -> HeaderMatch:
    """Find the sheet's columns in a header row; unknown columns are ignored.

    >>> m = match_header(VALUES, ["单位代码", " period ", "数据项", "x", "数值"])
    >>> m.index, [c.key for c in m.missing]
    ({'orgunit': 0, 'period': 1, 'element': 2, 'value': 4}, [])
    >>> [c.key for c in match_header(VALUES, ["单位代码", "期间"]).missing]
    ['element', 'value']
    """
    wanted = {
        normalize_name(name): col
        for col in spec.columns
        for name in (col.key, col.zh, *col.aliases)
    }
    found: dict[str, list[int]] = {}
    for i, cell in enumerate(header):
        col = wanted.get(normalize_name(cell))
        if col is not None:
            found.setdefault(col.key, []).append(i)
    index = {key: places[0] for key, places in found.items()}
    missing = tuple(c for c in spec.columns if c.required and c.key not in found)
    duplicated = tuple(
        (spec.column(key), tuple(places)) for key, places in found.items() if len(places) > 1
    )
    return HeaderMatch(index, missing, duplicated)
