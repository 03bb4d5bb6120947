"""The JSON API (CONTRACT §7). Views are thin: they resolve the request through the actions'
scope and hand the result to the JSON views of `zicha.reports`."""

from __future__ import annotations

import secrets
from typing import Any, ClassVar

from django.contrib.auth import authenticate
from django.http import Http404
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zicha.actions import county
from zicha.domain.errors import InputError
from zicha.reports.json_view import computation_json


def problems_response(exc: InputError, code: int = status.HTTP_400_BAD_REQUEST) -> Response:
    """Unusable input: 400 with every problem, in the same words as the command line."""
    return Response(
        {
            "detail": str(exc),
            "problems": [
                {
                    "sheet": p.sheet,
                    "row": p.row,
                    "column": p.column,
                    "message": str(p),
                }
                for p in exc.problems
            ],
        },
        status=code,
    )


class TokenView(APIView):
    """`POST /api/token` with `{"username", "password"}` → `{"token"}`; 401 when wrong."""

    authentication_classes: ClassVar[list[Any]] = []
    permission_classes: ClassVar[list[Any]] = [AllowAny]

    def post(self, request: Request) -> Response:
        from zicha.storage.models import ApiToken

        data = request.data if isinstance(request.data, dict) else {}
        user = authenticate(
            request._request,
            username=str(data.get("username", "")),
            password=str(data.get("password", "")),
        )
        if user is None:
            return Response({"detail": "用户名或密码不正确"}, status=status.HTTP_401_UNAUTHORIZED)
        token = ApiToken.objects.create(user=user, key=secrets.token_urlsafe(32))
        return Response({"token": token.key})


class ComputeView(APIView):
    """`GET /api/compute?org=CODE&period=ID` → CONTRACT §3."""

    def get(self, request: Request) -> Response:
        try:
            scope = county.resolve(
                request.user, request.query_params.get("org"), request.query_params.get("period")
            )
            return Response(computation_json(county.compute(scope)))
        except county.NotInScope:
            raise Http404 from None
        except InputError as exc:
            return problems_response(exc)
