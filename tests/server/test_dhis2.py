"""DHIS2 exchange: the metadata export (data elements, indicators, org units), UIDs in
`dataValueSets` both ways, and DHIS2's own Python client (`dhis2-client`, from the Python
registry, in a virtual environment of its own) against a real `zicha serve`."""

from __future__ import annotations

import json
import os
import subprocess
import venv
from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.server.live import fresh_database, live_server
from zicha.actions.metadata import uid
from zicha.packs.registry import get_pack

CLIENT = "dhis2-client"


def test_metadata_export(reviewer: APIClient, clerk: APIClient) -> None:
    doc = reviewer.get("/api/metadata").json()
    pack = get_pack("family-planning")
    elements = {e["code"]: e for e in doc["dataElements"]}
    assert set(elements) == set(pack.elements)
    births = elements["births"]
    assert births["id"] == uid("dataElement", "births")
    assert (births["name"], births["valueType"], births["aggregationType"]) == (
        "出生人数",
        "NUMBER",
        "SUM",
    )
    assert elements["population"]["aggregationType"] == "LAST"  # a stock
    assert all(len(e["id"]) == 11 and e["id"][0].isalpha() for e in doc["dataElements"])
    rates = {i["code"]: i for i in doc["indicators"]}
    b, pop = uid("dataElement", "births"), uid("dataElement", "population")
    assert rates["birth_rate"]["numerator"] == f"#{{{b}}}"
    # the average population: the level at the period's start is the end of the one before
    assert rates["birth_rate"]["denominator"] == f"((#{{{pop}}}.periodOffset(-1) + #{{{pop}}}) / 2)"
    types = {t["id"]: t["factor"] for t in doc["indicatorTypes"]}
    assert types[rates["birth_rate"]["indicatorType"]["id"]] == 1000
    units = {u["code"]: u for u in doc["organisationUnits"]}
    assert units["51000201"]["parent"] == {"id": uid("organisationUnit", "510002")}
    assert units["51000201"]["path"] == "/" + "/".join(
        uid("organisationUnit", c) for c in ("510000", "510002", "51000201")
    )
    assert units["51000201"]["level"] == 3
    # a clerk's export holds its own subtree, its unit without a parent
    own = clerk.get("/api/metadata").json()["organisationUnits"]
    assert [(u["code"], "parent" in u) for u in own] == [("510001", False)]


def test_metadata_lists_page_like_dhis2(reviewer: APIClient, api: APIClient) -> None:
    first = reviewer.get("/api/organisationUnits", {"page": 1, "pageSize": 5}).json()
    assert first["pager"] == {"page": 1, "pageCount": 5, "total": 25, "pageSize": 5}
    assert len(first["organisationUnits"]) == 5
    last = reviewer.get("/api/organisationUnits", {"page": 3, "pageSize": 11}).json()
    assert last["pager"]["pageCount"] == 3
    assert len(last["organisationUnits"]) == 3  # 25 units: 11 + 11 + 3
    everything = reviewer.get("/api/dataElements", {"paging": "false"}).json()
    assert "pager" not in everything and len(everything["dataElements"]) > 20
    assert api.get("/api/metadata").status_code == 401


def test_data_value_sets_by_uid(other_clerk: APIClient) -> None:
    ou = uid("organisationUnit", "51000201")
    by_code = other_clerk.get(
        "/api/dataValueSets", {"orgUnit": "51000201", "period": "201101"}
    ).json()
    by_uid = other_clerk.get(
        "/api/dataValueSets", {"orgUnit": ou, "period": "201101", "idScheme": "UID"}
    ).json()
    assert len(by_uid["dataValues"]) == len(by_code["dataValues"]) > 0
    assert {v["orgUnit"] for v in by_uid["dataValues"]} == {ou}
    assert [v["dataElement"] for v in by_uid["dataValues"]] == [
        uid("dataElement", v["dataElement"]) for v in by_code["dataValues"]
    ]
    # the same values back, by UID: nothing changes
    back = other_clerk.post("/api/dataValueSets", by_uid, format="json").json()
    assert back["importCount"] == {
        "imported": 0,
        "updated": 0,
        "deleted": 0,
        "ignored": len(by_uid["dataValues"]),
    }
    # a new one by UID, as DHIS2 would send it
    body = {
        "dataSet": "pBOMPrpg1QX",
        "orgUnit": ou,
        "period": "201104",
        "dataValues": [
            {
                "dataElement": uid("dataElement", "deaths"),
                "value": "2",
                "categoryOptionCombo": "HllvX50cXC0",
            }
        ],
    }
    assert (
        other_clerk.post("/api/dataValueSets", body, format="json").json()["importCount"][
            "imported"
        ]
        == 1
    )
    got = other_clerk.get("/api/dataValueSets", {"orgUnit": "51000201", "period": "201104"}).json()
    assert got["dataValues"] == [
        {
            "dataElement": "deaths",
            "period": "201104",
            "orgUnit": "51000201",
            "value": "2",
            "comment": "",
        }
    ]


# ---------------------------------------------------------------------------------------------
# DHIS2's own client


@pytest.fixture(scope="session")
def client_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment with DHIS2's Python client installed from the registry."""
    folder = tmp_path_factory.mktemp("dhis2-client-venv")
    venv.EnvBuilder(with_pip=True).create(folder)
    python = folder / ("Scripts" if os.name == "nt" else "bin") / "python"
    done = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", CLIENT],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        message = f"无法从软件包仓库安装 {CLIENT}：{done.stderr[-500:]}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return python


CLIENT_SCRIPT = r"""
import json, sys
from dhis2_client import DHIS2Client
from dhis2_client.errors import DHIS2HTTPError

url, token, scheme, ou, births, deaths = sys.argv[1:7]
client = DHIS2Client(base_url=url, token=f"{scheme} {token}" if scheme == "Bearer" else token)
out = {}
out["dataElements"] = list(client.get_data_elements(fields="id,code,name"))
out["organisationUnits"] = client.fetch_all("/api/organisationUnits", page_size=10)
out["read"] = client.get_data_value_set({"orgUnit": ou, "period": "201101", "idScheme": "UID"})
out["same"] = client.post_data_value_set(out["read"])
out["write"] = client.post_data_value_set({
    "dataSet": "pBOMPrpg1QX", "completeDate": "2011-05-05", "orgUnit": ou, "period": "201105",
    "dataValues": [{"dataElement": births, "value": "5", "categoryOptionCombo": "HllvX50cXC0"},
                   {"dataElement": deaths, "value": 1}]})
out["after"] = client.get_data_value_set({"orgUnit": ou, "period": "201105"})
try:
    client.post_data_value_set({"orgUnit": ou, "period": "201105",
                                "dataValues": [{"dataElement": "noSuchThing", "value": "1"}]})
    out["conflict"] = None
except DHIS2HTTPError as exc:
    out["conflict"] = {"status": exc.status_code, "payload": exc.payload, "message": str(exc)}
print(json.dumps(out, ensure_ascii=False))
"""


@pytest.mark.parametrize("scheme", ["ApiToken", "Bearer"])
def test_dhis2s_own_client_works_against_zicha(
    client_python: Path, tmp_path: Path, scheme: str
) -> None:
    with fresh_database() as db, live_server(tmp_path / "data", db) as server:
        token = server.token("donghe", "zicha-clerk")
        script = tmp_path / "client.py"
        script.write_text(CLIENT_SCRIPT, encoding="utf-8")
        done = subprocess.run(
            [
                str(client_python),
                str(script),
                server.url,
                token,
                scheme,
                uid("organisationUnit", "51000201"),
                uid("dataElement", "births"),
                uid("dataElement", "deaths"),
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        out: dict[str, Any] = json.loads(done.stdout)
        status, audit = server.call("GET", "/api/audit?org=51000201&period=201105", None, token)
    pack = get_pack("family-planning")
    assert {e["code"] for e in out["dataElements"]} == set(pack.elements)
    assert [u["code"] for u in out["organisationUnits"]] == [
        "510002",
        "51000201",
        "51000202",
        "51000203",
        "51000204",
    ]
    read = out["read"]["dataValues"]
    assert read and all(isinstance(v["value"], str) for v in read)  # DHIS2's string values
    assert out["same"]["status"] == "SUCCESS"
    assert out["same"]["importCount"]["ignored"] == len(read)
    assert out["write"] == {
        "status": "SUCCESS",
        "importCount": {"imported": 2, "updated": 0, "deleted": 0, "ignored": 0},
        "conflicts": [],
    }
    assert sorted((v["dataElement"], v["value"]) for v in out["after"]["dataValues"]) == [
        ("births", "5"),
        ("deaths", "1"),
    ]
    conflict = out["conflict"]
    assert conflict["status"] == 409
    assert conflict["payload"]["status"] == "ERROR"
    assert conflict["message"].startswith("ERROR: noSuchThing")
    assert status == 200
    assert {(a["element"], a["new"], a["path"], a["user"]) for a in audit} == {
        ("births", "5", "dataValueSets", "donghe"),
        ("deaths", "1", "dataValueSets", "donghe"),
    }
