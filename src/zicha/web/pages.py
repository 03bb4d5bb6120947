"""The pages (Chinese, server-rendered, htmx where it helps). Each view resolves the unit and
period through the actions' scope, calls one action and renders; the anonymous go to the login
page, a unit outside the user's subtree is 404 and a role that may not do a thing is 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render

from zicha.actions import (
    audit,
    board,
    county,
    county_reports,
    deadlines,
    form,
    imports,
    ledger,
    submissions,
)
from zicha.actions.entry import Locked, Refused
from zicha.domain.checklist import RESULTS
from zicha.domain.errors import InputError
from zicha.domain.period import Period
from zicha.reports.pdf import find_office
from zicha.storage import models as m
from zicha.web import display

View = Callable[..., HttpResponse]


def page(*roles: str, methods: tuple[str, ...] = ("GET",)) -> Callable[[View], View]:
    """Login required (else the login page); only `roles` (all when none given) and `methods`;
    NotInScope → 404, Refused → 403."""

    def wrap(view: View) -> View:
        @wraps(view)
        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if request.method not in (*methods, "HEAD") or (
                request.method == "HEAD" and "GET" not in methods
            ):
                return HttpResponseNotAllowed(methods)
            if roles and request.user.role not in roles:
                raise PermissionDenied
            try:
                return view(request, *args, **kwargs)
            except county.NotInScope:
                raise Http404 from None
            except Refused as exc:
                raise PermissionDenied(exc.message) from None
            except InputError as exc:
                problems = [str(p) for p in exc.problems]
                return render(request, "400.html", {"problems": problems}, status=400)
            except Locked as exc:
                problems = [str(p) for p in exc.problems]
                ctx = {"message": exc.message, "problems": problems}
                return render(request, "409.html", ctx, status=409)
            except submissions.Conflict as exc:
                return render(request, "409.html", {"message": exc.message}, status=409)

        return inner

    return wrap


class Chosen:
    """The unit and period a page is about, from `?org=` and `?period=` (defaults: the user's
    unit and its report period)."""

    def __init__(self, request: HttpRequest) -> None:
        user = self.user = request.user
        self.unit = county.unit_for(user, request.GET.get("org") or _root_of(user))
        self.problem: str | None = None
        text = (request.GET.get("period") or "").strip()
        self.period: Period | None = None
        if text:
            try:
                self.period = county.period_of(text)
            except InputError as exc:
                self.problem = str(exc)
        if self.period is None:
            self.period = board.default_period(user, self.unit)
        self.periods = board.periods_with_data(self.unit)
        self.scope: county.Scope | None = None
        if self.period is not None and board.has_data():
            self.scope = county.resolve(user, self.unit.code, self.period.id)

    def context(self, request: HttpRequest) -> dict[str, Any]:
        units = list(county.visible_units(request.user).only("code", "name", "path")[:500])
        return {
            "unit": self.unit,
            "period": self.period,
            "periods": self.periods,
            "period_problem": self.problem,
            "units": [(u.code, "　" * (u.depth - units[0].depth) + u.name) for u in units]
            if units
            else [],
        }


def _root_of(user: m.User) -> str | None:
    if user.org is not None:
        return user.org.code
    root = m.OrgUnit.objects.filter(parent__isnull=True).first()
    return root.code if root else None


# ---------------------------------------------------------------------------------------------
# login


class LoginView(auth_views.LoginView):
    template_name = "zicha/login.html"
    redirect_authenticated_user = True


logout_view = auth_views.LogoutView.as_view(next_page="/login")


# ---------------------------------------------------------------------------------------------
# pages


@page()
def home(request: HttpRequest) -> HttpResponse:
    """工作台: the user's unit, its periods, its findings, the units below."""
    if not board.has_data():
        return render(request, "zicha/home.html", {"empty": True})
    chosen = Chosen(request)
    ctx = chosen.context(request)
    scope = chosen.scope
    if scope is not None:
        ov = board.overview(scope)
        ctx["overview"] = ov
        ctx["indicators"] = display.indicator_rows(ov.computation)[:8]
        ctx["score"] = display.score(ov.computation)
    ctx["children"] = board.children_of(chosen.unit)
    ctx.update(_desk(request.user, chosen))
    return render(request, "zicha/home.html", ctx)


def _desk(user: m.User, chosen: Chosen) -> dict[str, Any]:
    """What is due and what came back (a clerk), who is late (a reviewer)."""
    ctx: dict[str, Any] = {}
    if user.role == "reviewer" or user.role == "admin":
        ctx["followed"] = [
            (d, deadlines.children_status(d)) for d in deadlines.set_by_or_below(user)[:4]
        ]
        ctx["waiting"] = len(submissions.visible(user, "submitted"))
    if user.role != "reviewer" and user.org is not None:
        ctx["due"] = deadlines.own_status(user)
        ctx["returned"] = [
            s for s in submissions.visible(user, "returned") if s.org_id == user.org_id
        ]
        if chosen.period is not None and chosen.unit.pk == user.org_id:
            ctx["submission"] = submissions.state_of(chosen.unit, chosen.period)
            ctx["may_submit"] = ctx["submission"] is None or ctx["submission"].state == "returned"
    return ctx


@page("clerk", "admin", methods=("POST",))
def submit(request: HttpRequest) -> HttpResponse:
    """报送审核: the clerk submits its unit's period, then the 工作台 again."""
    org = request.POST.get("org")
    period = county.period_of(request.POST.get("period"))
    submissions.submit(request.user, org, period)
    return redirect(f"/?org={org}&period={period.id}")


@page("reviewer", "admin")
def review(request: HttpRequest) -> HttpResponse:
    """审核: what waits (and since when), each unit's findings and score, approve or return."""
    user = request.user
    ctx: dict[str, Any] = {
        "rows": submissions.inbox(user),
        "followed": [(d, deadlines.children_status(d)) for d in deadlines.set_by_or_below(user)],
        "today": deadlines.today(),
        "deadline_units": list(
            county.visible_units(user).filter(children__isnull=False).distinct()[:200]
        ),
    }
    return render(request, "zicha/review.html", ctx)


@page("reviewer", "admin", methods=("POST",))
def review_decide(request: HttpRequest, pk: int, verdict: str) -> HttpResponse:
    """Approve or return one submission, then the 审核 page again."""
    if verdict not in ("approve", "return"):
        raise Http404
    submissions.decide(
        request.user,
        pk,
        "approve" if verdict == "approve" else "return",
        request.POST.get("comment", ""),
    )
    return redirect("/review")


@page("reviewer", "admin", methods=("POST",))
def review_deadline(request: HttpRequest) -> HttpResponse:
    """Set when the units below a unit must submit a period."""
    period = county.period_of(request.POST.get("period"))
    deadlines.set_deadline(
        request.user, request.POST.get("org"), period, request.POST.get("due", "")
    )
    return redirect("/review")


@page()
def audit_page(request: HttpRequest) -> HttpResponse:
    """变更记录: who changed what, when, by which path; newest first, 200 at a time."""
    user = request.user
    unit = county.unit_for(user, request.GET.get("org") or _root_of(user))
    text = (request.GET.get("period") or "").strip()
    period = county.period_of(text) if text else None
    element = (request.GET.get("element") or "").strip() or None
    before = request.GET.get("before")
    rows = audit.entries(
        user,
        unit.code,
        period,
        element=element,
        limit=AUDIT_PAGE,
        before=int(before) if before and before.isdigit() else None,
    )
    units = list(county.visible_units(user).only("code", "name", "path")[:500])
    ctx = {
        "unit": unit,
        "period_text": text,
        "element": element or "",
        "units": [(u.code, "　" * (u.depth - units[0].depth) + u.name) for u in units],
        "rows": display.audit_rows(rows, board.unit_names()),
        "older": rows[-1].seq if len(rows) == AUDIT_PAGE else None,
    }
    return render(request, "zicha/audit.html", ctx)


AUDIT_PAGE = 200


@page()
def entry_history(request: HttpRequest) -> HttpResponse:
    """The changes of one cell of the grid (htmx, into the side panel)."""
    period = county.period_of(request.GET.get("period"))
    element = request.GET.get("element", "")
    rows = audit.cell_history(request.user, request.GET.get("org"), element, period)
    ctx = {
        "rows": display.audit_rows(rows, {}),
        "element": display.element_names().get(element, element),
        "period": period,
    }
    return render(request, "zicha/_history.html", ctx)


@page()
def entry(request: HttpRequest) -> HttpResponse:
    """数据填报: the grid of the unit's data elements by month."""
    chosen = Chosen(request)
    ctx = chosen.context(request)
    if chosen.scope is not None:
        ctx["grid"] = grid = form.grid(request.user, chosen.unit, chosen.scope.period)
        ctx["rows"] = display.grid_rows(grid)
        ctx.update(_panels_for(chosen.scope))
    return render(request, "zicha/entry.html", ctx)


@page(methods=("POST",))
def entry_cell(request: HttpRequest) -> HttpResponse:
    """One cell saved from the grid (htmx): the cell again, and the unit's panels out of band."""
    data = request.POST
    text = data.get("value", "")
    element, period = data.get("element", ""), data.get("period", "")
    shown = data.get("shown_period", "")
    ctx: dict[str, Any] = {"editable": True, "org_code": data.get("org"), "shown": shown}
    # the cell keeps its label (the element's Chinese name and the period) after a save
    name = display.element_names().get(element, element)
    try:
        saved = form.save_cell(request.user, data.get("org"), element, period, text)
    except InputError as exc:
        ctx["cell"] = display.grid_cell(
            element, period, text, "", data.get("r"), data.get("c"), name
        )
        ctx["error"] = display.problem_text(exc)
        return render(request, "zicha/_cell.html", ctx, status=400)
    except Locked as exc:
        ctx["cell"] = display.grid_cell(
            element, period, text, "", data.get("r"), data.get("c"), name
        )
        ctx["error"] = exc.message
        return render(request, "zicha/_cell.html", ctx, status=409)
    ctx["cell"] = display.grid_cell(
        saved.cell.element,
        saved.cell.period.id,
        display.number(saved.cell.value),
        saved.cell.comment,
        data.get("r"),
        data.get("c"),
        name,
    )
    ctx["saved"] = saved.changed
    ctx["unit"] = saved.unit
    try:
        scope = county.resolve(request.user, saved.unit.code, shown)
    except InputError:
        scope = None  # no period shown beside the grid: the cell alone
    if scope is not None:
        ctx.update(_panels_for(scope))
        ctx["oob"] = True
    return render(request, "zicha/_cell.html", ctx)


def _panels_for(scope: county.Scope) -> dict[str, Any]:
    ov = board.overview(scope)
    return {
        "overview": ov,
        "indicators": display.indicator_rows(ov.computation),
        "findings": display.finding_rows(ov.computation),
        "score": display.score(ov.computation),
    }


@page("clerk", "admin", methods=("GET", "POST"))
def import_page(request: HttpRequest) -> HttpResponse:
    """导入: upload a workbook, see what was imported or what is wrong with it."""
    ctx: dict[str, Any] = {"limit_mb": imports.UPLOAD_LIMIT // imports.MIB}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            ctx["problems"] = ["请选择要导入的文件（.xlsx 或 CSV 文件的 .zip）"]
            status = 400
        else:
            try:
                done = imports.import_upload(
                    request.user, upload.name, upload.size, upload.chunks()
                )
                ctx["imported"] = display.import_rows(done.counts)
                ctx["name"] = done.name
            except (InputError, Refused, Locked) as exc:
                shown, status = display.refusal(exc)
                ctx.update(shown)
    return render(request, "zicha/import.html", ctx, status=status)


@page()
def indicators(request: HttpRequest) -> HttpResponse:
    """指标与目标: every indicator with its target and time progress."""
    return _figures(request, "zicha/indicators.html")


@page()
def findings(request: HttpRequest) -> HttpResponse:
    """数据核查: the findings of the unit and period."""
    return _figures(request, "zicha/findings.html")


def _figures(request: HttpRequest, template: str) -> HttpResponse:
    chosen = Chosen(request)
    ctx = chosen.context(request)
    if chosen.scope is not None:
        ctx.update(_panels_for(chosen.scope))
    return render(request, template, ctx)


@page()
def checklist(request: HttpRequest) -> HttpResponse:
    """检查事项与整改: the checklist and its ledger, editable by a clerk."""
    chosen = Chosen(request)
    ctx = chosen.context(request)
    ctx["editable"] = form.may_write(request.user)
    ctx["results"] = RESULTS
    if chosen.period is not None:
        ctx["items"] = ledger.items(chosen.unit, chosen.period)
    return render(request, "zicha/checklist.html", ctx)


@page("clerk", "admin", methods=("POST",))
def checklist_item(request: HttpRequest, pk: int) -> HttpResponse:
    """One ledger row saved (htmx): the row again, with the message when a field is wrong."""
    ctx: dict[str, Any] = {"editable": True, "results": RESULTS}
    try:
        ctx["item"] = ledger.update_item(request.user, pk, request.POST.dict())
        ctx["saved"] = True
        status = 200
    except InputError as exc:
        ctx["item"] = ledger.item_for(request.user, pk)
        ctx["error"] = display.problem_text(exc)
        status = 400
    except Locked as exc:
        ctx["item"] = ledger.item_for(request.user, pk)
        ctx["error"] = exc.message
        status = 409
    return render(request, "zicha/_checklist_row.html", ctx, status=status)


@page("clerk", "admin", methods=("POST",))
def checklist_add(request: HttpRequest) -> HttpResponse:
    """A new checklist item, then the checklist page again."""
    org = request.POST.get("org")
    period = county.period_of(request.POST.get("period"))
    try:
        ledger.add_item(request.user, org, period, request.POST.dict())
    except InputError as exc:
        chosen = Chosen(request)
        ctx = chosen.context(request)
        ctx.update(
            {
                "editable": True,
                "results": RESULTS,
                "items": ledger.items(chosen.unit, period),
                "add_error": display.problem_text(exc),
            }
        )
        return render(request, "zicha/checklist.html", ctx, status=400)
    return redirect(f"/checklist?org={org}&period={period.id}")


@page()
def report(request: HttpRequest) -> HttpResponse:
    """报告: download the unit's self-inspection report."""
    chosen = Chosen(request)
    ctx = chosen.context(request)
    ctx["formats"] = [
        ("docx", "Word 文档（.docx）"),
        ("pdf", "PDF 文件"),
        ("html", "网页（.html）"),
        ("md", "Markdown（.md）"),
    ]
    ctx["pdf"] = find_office() is not None
    return render(request, "zicha/report.html", ctx)


@page("reviewer", "admin")
def rank(request: HttpRequest) -> HttpResponse:
    """排名: the units below scored and ranked."""
    chosen = Chosen(request)
    ctx = chosen.context(request)
    scope = chosen.scope
    if scope is not None:
        try:
            ctx["ranking"] = display.ranking_rows(county_reports.rank_scope(scope))
        except InputError as exc:
            ctx["rank_problem"] = display.problem_text(exc)
    return render(request, "zicha/rank.html", ctx)


@page("reviewer", "admin")
def dashboard_page(request: HttpRequest) -> HttpResponse:
    """仪表盘: the charts of the units below, drawn in the browser from `/api/dashboard`."""
    chosen = Chosen(request)
    ctx = chosen.context(request)
    return render(request, "zicha/dashboard.html", ctx)
