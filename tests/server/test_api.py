"""The API's calls beyond access: figures equal to the command line's, report files, imports all
or nothing, DHIS2's dataValueSets, the OpenAPI document."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rest_framework.test import APIClient

from tests.server.conftest import values_xlsx
from zicha.cli.main import cli
from zicha.packs.demo_county import demo_sheets
from zicha.storage import models as m
from zicha.workbook.export import write_raw_workbook
from zicha.workbook.sheets import SHEETS

P = "2010OctS1"


def county_workbook(tmp_path: Path) -> Path:
    path = tmp_path / "county.xlsx"
    write_raw_workbook(demo_sheets(), path, [s.zh for s in SHEETS])
    return path


def data_rows() -> list[tuple[Any, ...]]:
    return list(
        m.DataValue.objects.order_by("id").values_list("org__code", "element", "period", "value")
    )


# ---------------------------------------------------------------------------------------------
# rank and report


@pytest.mark.parametrize("org", ["510000", "510002"])
def test_rank_equals_the_command_line(reviewer: APIClient, tmp_path: Path, org: str) -> None:
    result = CliRunner().invoke(
        cli, ["rank", str(county_workbook(tmp_path)), "--org", org, "--period", P, "--json"]
    )
    assert result.exit_code == 0, result.output
    expected = json.loads(result.output)
    got = reviewer.get("/api/rank", {"org": org, "period": P}).json()
    assert got == expected
    assert len(got["rows"]) == (6 if org == "510000" else 4)


def test_report_docx_opens_in_python_docx(clerk: APIClient) -> None:
    import docx

    response = clerk.get("/api/report", {"org": "510001", "period": P, "format": "docx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    assert "510001" in response["Content-Disposition"]
    document = docx.Document(io.BytesIO(b"".join(response.streaming_content)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "自查" in text
    assert "233" in text


@pytest.mark.parametrize(("fmt", "mark"), [("html", "<html"), ("md", "# ")])
def test_report_text_formats(clerk: APIClient, fmt: str, mark: str) -> None:
    response = clerk.get("/api/report", {"org": "510001", "period": P, "format": fmt})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert mark in body
    assert "XX乡" in body


def test_report_pdf_without_libreoffice_is_503(
    clerk: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zicha.actions import county_reports

    monkeypatch.setattr(county_reports, "find_office", lambda: None)
    response = clerk.get("/api/report", {"org": "510001", "period": P, "format": "pdf"})
    assert response.status_code == 503
    assert "LibreOffice" in response.json()["detail"]


def test_report_with_an_unknown_format_is_400(clerk: APIClient) -> None:
    response = clerk.get("/api/report", {"org": "510001", "period": P, "format": "odt"})
    assert response.status_code == 400
    assert response.json()["problems"][0]["column"] == "format"


# ---------------------------------------------------------------------------------------------
# imports


def test_import_writes_values_and_bumps_the_data_version(clerk: APIClient) -> None:
    def deaths() -> Any:
        figures = clerk.get("/api/compute", {"org": "510001", "period": "2011Q1"}).json()
        return next(i for i in figures["indicators"] if i["id"] == "deaths")["value"]

    kept = deaths()  # computed, rendered and kept until the next write
    before = m.DataVersion.objects.get(name="data").value
    upload = values_xlsx(
        [["510001", "201101", "死亡人数", "3"], ["510001", "201102", "deaths", "4"]]
    )
    response = clerk.post("/api/imports", {"file": upload}, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json() == {"imported": {"values": 2}}
    stored = m.DataValue.objects.filter(
        org__code="510001", element="deaths", period__in=["201101", "201102"]
    )
    assert sorted(stored.values_list("value", flat=True)) == [3.0, 4.0]
    assert m.DataVersion.objects.get(name="data").value != before
    assert kept != 7.0
    assert deaths() == 7.0


def test_importing_the_same_file_again_changes_nothing(clerk: APIClient) -> None:
    rows = [["510001", "201101", "deaths", "3"]]
    assert (
        clerk.post("/api/imports", {"file": values_xlsx(rows)}, format="multipart").status_code
        == 201
    )
    version = m.DataVersion.objects.get(name="data").value
    response = clerk.post("/api/imports", {"file": values_xlsx(rows)}, format="multipart")
    assert response.status_code == 201
    assert response.json() == {"imported": {}}
    assert m.DataVersion.objects.get(name="data").value == version


def test_a_bad_cell_refuses_the_whole_import(clerk: APIClient) -> None:
    before = data_rows()
    upload = values_xlsx(
        [["510001", "201101", "deaths", "3"], ["510001", "201102", "deaths", "三"]]
    )
    response = clerk.post("/api/imports", {"file": upload}, format="multipart")
    assert response.status_code == 400
    problem = response.json()["problems"][0]
    assert (problem["sheet"], problem["row"], problem["column"]) == ("数据", 3, "数值")
    assert "读到「三」" in problem["message"] and "应为数字" in problem["message"]
    assert data_rows() == before


def test_unknown_element_and_period_give_the_command_lines_messages(
    clerk: APIClient, tmp_path: Path
) -> None:
    upload = values_xlsx([["510001", "201101", "猫", "3"], ["510001", "2011Q9", "deaths", "1"]])
    response = clerk.post("/api/imports", {"file": upload}, format="multipart")
    assert response.status_code == 400
    problems = response.json()["problems"]
    # the same workbook through `zicha check`
    path = tmp_path / "数据.xlsx"
    path.write_bytes(
        values_xlsx(
            [["510001", "201101", "猫", "3"], ["510001", "2011Q9", "deaths", "1"]]
        ).getvalue()
    )
    assert [p["column"] for p in problems] == ["数据项", "期间"]
    assert "没有这个数据项" in problems[0]["message"]
    assert "2011Q9" in problems[1]["message"]


def test_a_clerks_workbook_may_not_change_targets(clerk: APIClient, tmp_path: Path) -> None:
    sheets = {
        "数据": [["单位代码", "期间", "数据项", "数值"], ["510001", "201101", "deaths", "3"]],
        "目标": [
            ["单位代码", "期间", "指标", "目标值"],
            ["510001", "2010Oct", "出生人数", "<=900"],
        ],
    }
    path = tmp_path / "targets.xlsx"
    write_raw_workbook(sheets, path, [])
    before = data_rows()
    with path.open("rb") as f:
        response = clerk.post("/api/imports", {"file": f}, format="multipart")
    assert response.status_code == 403
    assert "目标" in response.json()["detail"]
    assert data_rows() == before


def test_a_clerk_may_not_change_the_org_tree(clerk: APIClient, tmp_path: Path) -> None:
    sheets = {
        "组织机构": [["代码", "名称", "上级代码"], ["510001", "XX乡"]],
        "数据": [["单位代码", "期间", "数据项", "数值"], ["510001", "201101", "deaths", "3"]],
    }
    path = tmp_path / "tree.xlsx"
    write_raw_workbook(sheets, path, [])
    with path.open("rb") as f:
        response = clerk.post("/api/imports", {"file": f}, format="multipart")
    assert response.status_code == 403
    assert "组织机构" in response.json()["detail"]
    assert m.OrgUnit.objects.get(code="510001").parent is not None


class GbkName(zipfile.ZipInfo):
    """A member named as Chinese Windows names them: GBK bytes, no UTF-8 flag."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:
        return self.filename.encode("gbk"), self.flag_bits


def zip_of(
    files: dict[str, bytes], name: str = "数据包.zip", utf8_names: bool = True
) -> io.BytesIO:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, body in files.items():
            info = zipfile.ZipInfo(member) if utf8_names else GbkName(member)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, body)
    data.seek(0)
    data.name = name
    return data


@pytest.mark.parametrize("utf8_names", [True, False])
def test_import_a_zip_of_csv_files(clerk: APIClient, utf8_names: bool) -> None:
    csv = "单位代码,期间,数据项,数值\n510001,201101,deaths,5\n".encode("gbk")
    upload = zip_of({"导出/数据.csv": csv, "__MACOSX/._数据.csv": b"x"}, utf8_names=utf8_names)
    response = clerk.post("/api/imports", {"file": upload}, format="multipart")
    assert response.status_code == 201, response.content
    assert m.DataValue.objects.get(org__code="510001", element="deaths", period="201101").value == 5


def test_a_zip_bomb_is_refused(clerk: APIClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from zicha.actions import imports

    monkeypatch.setattr(imports, "UNPACKED_LIMIT", 1024 * 1024)
    bomb = zip_of({"数据.csv": b"0" * (3 * 1024 * 1024)})
    assert len(bomb.getvalue()) < 20_000  # tiny on the wire
    response = clerk.post("/api/imports", {"file": bomb}, format="multipart")
    assert response.status_code == 400
    assert "压缩炸弹" in response.json()["problems"][0]["message"]


def test_an_xlsx_bomb_is_refused(clerk: APIClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from zicha.actions import imports

    monkeypatch.setattr(imports, "UNPACKED_LIMIT", 1024 * 1024)
    upload = values_xlsx([["510001", "201101", "deaths", "3"]])
    data = io.BytesIO(upload.getvalue())
    with zipfile.ZipFile(data, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (2 * 1024 * 1024))
    data.seek(0)
    data.name = "数据.xlsx"
    response = clerk.post("/api/imports", {"file": data}, format="multipart")
    assert response.status_code == 400
    assert "压缩炸弹" in response.json()["problems"][0]["message"]


def test_a_file_over_the_upload_limit_is_refused(
    clerk: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zicha.actions import imports

    monkeypatch.setattr(imports, "UPLOAD_LIMIT", 1000)
    upload = io.BytesIO(b"PK" + b"\0" * 5000)
    upload.name = "大.xlsx"
    response = clerk.post("/api/imports", {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert "太大" in response.json()["problems"][0]["message"]


@pytest.mark.parametrize(
    ("name", "body", "words"),
    [
        ("数据.csv", b"a,b\n", "应为.xlsx"),
        ("数据.xlsx", b"not a zip", "不是 .xlsx"),
        ("空.zip", None, "没有 CSV"),
    ],
)
def test_unusable_uploads_are_400(
    clerk: APIClient, name: str, body: bytes | None, words: str
) -> None:
    upload = zip_of({"readme.txt": b"hi"}, name=name) if body is None else io.BytesIO(body)
    upload.name = name
    response = clerk.post("/api/imports", {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert words.replace(" ", "") in response.json()["problems"][0]["message"].replace(" ", "")


def test_an_import_without_a_file_is_400(clerk: APIClient) -> None:
    response = clerk.post("/api/imports", {}, format="multipart")
    assert response.status_code == 400
    assert response.json()["problems"][0]["column"] == "file"


def test_an_admin_imports_a_whole_workbook(admin: APIClient, tmp_path: Path) -> None:
    with county_workbook(tmp_path).open("rb") as f:
        response = admin.post("/api/imports", {"file": f}, format="multipart")
    assert response.status_code == 201
    assert response.json() == {"imported": {}}  # the demo county is loaded already


# ---------------------------------------------------------------------------------------------
# dataValueSets


def test_data_value_sets_out(clerk: APIClient, other_clerk: APIClient) -> None:
    doc = clerk.get("/api/dataValueSets", {"orgUnit": "510001", "period": P}).json()
    births = next(v for v in doc["dataValues"] if v["dataElement"] == "births")
    assert births["value"] == "233"
    assert births["orgUnit"] == "510001" and births["period"] == P
    assert {v["period"] for v in doc["dataValues"]} == {P}
    own = other_clerk.get("/api/dataValueSets", {"orgUnit": "510002", "period": "201103"}).json()
    assert own["dataValues"] == []
    below = other_clerk.get(
        "/api/dataValueSets", {"orgUnit": "510002", "period": "201103", "children": "true"}
    ).json()
    assert {v["orgUnit"] for v in below["dataValues"]} == {
        "51000201",
        "51000202",
        "51000203",
        "51000204",
    }


def test_data_value_sets_round_trip(other_clerk: APIClient) -> None:
    query = {"orgUnit": "51000201", "period": "201103"}
    before = other_clerk.get("/api/dataValueSets", query).json()
    assert before["dataValues"]
    response = other_clerk.post("/api/dataValueSets", before, format="json")
    assert response.status_code == 200
    assert response.json()["importCount"] == {
        "imported": 0,
        "updated": 0,
        "deleted": 0,
        "ignored": len(before["dataValues"]),
    }
    changed = json.loads(json.dumps(before))
    changed["dataValues"][0]["value"] = "12345"
    assert (
        other_clerk.post("/api/dataValueSets", changed, format="json").json()["importCount"][
            "updated"
        ]
        == 1
    )
    assert other_clerk.get("/api/dataValueSets", query).json() == changed


def test_data_value_sets_defaults_numbers_and_deletes(clerk: APIClient) -> None:
    body = {
        "dataSet": "ignored",
        "completeDate": "2011-02-01",
        "orgUnit": "510001",
        "period": "201101",
        "dataValues": [
            {"dataElement": "deaths", "value": 4},
            {"dataElement": "死亡人数", "period": "201102", "value": "5", "comment": "核对过"},
        ],
    }
    response = clerk.post("/api/dataValueSets", body, format="json")
    assert response.status_code == 200
    assert response.json() == {
        "status": "SUCCESS",
        "importCount": {"imported": 2, "updated": 0, "deleted": 0, "ignored": 0},
        "conflicts": [],
    }
    stored = m.DataValue.objects.get(org__code="510001", element="deaths", period="201102")
    assert (stored.value, stored.comment) == (5.0, "核对过")
    delete = {
        "orgUnit": "510001",
        "period": "201101",
        "dataValues": [{"dataElement": "deaths", "value": ""}],
    }
    response = clerk.post("/api/dataValueSets", delete, format="json")
    assert response.json()["importCount"]["deleted"] == 1
    assert not m.DataValue.objects.filter(
        org__code="510001", element="deaths", period="201101"
    ).exists()


def test_any_conflict_writes_nothing(clerk: APIClient) -> None:
    before = data_rows()
    body = {
        "orgUnit": "510001",
        "period": "201101",
        "dataValues": [
            {"dataElement": "deaths", "value": "4"},
            {"dataElement": "猫", "value": "1"},
            {"dataElement": "deaths", "period": "2011Q9", "value": "1"},
            {"dataElement": "deaths", "orgUnit": "999", "value": "1"},
            {"dataElement": "deaths", "period": "201102", "value": "12%"},
        ],
    }
    response = clerk.post("/api/dataValueSets", body, format="json")
    assert response.status_code == 409
    doc = response.json()
    assert doc["status"] == "ERROR"
    assert [c["object"] for c in doc["conflicts"]] == ["猫", "2011Q9", "999", "12%"]
    assert "不要带百分号" in doc["conflicts"][3]["value"]
    assert data_rows() == before


def test_a_body_that_is_not_a_data_value_set_is_400(clerk: APIClient) -> None:
    response = clerk.post("/api/dataValueSets", {"dataValues": "x"}, format="json")
    assert response.status_code == 400


# ---------------------------------------------------------------------------------------------
# the OpenAPI document


def test_schema_is_openapi_json_listing_every_call(api: APIClient) -> None:
    response = api.get("/api/schema", HTTP_ACCEPT="application/json")
    assert response["Content-Type"].startswith("application/")
    doc = json.loads(response.content)
    assert doc["openapi"].startswith("3.")
    for path in (
        "/api/token",
        "/api/orgunits",
        "/api/compute",
        "/api/rank",
        "/api/report",
        "/api/imports",
        "/api/dataValueSets",
    ):
        assert path in doc["paths"], path
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_docs_are_served_from_the_package(api: APIClient) -> None:
    page = api.get("/api/docs").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "//cdn" not in page and "unpkg" not in page and "jsdelivr" not in page
