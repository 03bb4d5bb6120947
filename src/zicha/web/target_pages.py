"""目标设置: the page where a reviewer sets the targets a unit passes down to the units below
it, and the assessment method, cell by cell (htmx); copies last year's targets; exports and
imports them as the workbook's 目标 and 考核办法 sheets; and downloads the agreements."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from zicha.actions import county, target_exchange, targets
from zicha.actions.entry import Refused, TargetChange
from zicha.domain.errors import InputError
from zicha.web import display
from zicha.web.api import file_response
from zicha.web.pages import Chosen, page

ROLES = ("reviewer", "admin")


def _grid_context(request: HttpRequest) -> dict[str, Any]:
    """The page's unit (`?org=`) and year (`?period=`, any period of it), and its grid."""
    chosen = Chosen(request)
    ctx = chosen.context(request)
    pack = county.server_pack()
    year = chosen.period and targets.target_year(chosen.period, pack.year_start_month)
    ctx["periods"] = targets.target_years(chosen.unit, pack)
    ctx["period"] = year
    ctx["modes"] = display.MODES
    if year is not None:
        grid = targets.target_grid(request.user, chosen.unit, year)
        ctx["grid"] = grid
        ctx["rows"] = display.target_rows(grid)
        ctx["findings"] = display.passed_down_rows(grid)
    return ctx


@page(*ROLES)
def target_page(request: HttpRequest) -> HttpResponse:
    """目标设置: the grid of a unit's children × the pack's indicators, with the method."""
    ctx = _grid_context(request)
    copied = request.GET.get("copied")
    if copied is not None:
        ctx["copied"] = (int(copied) if copied.isdigit() else 0, request.GET.get("from", ""))
    return render(request, "zicha/targets.html", ctx)


@page(*ROLES, methods=("POST",))
def target_cell(request: HttpRequest) -> HttpResponse:
    """One target saved (htmx): the cell again, its row's total and the findings out of band."""
    data = request.POST
    text = data.get("value", "")
    ctx: dict[str, Any] = {}
    try:
        saved = targets.save_target(
            request.user,
            data.get("org"),
            data.get("grid_org"),
            data.get("period"),
            data.get("indicator", ""),
            text,
            data.get("effective"),
        )
    except InputError as exc:
        typed = display.target_cell_typed(
            data.get("org", ""), data.get("indicator", ""), text, data.get("r"), data.get("c")
        )
        error = display.problem_text(exc)
        ctx["box"] = display.target_box(typed, error=error)
        return render(request, "zicha/_target_cell.html", ctx, status=400)
    cell = display.target_cell(saved.slot, saved.row.indicator, data.get("r"), data.get("c"))
    ctx["box"] = display.target_box(cell, bool(saved.changes))
    ctx["row"] = display.target_row(saved.row, data.get("r"))
    ctx["oob"] = True
    ctx["findings"] = display.passed_down_rows(saved.grid)
    return render(request, "zicha/_target_cell.html", ctx)


@page(*ROLES, methods=("POST",))
def target_method(request: HttpRequest) -> HttpResponse:
    """One indicator's item of the method saved (htmx): its state cell again."""
    data = request.POST
    indicator = data.get("indicator", "")
    fields = {k[2:]: v for k, v in data.items() if k.startswith("m_")}
    if "m_veto" not in data:
        fields["veto"] = "否"
    ctx: dict[str, Any] = {"indicator": indicator}
    try:
        saved = targets.save_method(request.user, indicator, fields)
    except InputError as exc:
        ctx["error"] = display.problem_text(exc)
        return render(request, "zicha/_method_state.html", ctx, status=400)
    ctx["stored"] = saved.stored
    ctx["saved"] = bool(saved.changes)
    return render(request, "zicha/_method_state.html", ctx)


@page(*ROLES, methods=("POST",))
def target_copy(request: HttpRequest) -> HttpResponse:
    """Copy last year's targets, then the page again saying how many were copied."""
    org, year = request.POST.get("org"), request.POST.get("period")
    last, changes = targets.copy_last_year(request.user, org, year)
    unit = county.unit_for(request.user, org)
    return redirect(
        f"/targets?org={unit.code}&period={targets.year_of(year).id}"
        f"&copied={len(changes)}&from={last.id}"
    )


@page(*ROLES)
def target_export(request: HttpRequest) -> HttpResponse:
    """The grid's targets and the method as a workbook (目标, 考核办法 sheets)."""
    unit = county.unit_for(request.user, request.GET.get("org"))
    year = targets.year_of(request.GET.get("period"))
    f = target_exchange.export_workbook(request.user, unit, year)
    return file_response(f.name, f.data, f.media_type)


@page(*ROLES, methods=("POST",))
def target_import(request: HttpRequest) -> HttpResponse:
    """Upload a workbook's 目标 and 考核办法 sheets; the page again with what changed, or why
    nothing was written."""
    upload = request.FILES.get("file")
    result: dict[str, Any] = {}
    status = 200
    changes: list[TargetChange] = []
    if upload is None:
        result["problems"] = ["请选择要导入的文件（.xlsx 或 CSV 文件的 .zip）"]
        status = 400
    else:
        try:
            changes = target_exchange.import_workbook(
                request.user,
                upload.name,
                upload.size,
                upload.chunks(),
                request.POST.get("effective"),
            )
            result["name"] = upload.name
            result["changes"] = [display.change_text(c) for c in changes]
        except (InputError, Refused) as exc:
            shown, status = display.refusal(exc)
            result.update(shown)
    ctx = _grid_context(request)
    ctx["imported"] = result
    return render(request, "zicha/targets.html", ctx, status=status)
