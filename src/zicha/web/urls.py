"""URLs of the server: the API under /api/, the pages at the root. Paths have no trailing slash."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import path

from zicha.web import api


def healthz(request: HttpRequest) -> JsonResponse:
    """200 without login: the process answers and the database is reachable."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("healthz", healthz),
    path("api/token", api.TokenView.as_view()),
    path("api/compute", api.ComputeView.as_view()),
]
