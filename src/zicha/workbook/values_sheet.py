"""Reading the values sheet (数据): entered figures and the figures stated for indicators.

Each column is parsed a whole column at a time (`zicha.workbook.cells.parse_column`); a value is
read in its element's unit (`13万元`, `85.4%`), and one figure entered twice for one unit,
element and days (also under two names of one period) is kept once, or refused where the two
differ.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import polars as pl

from zicha.domain.pack import Pack
from zicha.engine.dataset import VALUE_SCHEMA, empty_values
from zicha.workbook import cells
from zicha.workbook.cells import CellError, clean_text, fast_number, parse_column, spread

if TYPE_CHECKING:
    from zicha.workbook.reader import Sheet, SheetReader


def read_values(reader: SheetReader, pack: Pack | None) -> tuple[pl.DataFrame, pl.DataFrame]:
    sheet = reader.sheets.get("values")
    if sheet is None:
        return empty_values(), empty_values()
    rows = sheet.raw.rows()
    org = parse_column(sheet.text("orgunit"), reader.code_cell, pl.String())
    periods: dict[str, Any] = {}

    def period_id(text: str) -> str:
        p = reader.parse_period(text)
        periods[p.id] = p
        return p.id

    period = parse_column(sheet.text("period"), period_id, pl.String())
    element = parse_column(sheet.text("element"), element_parser(pack), pl.String())
    text = sheet.text("value")
    value = parse_column(text, _quantity, pl.Float64(), fast_number)
    comment = clean_text(sheet.text("comment"))
    keep = ~(org.blank & period.blank & element.blank & value.blank & comment.is_null())
    required = (
        ("orgunit", org, None),
        ("period", period, None),
        ("element", element, None),
        ("value", value, "数值为空"),
    )
    for key, parsed, empty in required:
        reader.flag_blank(sheet, key, parsed, keep, rows, empty)
        reader.flag_bad(sheet, key, parsed, keep, rows)
    start = spread(period.values, {i: p.start for i, p in periods.items()}, pl.Date())
    end = spread(period.values, {i: p.end for i, p in periods.items()}, pl.Date())
    frame = pl.DataFrame(
        {
            "org_unit": org.values,
            "element": element.values.str.slice(2),
            "period": period.values,
            "start": start,
            "end": end,
            "value": value.values,
            "comment": comment,
            "row": rows,
            "_stated": element.values.str.starts_with("I:"),
            "_raw": value.raw,
            "_code": element.values,
        }
    ).filter(keep)
    frame = _in_element_units(reader, sheet, frame, pack)
    complete = frame.filter(
        pl.col("org_unit").is_not_null()
        & pl.col("element").is_not_null()
        & pl.col("period").is_not_null()
        & pl.col("value").is_not_null()
    )
    complete = _duplicates(reader, sheet, complete)
    values = complete.filter(~pl.col("_stated")).select(list(VALUE_SCHEMA))
    stated = complete.filter(pl.col("_stated")).select(list(VALUE_SCHEMA))
    return values.cast(VALUE_SCHEMA), stated.cast(VALUE_SCHEMA)  # type: ignore[arg-type]


def _in_element_units(
    reader: SheetReader, sheet: Sheet, frame: pl.DataFrame, pack: Pack | None
) -> pl.DataFrame:
    """A figure typed with a unit (233人, 13万元, 85.4% or a cell in percent format) is taken
    in the unit of its data element (or stated indicator): the same unit as is, 元 for
    万元 converted, any other unit refused naming the row."""
    typed = frame.filter(pl.col("value").is_not_null() & pl.col("_code").is_not_null())
    plain = fast_number(typed["_raw"]).is_not_null() | typed["_raw"].is_null()
    if pack is None or plain.all():
        return frame
    units = {r: _unit_of(r) for r in typed.filter(~plain)["_raw"].unique().to_list()}
    factors: dict[tuple[str, str], float] = {}
    col = sheet.col_order("value")
    for row, raw, code in typed.filter(~plain).select("row", "_raw", "_code").iter_rows():
        unit = units[raw]
        if not unit:
            continue
        thing = pack.elements.get(code[2:]) if code[0] == "E" else None
        ind = pack.indicators.get(code[2:]) if code[0] == "I" else None
        wanted = thing.unit if thing is not None else ind.unit if ind is not None else ""
        factor = cells.unit_factor(unit, wanted)
        if factor is None:
            name = thing.name if thing is not None else ind.name if ind is not None else code
            kind = "数据项" if thing is not None else "指标"
            shown = "带「%」（或单元格设为百分比格式）" if unit == "%" else f"带单位「{unit}」"
            reader.problems.add(
                sheet.problem(
                    row,
                    "value",
                    found=raw,
                    message=f"数值{shown}，而{kind}「{name}」的单位是「{wanted or '无'}」",
                    expected=f"按「{name}」的单位填写的数字",
                ),
                sheet.order,
                row,
                col,
            )
        elif factor != 1.0:
            factors[(raw, code)] = factor
    if not factors:
        return frame
    scale = pl.DataFrame(
        {
            "_raw": [k[0] for k in factors],
            "_code": [k[1] for k in factors],
            "_factor": list(factors.values()),
        }
    )
    return (
        frame.join(scale, on=["_raw", "_code"], how="left")
        .with_columns(pl.col("value") * pl.col("_factor").fill_null(1.0))
        .drop("_factor")
    )


def _duplicates(reader: SheetReader, sheet: Sheet, frame: pl.DataFrame) -> pl.DataFrame:
    """Same org unit, element and days twice (also under two names of one period, 2010OctS1
    and 2010-10-01/2011-03-31): the same value is kept once; a different value is a problem
    naming both rows."""
    keys = ["org_unit", "element", "start", "end", "_stated"]
    if frame.is_empty() or not frame.select(pl.struct(keys).is_duplicated().any()).item():
        return frame
    marked = frame.with_columns(
        pl.col("row").first().over(keys).alias("_first_row"),
        pl.col("value").first().over(keys).alias("_first_value"),
        pl.col("period").first().over(keys).alias("_first_period"),
    )
    clash = marked.filter(pl.col("value") != pl.col("_first_value"))
    col = sheet.col_order("value")
    for row, found, period, first_row, first_value, first_period in clash.select(
        "row", "_raw", "period", "_first_row", "_first_value", "_first_period"
    ).iter_rows():
        same = (
            "同一单位、数据项、期间"
            if period == first_period
            else f"同一单位、数据项，期间「{first_period}」与「{period}」是同一段时间"
        )
        reader.problems.add(
            sheet.problem(
                row,
                "value",
                found=found,
                message=f"与第 {first_row} 行重复（{same}），"
                f"但数值不同（第 {first_row} 行为 {cells.to_text(first_value)}）",
            ),
            sheet.order,
            row,
            col,
        )
    return marked.filter(pl.col("row") == pl.col("_first_row"))


def _quantity(text: str) -> float:
    return cells.split_quantity(text)[0]


def _unit_of(text: str) -> str:
    try:
        return cells.split_quantity(text)[1]
    except CellError:
        return ""


def element_parser(pack: Pack | None) -> Callable[[str], str]:
    """Element text → "E:id" for a data element, "I:id" for an indicator (a stated figure)."""

    def parse(text: str) -> str:
        key = cells.parse_text(text)
        if pack is None:
            return "E:" + key
        element = pack.element_by_name_or_id(key)
        if element is not None:
            return "E:" + element.id
        indicator = pack.indicator_by_name_or_id(key)
        if indicator is not None:
            return "I:" + indicator.id
        example = next(iter(pack.elements.values()), None)
        hint = f"，如 {example.id} 或 {example.name}" if example else ""
        raise CellError(
            f"数据项的代码或名称{hint}（见「数据项说明」工作表）",
            f"业务包「{pack.name}」中没有这个数据项或指标",
        )

    return parse
