"""The JSON API (CONTRACT §7). Views are thin: they hand the request to an action and turn its
answer, or its refusal, into JSON (`answer`): out of scope 404, unusable input 400 with the
command line's Chinese messages, a refused write 403 naming the rows, no PDF writer 503."""

from __future__ import annotations

import io
import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from django.contrib.auth import authenticate
from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zicha.actions import county, county_reports, exchange, imports
from zicha.actions.entry import Refused
from zicha.domain.errors import InputError, Problem
from zicha.reports.json_view import computation_json, ranking_json


def problems_json(problems: list[Problem]) -> list[dict[str, Any]]:
    return [
        {"sheet": p.sheet, "row": p.row, "column": p.column, "message": str(p)} for p in problems
    ]


def problems_response(exc: InputError, code: int = status.HTTP_400_BAD_REQUEST) -> Response:
    """Unusable input: 400 with every problem, in the same words as the command line."""
    return Response({"detail": str(exc), "problems": problems_json(exc.problems)}, status=code)


def refused_response(exc: Refused) -> Response:
    return Response(
        {"detail": exc.message, "problems": problems_json(exc.problems)},
        status=status.HTTP_403_FORBIDDEN,
    )


def answer(action: Callable[[], Any]) -> Any:
    """Run an action and map its refusals onto HTTP."""
    try:
        return action()
    except county.NotInScope:
        raise Http404 from None
    except InputError as exc:
        return problems_response(exc)
    except Refused as exc:
        return refused_response(exc)
    except county_reports.PdfUnavailable as exc:
        return Response({"detail": str(exc)}, status=status.HTTP_503_SERVICE_UNAVAILABLE)


ORG = OpenApiParameter("org", str, description="单位代码（默认：本人所属单位）")
PERIOD = OpenApiParameter("period", str, required=True, description="期间，如 2010OctS1、2024S1")
ANY_JSON = OpenApiTypes.OBJECT


class TokenView(APIView):
    """`POST /api/token` with `{"username", "password"}` → `{"token"}`; 401 when wrong."""

    authentication_classes: ClassVar[list[Any]] = []
    permission_classes: ClassVar[list[Any]] = [AllowAny]

    @extend_schema(
        request=inline_serializer(
            "Credentials",
            {"username": serializers.CharField(), "password": serializers.CharField()},
        ),
        responses={200: inline_serializer("Token", {"token": serializers.CharField()})},
        summary="取得令牌",
    )
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


class OrgUnitsView(APIView):
    """`GET /api/orgunits` → the caller's subtree."""

    @extend_schema(responses={200: ANY_JSON}, summary="本人管辖范围内的单位")
    def get(self, request: Request) -> Response:
        units = county.visible_units(request.user).values_list(
            "code", "name", "parent__code", "kind"
        )
        return Response(
            [
                {"code": code, "name": name, "parent": parent, "kind": kind}
                for code, name, parent, kind in units
            ]
        )


class ComputeView(APIView):
    """`GET /api/compute?org=CODE&period=ID` → CONTRACT §3."""

    @extend_schema(parameters=[ORG, PERIOD], responses={200: ANY_JSON}, summary="指标、目标与核查")
    def get(self, request: Request) -> Response:
        def run() -> Response:
            scope = county.resolve(request.user, _q(request, "org"), _q(request, "period"))
            return Response(computation_json(county.compute(scope)))

        return answer(run)


class RankView(APIView):
    """`GET /api/rank?org=CODE&period=ID` → CONTRACT §5 (reviewers and administrators)."""

    @extend_schema(parameters=[ORG, PERIOD], responses={200: ANY_JSON}, summary="下级单位排名")
    def get(self, request: Request) -> Response:
        def run() -> Response:
            scope = county.resolve(request.user, _q(request, "org"), _q(request, "period"))
            if request.user.role == "clerk":
                raise Refused("排名由审核员和管理员查看")
            return Response(ranking_json(county_reports.rank_scope(scope)))

        return answer(run)


class ReportView(APIView):
    """`GET /api/report?org=CODE&period=ID&format=docx|html|md|pdf` → the report file."""

    @extend_schema(
        parameters=[
            ORG,
            PERIOD,
            OpenApiParameter("format", str, enum=list(county_reports.REPORT_TYPES)),
        ],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
        summary="自查报告文件",
    )
    def get(self, request: Request) -> Any:
        def run() -> FileResponse:
            scope = county.resolve(request.user, _q(request, "org"), _q(request, "period"))
            fmt = county_reports.report_format(_q(request, "format"))
            # drafted into a throw-away folder, then streamed from memory (a report is small;
            # the folder is gone before the first byte is sent, on every platform)
            with tempfile.TemporaryDirectory(prefix="zicha-report-") as tmp:
                path = county_reports.write_scope_report(scope, fmt, Path(tmp))
                body = io.BytesIO(path.read_bytes())
            return FileResponse(
                body,
                as_attachment=True,
                filename=path.name,
                content_type=county_reports.REPORT_TYPES[fmt],
            )

        return answer(run)


class ImportsView(APIView):
    """`POST /api/imports` (multipart, field `file`) → 201 `{"imported": {…}}`."""

    parser_classes: ClassVar[list[Any]] = [MultiPartParser]

    @extend_schema(
        request={
            "multipart/form-data": inline_serializer(
                "Upload", {"file": serializers.FileField(help_text=".xlsx，或 CSV 文件的 .zip")}
            )
        },
        responses={201: ANY_JSON, 400: ANY_JSON, 403: ANY_JSON},
        summary="导入工作簿",
    )
    def post(self, request: Request) -> Response:
        def run() -> Response:
            upload = request.FILES.get("file")
            if upload is None:
                raise InputError([Problem(column="file", message="请在表单字段 file 中上传文件")])
            done = imports.import_upload(request.user, upload.name, upload.size, upload.chunks())
            return Response({"imported": done.counts}, status=status.HTTP_201_CREATED)

        return answer(run)


class DataValueSetsView(APIView):
    """DHIS2's `dataValueSets`, in and out."""

    parser_classes: ClassVar[list[Any]] = [JSONParser]

    @extend_schema(
        parameters=[
            OpenApiParameter("orgUnit", str, required=True),
            OpenApiParameter("period", str, required=True),
            OpenApiParameter("children", bool),
        ],
        responses={200: ANY_JSON},
        summary="数据值（DHIS2 格式）",
    )
    def get(self, request: Request) -> Response:
        def run() -> Response:
            children = (_q(request, "children") or "").lower() in ("true", "1", "yes")
            return Response(
                exchange.data_value_set(
                    request.user, _q(request, "orgUnit"), _q(request, "period"), children
                )
            )

        return answer(run)

    @extend_schema(request=ANY_JSON, responses={200: ANY_JSON, 409: ANY_JSON}, summary="写入数据值")
    def post(self, request: Request) -> Response:
        def run() -> Response:
            summary = exchange.import_data_value_set(request.user, request.data)
            code = status.HTTP_200_OK if summary.ok else status.HTTP_409_CONFLICT
            return Response(summary.as_json(), status=code)

        return answer(run)


def _q(request: Request, name: str) -> str | None:
    value = request.query_params.get(name)
    return value if value is None else str(value)
