"""URLs of the server: the API under /api/, the pages at the root. Paths have no trailing slash."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerView
from rest_framework.permissions import AllowAny

from zicha.web import api, pages, target_pages


def healthz(request: HttpRequest) -> JsonResponse:
    """200 without login: the process answers and the database is reachable."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


open_to_all = {"authentication_classes": [], "permission_classes": [AllowAny]}

urlpatterns = [
    path("healthz", healthz),
    path("api/token", api.TokenView.as_view()),
    path("api/orgunits", api.OrgUnitsView.as_view()),
    path("api/compute", api.ComputeView.as_view()),
    path("api/rank", api.RankView.as_view()),
    path("api/report", api.ReportView.as_view()),
    path("api/imports", api.ImportsView.as_view()),
    path("api/dataValueSets", api.DataValueSetsView.as_view()),
    path("api/submissions", api.SubmissionsView.as_view()),
    path("api/submissions/<int:pk>/approve", api.DecisionView.as_view(verdict="approve")),
    path("api/submissions/<int:pk>/return", api.DecisionView.as_view(verdict="return")),
    path("api/deadlines", api.DeadlinesView.as_view()),
    path("api/audit", api.AuditView.as_view()),
    path("api/dashboard", api.DashboardView.as_view()),
    path("api/metadata", api.MetadataView.as_view()),
    path("api/dataElements", api.MetadataListView.as_view(key="dataElements")),
    path("api/indicators", api.MetadataListView.as_view(key="indicators")),
    path("api/organisationUnits", api.MetadataListView.as_view(key="organisationUnits")),
    path("api/targets", api.TargetsView.as_view()),
    path("api/assessment", api.AssessmentView.as_view()),
    path("api/agreements", api.AgreementsView.as_view()),
    path("api/schema", SpectacularJSONAPIView.as_view(**open_to_all), name="schema"),
    path("api/docs", SpectacularSwaggerView.as_view(url_name="schema", **open_to_all)),
    path("login", pages.LoginView.as_view()),
    path("logout", pages.logout_view),
    path("", pages.home),
    path("entry", pages.entry),
    path("entry/cell", pages.entry_cell),
    path("entry/history", pages.entry_history),
    path("submit", pages.submit),
    path("review", pages.review),
    path("review/<int:pk>/<str:verdict>", pages.review_decide),
    path("review/deadline", pages.review_deadline),
    path("audit", pages.audit_page),
    path("dashboard", pages.dashboard_page),
    path("imports", pages.import_page),
    path("indicators", pages.indicators),
    path("findings", pages.findings),
    path("checklist", pages.checklist),
    path("checklist/new", pages.checklist_add),
    path("checklist/<int:pk>", pages.checklist_item),
    path("rank", pages.rank),
    path("targets", target_pages.target_page),
    path("targets/cell", target_pages.target_cell),
    path("targets/method", target_pages.target_method),
    path("targets/copy", target_pages.target_copy),
    path("targets/export", target_pages.target_export),
    path("targets/import", target_pages.target_import),
    path("report", pages.report),
]
