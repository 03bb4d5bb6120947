"""The ranking as an Excel sheet a county office circulates: frozen header, status colours,
totals."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from zicha.domain.result import STATUS_LABELS, UNRANKED_LABELS, Ranking

FILLS = {
    "met": "#C6EFCE",
    "on_track": "#C6EFCE",
    "at_risk": "#FFEB9C",
    "not_met": "#FFC7CE",
    "no_data": "#EDEDED",
}


def write_ranking_xlsx(r: Ranking, path: Path) -> None:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("考核排名")
    title = book.add_format({"bold": True, "font_size": 14, "align": "center"})
    head = book.add_format(
        {
            "bold": True,
            "bg_color": "#DDEBF7",
            "border": 1,
            "align": "center",
            "valign": "vcenter",
            "text_wrap": True,
        }
    )
    cell = book.add_format({"border": 1, "num_format": "0.##"})
    text = book.add_format({"border": 1})
    bold = book.add_format({"border": 1, "bold": True, "num_format": "0.##"})
    vetoed = book.add_format({"border": 1, "bold": True, "font_color": "#C00000"})
    status_formats = {
        k: book.add_format({"border": 1, "bg_color": v, "num_format": "0.##"})
        for k, v in FILLS.items()
    }
    names: list[tuple[str, str]] = []
    for row in r.rows:
        for item in row.items:
            if (item.indicator, item.name) not in names:
                names.append((item.indicator, item.name))
    header = ["名次", "单位代码", "单位", "得分", "满分", "一票否决", *[n for _, n in names]]
    sheet.merge_range(
        0, 0, 0, len(header) - 1, f"{r.org_unit.name}所属单位考核排名（{r.period.label}）", title
    )
    for c, h in enumerate(header):
        sheet.write_string(1, c, h, head)
    for i, row in enumerate(r.rows, start=2):
        if row.rank is None:
            sheet.write_string(i, 0, "—", text)
        else:
            sheet.write_number(i, 0, row.rank, text)
        sheet.write_string(i, 1, row.org_unit.code, text)
        sheet.write_string(i, 2, row.org_unit.name, text)
        if row.unranked is not None or row.total is None:
            sheet.write_string(i, 3, UNRANKED_LABELS[row.unranked or "no_target"], text)
        else:
            sheet.write_number(i, 3, row.total, bold)
        if row.max is None:
            sheet.write_blank(i, 4, None, cell)
        else:
            sheet.write_number(i, 4, row.max, cell)
        sheet.write_string(i, 5, "是" if row.vetoed else "否", vetoed if row.vetoed else text)
        by_id = {it.indicator: it for it in row.items}
        for c, (key, _) in enumerate(names, start=6):
            found = by_id.get(key)
            if found is None:
                sheet.write_blank(i, c, None, text)
                continue
            fmt = status_formats.get(found.status, cell)
            if found.score is None:
                sheet.write_string(i, c, STATUS_LABELS[found.status], fmt)
            else:
                sheet.write_number(i, c, found.score, fmt)
    total_row = len(r.rows) + 2
    sheet.write_string(total_row, 2, "平均", head)
    ranked = [row for row in r.rows if row.rank is not None]  # they come first
    if ranked:
        for c, figures in ((3, [row.total for row in ranked]), (4, [row.max for row in ranked])):
            col = xlsxwriter.utility.xl_col_to_name(c)
            average = sum(x or 0.0 for x in figures) / len(figures)
            # the value is stored with the formula: a viewer that does not recalculate shows it
            formula = f"=AVERAGE({col}3:{col}{len(ranked) + 2})"
            sheet.write_formula(total_row, c, formula, bold, average)
    legend = total_row + 2
    sheet.write_string(
        legend, 0, "颜色：绿色已完成或进度正常，黄色进度滞后，红色未完成，灰色无数据"
    )
    sheet.freeze_panes(2, 3)
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, 12)
    sheet.set_column(2, 2, 16)
    sheet.set_column(3, 5, 9)
    sheet.set_column(6, len(header) - 1, 12)
    sheet.set_row(1, 36)
    book.close()
