"""The server's foundation: health, tokens, scope, and figures equal to the command line's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rest_framework.test import APIClient

from zicha.cli.main import cli
from zicha.packs.demo_county import demo_sheets
from zicha.workbook.export import write_raw_workbook
from zicha.workbook.sheets import SHEETS


def test_healthz_needs_no_login(api: APIClient) -> None:
    response = api.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_token_refuses_a_wrong_password(api: APIClient) -> None:
    response = api.post("/api/token", {"username": "xxxiang", "password": "nope"}, format="json")
    assert response.status_code == 401
    assert "密码" in response.json()["detail"]


@pytest.mark.parametrize("scheme", ["Bearer", "ApiToken"])
def test_both_token_schemes_work(api: APIClient, scheme: str) -> None:
    token = api.post(
        "/api/token", {"username": "xxxiang", "password": "zicha-clerk"}, format="json"
    ).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"{scheme} {token}")
    response = api.get("/api/compute", {"org": "510001", "period": "2010OctS1"})
    assert response.status_code == 200


def test_compute_without_credentials_is_401(api: APIClient) -> None:
    response = api.get("/api/compute", {"org": "510001", "period": "2010OctS1"})
    assert response.status_code == 401
    assert response.json()["detail"].startswith("未登录")


def test_compute_outside_the_subtree_is_404(clerk: APIClient) -> None:
    assert clerk.get("/api/compute", {"org": "510002", "period": "2010OctS1"}).status_code == 404
    assert clerk.get("/api/compute", {"org": "510000", "period": "2010OctS1"}).status_code == 404
    assert clerk.get("/api/compute", {"org": "999999", "period": "2010OctS1"}).status_code == 404


def test_compute_with_a_bad_period_is_400_in_chinese(clerk: APIClient) -> None:
    response = clerk.get("/api/compute", {"org": "510001", "period": "2010Q9"})
    assert response.status_code == 400
    body = response.json()
    assert body["problems"][0]["column"] == "period"
    assert "2010Q9" in body["problems"][0]["message"]


def _cli_compute(tmp_path: Path, org: str, period: str) -> dict[str, Any]:
    workbook = tmp_path / "county.xlsx"
    write_raw_workbook(demo_sheets(), workbook, [s.zh for s in SHEETS])
    result = CliRunner().invoke(
        cli, ["compute", str(workbook), "--org", org, "--period", period, "--json"]
    )
    assert result.exit_code == 0, result.output
    doc: dict[str, Any] = json.loads(result.output)
    return doc


@pytest.mark.parametrize(
    ("user", "org"), [("xxxiang", "510001"), ("donghe", "51000201"), ("county", "510000")]
)
def test_server_figures_equal_the_command_line(
    db: Any, tmp_path: Path, user: str, org: str
) -> None:
    from tests.server.conftest import client_for

    expected = _cli_compute(tmp_path, org, "2010OctS1")
    got = client_for(user).get("/api/compute", {"org": org, "period": "2010OctS1"}).json()
    assert [(i["id"], i["value"], i["status"], i["score"]) for i in got["indicators"]] == [
        (i["id"], i["value"], i["status"], i["score"]) for i in expected["indicators"]
    ]
    assert got["score"] == expected["score"]
    assert sorted(f["rule"] for f in got["findings"]) == sorted(
        f["rule"] for f in expected["findings"]
    )


def test_the_suite_runs_on_the_database_asked_for(db: Any) -> None:
    import os

    from django.db import connection

    wanted = "postgresql" if os.environ.get("ZICHA_TEST_DATABASE_URL") else "sqlite"
    assert connection.vendor == wanted


def test_a_postgresql_connection_is_kept_between_requests() -> None:
    from zicha.storage.config import database_settings

    db = database_settings("postgresql://zicha:secret@127.0.0.1:5432/zicha")
    assert db["CONN_MAX_AGE"] == 60  # not the URL parser's 0: a new connection per request
    assert db["CONN_HEALTH_CHECKS"] is True
    assert (db["NAME"], db["HOST"], db["PORT"]) == ("zicha", "127.0.0.1", 5432)


def test_several_units_computed_together_equal_each_computed_alone(db: Any) -> None:
    """`county.compute_all` (a dashboard's townships in one aggregation) gives each unit the
    figures and findings `county.compute` gives it alone."""
    from zicha.actions import county
    from zicha.reports.json_view import computation_json
    from zicha.storage import models as m

    user = m.User.objects.get(username="county")
    codes = ["510001", "510002", "510003", "510006"]
    scopes = [county.resolve(user, code, "2010OctS1") for code in codes]
    county._results.clear()
    together = county.compute_all(scopes)
    county._results.clear()
    alone = [county.compute(s) for s in scopes]
    assert [computation_json(c) for c in together] == [computation_json(c) for c in alone]
    assert any(c.findings for c in alone)
    # kept: asked again, the same objects come back
    assert all(a is b for a, b in zip(county.compute_all(scopes), alone, strict=True))


def test_a_load_leaves_the_planner_its_statistics(db: Any, tmp_path: Path) -> None:
    """Without statistics SQLite plans a subtree's sums from every value of an element: a load
    of a workbook makes them, where they were missing too."""
    from django.db import connection

    from zicha.actions.loading import load_workbook
    from zicha.storage import bulk
    from zicha.storage import models as m

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")
        assert not bulk.has_statistics()
    workbook = tmp_path / "county.xlsx"
    write_raw_workbook(demo_sheets(), workbook, [s.zh for s in SHEETS])
    m.DataValue.objects.all().delete()  # the load changes every value again
    load_workbook(workbook)
    assert bulk.has_statistics()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'storage_datavalue'")
            assert cursor.fetchone()[0] > 0
