"""The targets, assessment and agreements API: every call anonymous, in the wrong role, in scope
and out of scope; what it reads and writes; the agreements equal to the command line's."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rest_framework.test import APIClient

from tests.server.test_api import county_workbook
from zicha.cli.main import cli
from zicha.storage import models as m

YEAR = "2010Oct"
TARGETS = "/api/targets"
ASSESSMENT = "/api/assessment"
AGREEMENTS = "/api/agreements"


def put(client: APIClient, path: str, query: str, body: Any) -> Any:
    return client.put(f"{path}?{query}", body, format="json")


def births_rows(code: str) -> list[tuple[Any, ...]]:
    return list(
        m.Target.objects.filter(org__code=code, period=YEAR, indicator="births")
        .order_by("valid_from")
        .values_list("valid_from", "op", "value")
    )


def body_of(response: Any) -> bytes:
    return b"".join(response.streaming_content)


# ---------------------------------------------------------------------------------------------
# anonymous


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", f"{TARGETS}?org=510000&period={YEAR}"),
        ("put", f"{TARGETS}?org=510000&period={YEAR}"),
        ("get", f"{ASSESSMENT}?org=510000"),
        ("put", f"{ASSESSMENT}?org=510000"),
        ("get", f"{AGREEMENTS}?org=510000&period={YEAR}"),
    ],
)
def test_without_credentials_is_401(api: APIClient, method: str, path: str) -> None:
    response = getattr(api, method)(path, {} if method == "get" else None, format="json")
    assert response.status_code == 401
    assert response.json()["detail"].startswith("未登录")


# ---------------------------------------------------------------------------------------------
# GET /api/targets


def test_targets_in_scope(clerk: APIClient, reviewer: APIClient) -> None:
    mine = clerk.get(TARGETS, {"org": "510001", "period": YEAR})
    assert mine.status_code == 200
    doc = mine.json()
    assert doc["org_unit"] == {"code": "510001", "name": "XX乡"}
    assert doc["period"]["id"] == YEAR
    assert len(doc["targets"]) == 9  # the seed township's nine targets
    births = next(t for t in doc["targets"] if t["indicator"] == "births")
    assert births == {
        "org_unit": "510001",
        "indicator": "births",
        "name": "出生人数",
        "op": "<=",
        "value": 510.0,
        "low": None,
        "high": None,
        "target": "≤510",
        "points": None,
        "versions": [
            {
                "valid_from": "2010-10-01",
                "op": "<=",
                "value": 510.0,
                "low": None,
                "high": None,
                "points": None,
            }
        ],
    }
    county = reviewer.get(TARGETS, {"org": "510000", "period": YEAR}).json()
    assert {t["org_unit"] for t in county["targets"]} == {
        "510001",
        "510002",
        "510003",
        "510004",
        "510005",
        "510006",
    }


def test_targets_out_of_scope_are_404(clerk: APIClient, township_reviewer: APIClient) -> None:
    assert clerk.get(TARGETS, {"org": "510002", "period": YEAR}).status_code == 404
    assert township_reviewer.get(TARGETS, {"org": "510000", "period": YEAR}).status_code == 404
    assert township_reviewer.get(TARGETS, {"org": "510002", "period": YEAR}).status_code == 200


def test_targets_need_a_period(reviewer: APIClient) -> None:
    response = reviewer.get(TARGETS, {"org": "510000"})
    assert response.status_code == 400
    assert "请指定期间" in response.json()["problems"][0]["message"]


# ---------------------------------------------------------------------------------------------
# PUT /api/targets


def test_a_clerk_may_not_set_targets(clerk: APIClient) -> None:
    body = {"targets": [{"indicator": "births", "target": "<=100"}]}
    response = put(clerk, TARGETS, f"org=510001&period={YEAR}", body)
    assert response.status_code == 403
    assert "填报员不能修改" in response.json()["detail"]
    assert births_rows("510001")[0][2] == 510.0


def test_a_reviewer_sets_targets_below_its_own_unit(reviewer: APIClient) -> None:
    body = {
        "effective": "2011-05-01",
        "targets": [
            {"org_unit": "510001", "indicator": "births", "op": "<=", "value": 480},
            {"org_unit": "510002", "indicator": "出生人口性别比", "target": "104~108"},
            {"org_unit": "510003", "indicator": "policy_birth_rate", "target": None},
        ],
    }
    response = put(reviewer, TARGETS, f"org=510000&period={YEAR}", body)
    assert response.status_code == 200, response.content
    assert [(c["org_unit"], c["old"], c["new"]) for c in response.json()["changes"]] == [
        ("510001", "≤510", "≤480"),
        ("510002", "105～107", "104～108"),
        ("510003", "≥85", None),
    ]
    assert [r[2] for r in births_rows("510001")] == [510.0, 480.0]
    again = put(reviewer, TARGETS, f"org=510000&period={YEAR}", body)
    assert again.json()["changes"] == []


def test_a_reviewer_may_not_set_its_own_units_target(reviewer: APIClient) -> None:
    body = {"targets": [{"org_unit": "510000", "indicator": "births", "target": "<=2000"}]}
    response = put(reviewer, TARGETS, f"org=510000&period={YEAR}", body)
    assert response.status_code == 403
    assert "本单位以下" in response.json()["detail"]
    assert births_rows("510000") == []


def test_rows_outside_the_scope_are_403_and_nothing_is_written(
    township_reviewer: APIClient,
) -> None:
    body = {
        "targets": [
            {"org_unit": "51000201", "indicator": "births", "target": "<=30"},
            {"org_unit": "510001", "indicator": "births", "target": "<=30"},
        ]
    }
    response = put(township_reviewer, TARGETS, f"org=510002&period={YEAR}", body)
    assert response.status_code == 403
    assert response.json()["problems"] == [
        {
            "sheet": "targets",
            "row": 2,
            "column": "org_unit",
            "message": "工作表「targets」第 2 行，「org_unit」列："
            "不在您的管辖范围内，或不是所选单位及其下级单位，读到「510001」",
        }
    ]
    assert births_rows("51000201") == []
    assert put(township_reviewer, TARGETS, f"org=510000&period={YEAR}", body).status_code == 404


def test_unusable_rows_are_400_in_the_sheets_words(reviewer: APIClient) -> None:
    body = {
        "targets": [
            {"org_unit": "510001", "indicator": "猫", "target": "<=1"},
            {"org_unit": "510001", "indicator": "births", "target": "abc"},
            {"org_unit": "510001", "indicator": "births", "target": "<=1", "points": -2},
        ]
    }
    response = put(reviewer, TARGETS, f"org=510000&period={YEAR}", body)
    assert response.status_code == 400
    problems = response.json()["problems"]
    assert [(p["row"], p["column"]) for p in problems] == [
        (1, "指标"),
        (2, "目标值"),
        (3, "points"),
    ]
    assert "没有这个指标" in problems[0]["message"]
    assert "比较符" in problems[1]["message"]
    assert births_rows("510001")[0][2] == 510.0
    wrong_day = put(
        reviewer,
        TARGETS,
        f"org=510000&period={YEAR}",
        {"effective": "2012-01-01", "targets": [{"org_unit": "510001", "indicator": "births"}]},
    )
    assert wrong_day.status_code == 400
    assert wrong_day.json()["problems"][0]["column"] == "生效日期"
    not_a_list = put(reviewer, TARGETS, f"org=510000&period={YEAR}", {"targets": "x"})
    assert not_a_list.status_code == 400


# ---------------------------------------------------------------------------------------------
# the assessment method


def test_assessment_is_read_in_scope(clerk: APIClient) -> None:
    response = clerk.get(ASSESSMENT, {"org": "510001"})
    assert response.status_code == 200
    doc = response.json()
    assert doc["org_unit"] == {"code": "510000", "name": "XX县"}
    assert doc["items"][0] == {
        "indicator": "births",
        "name": "出生人数",
        "points": 10.0,
        "mode": "deduct",
        "step": 1.0,
        "deduct": 1.0,
        "veto": False,
        "weight": 1.0,
        "group": "人口控制",
        "split": None,
    }
    assert clerk.get(ASSESSMENT, {"org": "510002"}).status_code == 404


def test_assessment_roles_and_scope(
    clerk: APIClient, reviewer: APIClient, township_reviewer: APIClient
) -> None:
    body = {
        "items": [
            {"indicator": "births", "points": 12, "mode": "按差距扣分", "step": 1, "deduct": 2}
        ]
    }
    assert put(clerk, ASSESSMENT, "org=510001", body).status_code == 403
    assert put(township_reviewer, ASSESSMENT, "org=510000", body).status_code == 404
    own = put(township_reviewer, ASSESSMENT, "org=510002", body)
    assert own.status_code == 400
    assert "最上级单位" in own.json()["problems"][0]["message"]
    done = put(reviewer, ASSESSMENT, "org=510000", body)
    assert done.status_code == 200
    assert done.json()["changes"][0]["new"] == "12分，按差距扣分，每1扣2"
    item = m.AssessmentItem.objects.get(org__code="510000", key="births")
    assert (item.points, item.mode, item.step, item.deduct) == (12.0, "deduct", 1.0, 2.0)


def test_assessment_rows_are_read_as_the_sheet_reads_them(reviewer: APIClient) -> None:
    body = {
        "items": [
            {"indicator": "births", "mode": "deduct", "step": 1},  # no deduction
            {"indicator": "deaths", "mode": "抽签"},
            {"indicator": "births_rate_x"},
        ]
    }
    response = put(reviewer, ASSESSMENT, "org=510000", body)
    assert response.status_code == 400
    problems = response.json()["problems"]
    assert [(p["row"], p["column"]) for p in problems] == [(1, "deduct"), (2, "mode"), (3, "指标")]
    assert "须填写扣分" in next(p for p in problems if p["column"] == "deduct")["message"]
    assert m.AssessmentItem.objects.get(org__code="510000", key="births").deduct == 1.0


def test_an_item_removed_gives_way_to_the_packs_default(reviewer: APIClient) -> None:
    body = {"items": [{"indicator": "births", "remove": True}]}
    response = put(reviewer, ASSESSMENT, "org=510000", body)
    assert response.status_code == 200
    assert response.json()["changes"][0]["new"] is None
    assert not m.AssessmentItem.objects.filter(key="births").exists()


# ---------------------------------------------------------------------------------------------
# agreements


def test_agreements_roles_and_scope(clerk: APIClient, township_reviewer: APIClient) -> None:
    query = {"org": "510000", "period": YEAR}
    assert clerk.get(AGREEMENTS, query).status_code == 403
    assert township_reviewer.get(AGREEMENTS, query).status_code == 404
    own = township_reviewer.get(AGREEMENTS, {"org": "510002", "period": YEAR})
    # the villages of 东河镇 have no targets of their own
    assert own.status_code == 400
    assert "都没有适用的目标" in own.json()["problems"][0]["message"]


def test_all_childrens_agreements_in_one_zip(reviewer: APIClient) -> None:
    response = reviewer.get(AGREEMENTS, {"org": "510000", "period": YEAR, "date": "2010-10-08"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(body_of(response))) as z:
        names = z.namelist()
    assert len(names) == 6
    assert "510001-XX乡-2010年度目标责任书.docx" in names


def test_one_childs_agreement_equals_the_command_lines(reviewer: APIClient, tmp_path: Path) -> None:
    import docx

    response = reviewer.get(AGREEMENTS, {"org": "510000", "period": YEAR, "unit": "510001"})
    assert response.status_code == 200
    served = docx.Document(io.BytesIO(body_of(response)))
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        [
            "agreements",
            str(county_workbook(tmp_path)),
            "--org",
            "510000",
            "--period",
            YEAR,
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    drafted = docx.Document(str(out / "510001-XX乡-2010年度目标责任书.docx"))
    assert [p.text for p in served.paragraphs] == [p.text for p in drafted.paragraphs]
    assert any("全年出生人口控制在510人以内" in p.text for p in served.paragraphs)


def test_an_agreement_follows_the_reviewers_targets(reviewer: APIClient) -> None:
    import docx

    body = {"targets": [{"org_unit": "510001", "indicator": "births", "target": "<=480"}]}
    assert put(reviewer, TARGETS, f"org=510000&period={YEAR}", body).status_code == 200
    response = reviewer.get(AGREEMENTS, {"org": "510000", "period": YEAR, "unit": "510001"})
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(body_of(response))).paragraphs)
    assert "全年出生人口控制在480人以内" in text


@pytest.mark.parametrize(
    ("query", "column"),
    [
        ({"unit": "51000201"}, "unit"),  # a village, not a child of the county
        ({"date": "2010-13-45"}, "date"),
    ],
)
def test_unusable_agreement_requests_are_400(
    reviewer: APIClient, query: dict[str, str], column: str
) -> None:
    response = reviewer.get(AGREEMENTS, {"org": "510000", "period": YEAR, **query})
    assert response.status_code == 400
    assert response.json()["problems"][0]["column"] == column


# ---------------------------------------------------------------------------------------------
# the schema


def test_the_schema_documents_the_calls(api: APIClient) -> None:
    schema = api.get("/api/schema", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    assert set(paths[TARGETS]) >= {"get", "put"}
    assert set(paths[ASSESSMENT]) >= {"get", "put"}
    assert "get" in paths[AGREEMENTS]
    body = paths[TARGETS]["put"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["$ref"].endswith("/TargetsBody")
    assert "TargetRow" in schema["components"]["schemas"]


def test_the_schema_is_made_without_warnings(db: Any, tmp_path: Path) -> None:
    from django.core.management import call_command

    call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert "/api/targets:" in (tmp_path / "schema.yml").read_text(encoding="utf-8")


def test_changes_are_in_the_audit_trail(reviewer: APIClient) -> None:
    body = {
        "effective": "2011-05-01",
        "targets": [{"org_unit": "510001", "indicator": "births", "target": "<=480"}],
    }
    assert put(reviewer, TARGETS, f"org=510000&period={YEAR}", body).status_code == 200
    item = {"indicator": "births", "points": 12, "mode": "deduct", "step": 1, "deduct": 2}
    assert put(reviewer, ASSESSMENT, "org=510000", {"items": [item]}).status_code == 200
    trail = reviewer.get("/api/audit", {"org": "510000"}).json()
    method, target = trail[0], trail[1]  # newest first
    assert {k: target[k] for k in ("user", "action", "org", "period", "element", "old", "new")} == {
        "user": "county",
        "action": "update",
        "org": "510001",
        "period": YEAR,
        "element": "births",
        "old": "≤510",
        "new": "≤480",
    }
    assert target["comment"] == "自2011-05-01起适用"
    assert (method["org"], method["element"], method["new"]) == (
        "510000",
        "births",
        "12分，按差距扣分，每1扣2",
    )
