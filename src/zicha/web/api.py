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
from django.http import FileResponse, Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zicha.actions import (
    audit,
    county,
    county_reports,
    dashboard,
    deadlines,
    exchange,
    imports,
    metadata,
    submissions,
    target_exchange,
)
from zicha.actions.entry import Locked, Refused
from zicha.domain.errors import InputError, Problem
from zicha.domain.result import Computation
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
    """Run an action and map its refusals onto HTTP: out of scope 404, unusable input 400, a
    role that may not 403, a locked unit and period or a state that already moved 409."""
    try:
        return action()
    except county.NotInScope:
        raise Http404 from None
    except InputError as exc:
        return problems_response(exc)
    except Refused as exc:
        return refused_response(exc)
    except Locked as exc:
        return Response(
            {"detail": exc.message, "problems": problems_json(exc.problems)},
            status=status.HTTP_409_CONFLICT,
        )
    except submissions.Conflict as exc:
        return Response(
            {"detail": exc.message, "state": exc.state}, status=status.HTTP_409_CONFLICT
        )
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
            return computation_response(county.compute(scope))

        return answer(run)


#: the JSON of kept computations, by the computation's identity (kept with it, so that an id
#: reused by a new object never answers with old bytes)
_rendered: county.Kept[int, tuple[Computation, bytes]] = county.Kept(256)


def computation_response(c: Computation) -> HttpResponse:
    """A computation as `/api/compute`'s JSON. Computations are kept until the next write and
    asked for again and again, so each is rendered once."""
    hit = _rendered.get(id(c))
    if hit is None or hit[0] is not c:
        hit = (c, JSONRenderer().render(computation_json(c)))
        _rendered.put(id(c), hit)
    return HttpResponse(hit[1], content_type="application/json")


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
            OpenApiParameter(
                "idScheme", str, enum=["CODE", "UID"], description="UID：用元数据的 UID"
            ),
        ],
        responses={200: ANY_JSON},
        summary="数据值（DHIS2 格式）",
    )
    def get(self, request: Request) -> Response:
        def run() -> Response:
            children = (_q(request, "children") or "").lower() in ("true", "1", "yes")
            schemes = [
                _q(request, k) for k in ("idScheme", "dataElementIdScheme", "orgUnitIdScheme")
            ]
            uids = any((x or "").upper() == "UID" for x in schemes)
            return Response(
                exchange.data_value_set(
                    request.user, _q(request, "orgUnit"), _q(request, "period"), children, uids
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


class SubmissionsView(APIView):
    """`GET /api/submissions[?state=]`, `POST /api/submissions` `{"org", "period"}`."""

    parser_classes: ClassVar[list[Any]] = [JSONParser]

    @extend_schema(
        parameters=[
            OpenApiParameter("state", str, enum=[*submissions.STATES, "draft"]),
        ],
        responses={200: ANY_JSON},
        summary="报送（本人管辖范围内）",
    )
    def get(self, request: Request) -> Response:
        def run() -> Response:
            rows = submissions.visible(request.user, _q(request, "state"))
            return Response([submissions.submission_json(r) for r in rows])

        return answer(run)

    @extend_schema(
        request=inline_serializer(
            "SubmissionIn", {"org": serializers.CharField(), "period": serializers.CharField()}
        ),
        responses={201: ANY_JSON, 403: ANY_JSON, 409: ANY_JSON},
        summary="报送本单位某期数据",
    )
    def post(self, request: Request) -> Response:
        def run() -> Response:
            data = _body(request)
            period = county.period_of(_text(data.get("period")))
            row = submissions.submit(request.user, _text(data.get("org")), period)
            body = submissions.submission_json(row)
            return Response(
                {k: body[k] for k in ("id", "org", "period", "state")},
                status=status.HTTP_201_CREATED,
            )

        return answer(run)


class DecisionView(APIView):
    """`POST /api/submissions/ID/approve` and `…/return` with `{"comment"}`."""

    parser_classes: ClassVar[list[Any]] = [JSONParser]
    verdict: submissions.Verdict = "approve"

    @extend_schema(
        request=inline_serializer("Decision", {"comment": serializers.CharField(required=False)}),
        responses={200: ANY_JSON, 403: ANY_JSON, 404: ANY_JSON, 409: ANY_JSON},
        summary="审核报送：通过或退回",
    )
    def post(self, request: Request, pk: int) -> Response:
        def run() -> Response:
            comment = _text(_body(request).get("comment")) or ""
            row = submissions.decide(request.user, pk, self.verdict, comment)
            body = submissions.submission_json(row)
            return Response({k: body[k] for k in ("id", "org", "period", "state", "comment")})

        return answer(run)


class AuditView(APIView):
    """`GET /api/audit?org=CODE[&period=ID]` → the changes, newest first."""

    @extend_schema(
        parameters=[
            ORG,
            OpenApiParameter("period", str, description="只看与此期间重叠的变更"),
            OpenApiParameter("element", str, description="只看此数据项（或其他键）"),
            OpenApiParameter("limit", int, description="最多返回条数（默认全部）"),
            OpenApiParameter("before", int, description="只看序号小于此数的（翻页）"),
        ],
        responses={200: ANY_JSON},
        summary="变更记录",
    )
    def get(self, request: Request) -> Response:
        def run() -> Response:
            text = _q(request, "period")
            rows = audit.entries(
                request.user,
                _q(request, "org"),
                county.period_of(text) if text else None,
                element=_q(request, "element"),
                limit=_int(request, "limit"),
                before=_int(request, "before"),
            )
            return Response([audit.entry_json(e) for e in rows])

        return answer(run)


class DeadlinesView(APIView):
    """`GET /api/deadlines`, `POST /api/deadlines` `{"org", "period", "due"}`."""

    parser_classes: ClassVar[list[Any]] = [JSONParser]

    @extend_schema(responses={200: ANY_JSON}, summary="报送期限及各单位报送情况")
    def get(self, request: Request) -> Response:
        def run() -> Response:
            rows = deadlines.set_by_or_below(request.user)
            return Response(
                [deadlines.deadline_json(d, deadlines.children_status(d)) for d in rows]
            )

        return answer(run)

    @extend_schema(
        request=inline_serializer(
            "DeadlineIn",
            {
                "org": serializers.CharField(),
                "period": serializers.CharField(),
                "due": serializers.DateField(),
            },
        ),
        responses={201: ANY_JSON, 403: ANY_JSON},
        summary="设定报送期限（审核员、管理员）",
    )
    def post(self, request: Request) -> Response:
        def run() -> Response:
            data = _body(request)
            period = county.period_of(_text(data.get("period")))
            row = deadlines.set_deadline(
                request.user, _text(data.get("org")), period, _text(data.get("due")) or ""
            )
            return Response(
                deadlines.deadline_json(row, deadlines.children_status(row)),
                status=status.HTTP_201_CREATED,
            )

        return answer(run)


class MetadataView(APIView):
    """`GET /api/metadata`: the pack's data elements, indicators and the caller's org units as
    DHIS2 metadata JSON."""

    @extend_schema(responses={200: ANY_JSON}, summary="DHIS2 元数据")
    def get(self, request: Request) -> Response:
        return answer(lambda: Response(metadata.metadata(request.user)))


class MetadataListView(APIView):
    """`GET /api/dataElements`, `/api/indicators`, `/api/organisationUnits` as DHIS2 lists them
    (`page`, `pageSize`, `paging=false`)."""

    key = "dataElements"

    @extend_schema(
        parameters=[
            OpenApiParameter("page", int),
            OpenApiParameter("pageSize", int),
            OpenApiParameter("paging", bool),
        ],
        responses={200: ANY_JSON},
        summary="DHIS2 元数据列表",
    )
    def get(self, request: Request) -> Response:
        def run() -> Response:
            if (_q(request, "paging") or "").lower() == "false":
                return Response(metadata.listing(request.user, self.key, None, None))
            page = max(1, _int(request, "page") or 1)
            size = max(1, min(_int(request, "pageSize") or 50, 10000))
            return Response(metadata.listing(request.user, self.key, page, size))

        return answer(run)


class DashboardView(APIView):
    """`GET /api/dashboard?org=CODE&period=ID`: the dashboard's figures (reviewers and
    administrators), all from the same computation as `/api/compute` and `/api/rank`."""

    @extend_schema(parameters=[ORG, PERIOD], responses={200: ANY_JSON}, summary="仪表盘数据")
    def get(self, request: Request) -> Response:
        def run() -> Response:
            scope = county.resolve(request.user, _q(request, "org"), _q(request, "period"))
            return Response(dashboard.dashboard(scope))

        return answer(run)


CHANGES = inline_serializer(
    "Changes",
    {
        "changes": inline_serializer(
            "Change",
            {
                "kind": serializers.ChoiceField(["target", "assessment"]),
                "org_unit": serializers.CharField(),
                "period": serializers.CharField(allow_null=True),
                "indicator": serializers.CharField(),
                "old": serializers.CharField(allow_null=True, help_text="改前（无则为 null）"),
                "new": serializers.CharField(allow_null=True, help_text="改后（删除则为 null）"),
                "valid_from": serializers.DateField(allow_null=True, help_text="目标自该日起适用"),
            },
            many=True,
        )
    },
)
PROBLEMS = {400: ANY_JSON, 403: ANY_JSON, 404: ANY_JSON}


class TargetsView(APIView):
    """`GET/PUT /api/targets?org=CODE&period=ID`: the targets of a unit and the units below it
    (reviewers and administrators set them, for the units below their own)."""

    parser_classes: ClassVar[list[Any]] = [JSONParser]

    @extend_schema(
        parameters=[ORG, PERIOD],
        responses={200: ANY_JSON, 404: ANY_JSON},
        summary="目标（本单位及下级单位）",
        description="期间恰为 period 的目标，按期末适用的版本；versions 列出年中调整的各个版本。",
    )
    def get(self, request: Request) -> Response:
        return answer(
            lambda: Response(
                target_exchange.targets_document(
                    request.user, _q(request, "org"), _q(request, "period")
                )
            )
        )

    @extend_schema(
        parameters=[ORG, PERIOD],
        request=inline_serializer(
            "TargetsBody",
            {
                "effective": serializers.DateField(
                    required=False,
                    help_text="调整自该日起生效（默认：年度进行中为今天，否则为年度第一天）",
                ),
                "targets": inline_serializer(
                    "TargetRow",
                    {
                        "org_unit": serializers.CharField(
                            required=False, help_text="单位代码（默认 org）"
                        ),
                        "indicator": serializers.CharField(help_text="指标代码或名称"),
                        "target": serializers.CharField(
                            required=False,
                            allow_null=True,
                            help_text="目标值，如 <=510、>=85、105-107；null 或空删除目标",
                        ),
                        "op": serializers.ChoiceField(
                            ["<=", "<", ">=", ">", "=", "range"], required=False
                        ),
                        "value": serializers.FloatField(required=False, allow_null=True),
                        "low": serializers.FloatField(required=False, allow_null=True),
                        "high": serializers.FloatField(required=False, allow_null=True),
                        "points": serializers.FloatField(required=False, allow_null=True),
                    },
                    many=True,
                ),
            },
        ),
        responses={200: CHANGES, **PROBLEMS},
        summary="设定目标",
    )
    def put(self, request: Request) -> Response:
        return answer(
            lambda: Response(
                target_exchange.put_targets_document(
                    request.user, _q(request, "org"), _q(request, "period"), request.data
                )
            )
        )


class AssessmentView(APIView):
    """`GET/PUT /api/assessment?org=CODE`: the assessment method (考核办法)."""

    parser_classes: ClassVar[list[Any]] = [JSONParser]

    @extend_schema(
        parameters=[ORG],
        responses={200: ANY_JSON, 404: ANY_JSON},
        summary="考核办法",
        description="为下级单位计分的考核办法（最上级单位设定）；defaults 为业务包的默认计分办法。",
    )
    def get(self, request: Request) -> Response:
        return answer(
            lambda: Response(target_exchange.assessment_document(request.user, _q(request, "org")))
        )

    @extend_schema(
        parameters=[ORG],
        request=inline_serializer(
            "AssessmentBody",
            {
                "items": inline_serializer(
                    "AssessmentRow",
                    {
                        "indicator": serializers.CharField(help_text="指标代码或名称"),
                        "points": serializers.FloatField(required=False, allow_null=True),
                        "mode": serializers.CharField(
                            required=False,
                            help_text="all_or_nothing、deduct、pro_rata、fixed（或中文名）",
                        ),
                        "step": serializers.FloatField(required=False, allow_null=True),
                        "deduct": serializers.FloatField(required=False, allow_null=True),
                        "veto": serializers.BooleanField(required=False),
                        "weight": serializers.FloatField(required=False, allow_null=True),
                        "group": serializers.CharField(required=False, allow_null=True),
                        "split": serializers.CharField(
                            required=False, allow_null=True, help_text="分期比例，如 4:3:3"
                        ),
                        "remove": serializers.BooleanField(
                            required=False, help_text="true：删除该项，恢复业务包默认"
                        ),
                    },
                    many=True,
                )
            },
        ),
        responses={200: CHANGES, **PROBLEMS},
        summary="设定考核办法",
    )
    def put(self, request: Request) -> Response:
        return answer(
            lambda: Response(
                target_exchange.put_assessment_document(
                    request.user, _q(request, "org"), request.data
                )
            )
        )


class AgreementsView(APIView):
    """`GET /api/agreements?org=CODE&period=ID[&unit=CODE][&date=DATE]`: the target
    responsibility agreements of `org` with its children (a zip), or with one child (.docx)."""

    @extend_schema(
        parameters=[
            ORG,
            PERIOD,
            OpenApiParameter("unit", str, description="下级单位代码：只要这一份（.docx）"),
            OpenApiParameter("date", str, description="签订日期（默认留空，手写）"),
        ],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **PROBLEMS},
        summary="目标管理责任书",
    )
    def get(self, request: Request) -> Any:
        def run() -> FileResponse:
            f = target_exchange.agreement_download(
                request.user,
                _q(request, "org"),
                _q(request, "period"),
                _q(request, "unit"),
                _q(request, "date"),
            )
            return file_response(f.name, f.data, f.media_type)

        return answer(run)


def file_response(name: str, data: bytes, media_type: str) -> FileResponse:
    """A file to download, from memory."""
    return FileResponse(
        io.BytesIO(data), as_attachment=True, filename=name, content_type=media_type
    )


def _body(request: Request) -> dict[str, Any]:
    return request.data if isinstance(request.data, dict) else {}


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _int(request: Request, name: str) -> int | None:
    text = _q(request, name)
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise InputError([Problem(column=name, found=text, expected="整数")]) from None


def _q(request: Request, name: str) -> str | None:
    value = request.query_params.get(name)
    return value if value is None else str(value)
