"""The population-monitoring pack on the server: its example loaded, figures (chance intervals
included) equal to the command line's."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner
from rest_framework.test import APIClient

from zicha.actions.accounts import add_user
from zicha.actions.loading import load_workbook
from zicha.cli.main import cli
from zicha.packs.registry import builtin_folder
from zicha.storage import models as m

EXAMPLE = builtin_folder("population-monitoring") / "example"
PASSWORD = "zicha-population"


@pytest.fixture
def population_server(db: Any) -> APIClient:
    """This test's database holds the pack's example instead of the demo county (a server works
    with one pack; the test's transaction is rolled back afterwards)."""
    for model in (m.ApiToken, m.DataValue, m.Birth, m.Death, m.Target, m.AssessmentItem):
        model.objects.all().delete()
    for model in (m.ChecklistItem, m.Narrative, m.ReportHeader, m.Setting):
        model.objects.all().delete()
    m.User.objects.all().delete()
    for unit in sorted(m.OrgUnit.objects.all(), key=lambda u: -u.depth):
        unit.delete()
    summary = load_workbook(EXAMPLE)
    assert summary.created["births"] == 205 and summary.created["deaths"] == 235
    add_user("zhen", "clerk", "610100", PASSWORD)
    add_user("xian", "reviewer", "610000", PASSWORD)
    client = APIClient()
    token = client.post("/api/token", {"username": "zhen", "password": PASSWORD}, format="json")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.json()['token']}")
    return client


def cli_compute(org: str, period: str) -> dict[str, Any]:
    result = CliRunner().invoke(
        cli, ["compute", str(EXAMPLE), "--org", org, "--period", period, "--json"]
    )
    assert result.exit_code == 0, result.output
    doc: dict[str, Any] = json.loads(result.output)
    return doc


@pytest.mark.parametrize(("org", "period"), [("610100", "2025"), ("610103", "202503")])
def test_server_figures_equal_the_command_line(
    population_server: APIClient, org: str, period: str
) -> None:
    expected = cli_compute(org, period)
    got = population_server.get("/api/compute", {"org": org, "period": period}).json()
    keys = ("id", "value", "status", "score", "interval", "to_date_interval")
    assert [tuple(i[k] for k in keys) for i in got["indicators"]] == [
        tuple(i[k] for k in keys) for i in expected["indicators"]
    ]
    assert got["score"] == expected["score"]
    assert sorted(f["message"] for f in got["findings"]) == sorted(
        f["message"] for f in expected["findings"]
    )


def test_the_clerk_sees_only_the_town(population_server: APIClient) -> None:
    assert (
        population_server.get("/api/compute", {"org": "610000", "period": "2025"}).status_code
        == 404
    )


def test_rank_and_report_through_the_api(population_server: APIClient) -> None:
    result = CliRunner().invoke(
        cli, ["rank", str(EXAMPLE), "--org", "610100", "--period", "2025", "--json"]
    )
    assert result.exit_code == 0, result.output
    expected = json.loads(result.output)
    reviewer = APIClient()  # ranking is the county's
    token = reviewer.post("/api/token", {"username": "xian", "password": PASSWORD}, format="json")
    reviewer.credentials(HTTP_AUTHORIZATION=f"Bearer {token.json()['token']}")
    got = reviewer.get("/api/rank", {"org": "610100", "period": "2025"}).json()
    assert [(r["org_unit"]["code"], r["total"], r["rank"]) for r in got["rows"]] == [
        (r["org_unit"]["code"], r["total"], r["rank"]) for r in expected["rows"]
    ]
    response = population_server.get(
        "/api/report", {"org": "610100", "period": "2025", "format": "md"}
    )
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    assert "与国家目标和全国水平对照" in text
    assert "婴儿死亡率为4.88‰（仅基于1例，95%置信区间为0.12‰～27.18‰" in text


@pytest.mark.parametrize(
    ("page", "mark"),
    [
        ("/indicators", "婴儿死亡率"),
        ("/findings", "出生人口性别比"),
        ("/entry", "按时办理出生登记的出生人数"),
        ("/checklist", "普惠托育服务建设"),
        ("/report", "XX镇"),
    ],
)
def test_the_pages_serve_the_pack(population_server: APIClient, page: str, mark: str) -> None:
    from django.test import Client

    browser = Client()
    browser.force_login(m.User.objects.get(username="zhen"))
    response = browser.get(page, {"org": "610100", "period": "2025"})
    assert response.status_code == 200, page
    assert mark in response.content.decode()
    reviewer = Client()
    reviewer.force_login(m.User.objects.get(username="xian"))
    response = reviewer.get("/rank", {"org": "610100", "period": "2025"})
    assert response.status_code == 200 and "南岭村" in response.content.decode()
