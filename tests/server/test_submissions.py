"""Submissions: every transition by every role, in and out of scope; the lock on every write path
while submitted and once approved; a returned submission unlocks.

The demo county: xxxiang is the clerk of 510001, donghe the clerk of 510002 (villages
51000201…04), county the county's reviewer; `tr` (made here) reviews 510002 itself.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.server.conftest import values_xlsx
from zicha.actions import ledger
from zicha.actions.accounts import add_user
from zicha.actions.entry import Locked
from zicha.actions.loading import load_dataset
from zicha.domain.period import parse_period
from zicha.storage import models as m

P = "2010OctS1"


@pytest.fixture
def tr(db: Any) -> APIClient:
    """A reviewer of 510002 itself (not above it)."""
    add_user("tr", "reviewer", "510002", "zicha-tr")
    return client_for_password("tr", "zicha-tr")


def client_for_password(username: str, password: str) -> APIClient:
    client = APIClient()
    token = client.post("/api/token", {"username": username, "password": password}, format="json")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.json()['token']}")
    return client


def submit(client: APIClient, org: str, period: str = P) -> Any:
    return client.post("/api/submissions", {"org": org, "period": period}, format="json")


def decide(client: APIClient, pk: int, verdict: str, comment: str = "") -> Any:
    return client.post(f"/api/submissions/{pk}/{verdict}", {"comment": comment}, format="json")


def value(org: str, element: str, period: str) -> float | None:
    row = m.DataValue.objects.filter(
        org__code=org, element=element, period=period, stated=False
    ).first()
    return None if row is None else row.value


# ---------------------------------------------------------------------------------------------
# transitions by role


def test_a_clerk_submits_its_own_unit(other_clerk: APIClient) -> None:
    response = submit(other_clerk, "510002")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body == {"id": body["id"], "org": "510002", "period": P, "state": "submitted"}
    listed = other_clerk.get("/api/submissions").json()
    assert [(s["id"], s["state"], s["submitted_by"]) for s in listed] == [
        (body["id"], "submitted", "donghe")
    ]
    # once submitted, not again until returned
    again = submit(other_clerk, "510002")
    assert again.status_code == 409
    assert again.json()["state"] == "submitted"


def test_who_may_submit(clerk: APIClient, other_clerk: APIClient, reviewer: APIClient) -> None:
    assert submit(clerk, "510002").status_code == 404  # not in its subtree
    assert submit(other_clerk, "51000201").status_code == 403  # a village, not its own unit
    assert submit(reviewer, "510002").status_code == 403  # a reviewer submits nothing
    bad = submit(other_clerk, "510002", "2010Q9")
    assert bad.status_code == 400
    assert bad.json()["problems"][0]["column"] == "period"
    assert not m.Submission.objects.exists()


def test_an_admin_may_submit_any_unit(admin: APIClient) -> None:
    assert submit(admin, "51000201").status_code == 201


def test_who_may_approve_and_return(
    clerk: APIClient, other_clerk: APIClient, reviewer: APIClient, tr: APIClient
) -> None:
    pk = submit(other_clerk, "510002").json()["id"]
    assert decide(other_clerk, pk, "approve").status_code == 403  # a clerk
    assert decide(clerk, pk, "approve").status_code == 404  # a clerk elsewhere: not visible
    assert decide(tr, pk, "approve").status_code == 403  # a reviewer of the unit itself
    assert decide(tr, pk, "return", "x").status_code == 403
    assert decide(reviewer, 999_999, "approve").status_code == 404
    assert m.Submission.objects.get(pk=pk).state == "submitted"
    done = decide(reviewer, pk, "approve", "数据无误")
    assert done.status_code == 200
    assert done.json()["state"] == "approved"
    assert decide(reviewer, pk, "approve").status_code == 409  # the state already moved
    assert decide(reviewer, pk, "return", "晚了").status_code == 409
    assert submit(other_clerk, "510002").status_code == 409  # approved for good


def test_a_township_reviewer_decides_its_villages(admin: APIClient, tr: APIClient) -> None:
    pk = submit(admin, "51000201").json()["id"]
    assert decide(tr, pk, "approve").status_code == 200


def test_return_needs_a_comment_and_comes_back(other_clerk: APIClient, reviewer: APIClient) -> None:
    pk = submit(other_clerk, "510002").json()["id"]
    blank = decide(reviewer, pk, "return", "  ")
    assert blank.status_code == 400
    assert blank.json()["problems"][0]["column"] == "comment"
    back = decide(reviewer, pk, "return", "出生人数与登记不符，请核实")
    assert back.status_code == 200
    assert back.json()["state"] == "returned"
    assert back.json()["comment"] == "出生人数与登记不符，请核实"
    assert decide(reviewer, pk, "approve").status_code == 409  # returned: nothing to approve
    returned = other_clerk.get("/api/submissions", {"state": "returned"}).json()
    assert [(s["id"], s["comment"]) for s in returned] == [(pk, "出生人数与登记不符，请核实")]
    again = submit(other_clerk, "510002")
    assert again.status_code == 201
    assert again.json()["id"] == pk  # the same submission, again
    assert decide(reviewer, pk, "approve").json()["state"] == "approved"
    row = m.Submission.objects.get(pk=pk)
    assert row.first_submitted_at < row.submitted_at


def test_listing_is_scoped_and_filtered(
    clerk: APIClient, other_clerk: APIClient, reviewer: APIClient
) -> None:
    a = submit(clerk, "510001").json()["id"]
    b = submit(other_clerk, "510002").json()["id"]
    decide(reviewer, b, "approve")
    assert [s["id"] for s in clerk.get("/api/submissions").json()] == [a]
    assert sorted(s["id"] for s in reviewer.get("/api/submissions").json()) == sorted([a, b])
    assert [s["id"] for s in reviewer.get("/api/submissions", {"state": "approved"}).json()] == [b]
    assert reviewer.get("/api/submissions", {"state": "draft"}).json() == []
    assert reviewer.get("/api/submissions", {"state": "lost"}).status_code == 400


def test_anonymous_calls_are_401(api: APIClient) -> None:
    assert api.get("/api/submissions").status_code == 401
    assert submit(api, "510001").status_code == 401
    assert decide(api, 1, "approve").status_code == 401
    assert api.get("/api/audit", {"org": "510001"}).status_code == 401


# ---------------------------------------------------------------------------------------------
# the lock, on every write path


def dvs(org: str, period: str, element: str, val: str) -> dict[str, Any]:
    return {
        "dataValues": [{"dataElement": element, "period": period, "orgUnit": org, "value": val}]
    }


def locked_unit(other_clerk: APIClient, reviewer: APIClient, approve: bool) -> int:
    pk: int = submit(other_clerk, "510002").json()["id"]
    if approve:
        assert decide(reviewer, pk, "approve").status_code == 200
    return pk


@pytest.mark.parametrize("approve", [False, True], ids=["submitted", "approved"])
def test_every_write_path_is_refused_while_locked(
    other_clerk: APIClient, reviewer: APIClient, admin: APIClient, approve: bool
) -> None:
    locked_unit(other_clerk, reviewer, approve)
    before_values = m.DataValue.objects.count()
    before_audit = m.AuditEntry.objects.count()
    village_jan = value("51000201", "deaths", "201101")

    # dataValueSets: the township and a village below, a month inside the period
    for org in ("510002", "51000201"):
        response = other_clerk.post(
            "/api/dataValueSets", dvs(org, "201101", "deaths", "99"), format="json"
        )
        assert response.status_code == 409
        body = response.json()
        assert body["status"] == "ERROR"
        assert body["conflicts"][0]["object"] == org
        assert "已锁定" in body["conflicts"][0]["value"]
    # an import (a clerk's, and an administrator's: the lock holds for everyone)
    for client in (other_clerk, admin):
        upload = values_xlsx([["51000201", "201101", "deaths", "99"]])
        response = client.post("/api/imports", {"file": upload}, format="multipart")
        assert response.status_code == 409
        assert response.json()["problems"][0]["row"] == 2
        assert "已锁定" in response.json()["detail"]
    # the data-entry form
    page = Client()
    page.force_login(m.User.objects.get(username="donghe"))
    # the 导入 page
    upload = values_xlsx([["51000201", "201101", "deaths", "99"]])
    response = page.post("/imports", {"file": upload})
    assert response.status_code == 409
    assert "已锁定" in response.content.decode()
    cell = {"org": "51000201", "element": "deaths", "period": "201101", "value": "99"}
    response = page.post("/entry/cell", {**cell, "shown_period": P})
    assert response.status_code == 409
    assert "已锁定" in response.content.decode()
    # the checklist: a new item, and an existing one
    response = page.post("/checklist/new", {"org": "51000201", "period": P, "item": "新事项"})
    assert response.status_code == 409
    donghe = m.User.objects.get(username="donghe")
    with pytest.raises(Locked):
        ledger.add_item(donghe, "510002", parse_period("201102"), {"item": "新事项"})
    # `zicha load` of a workbook that changes a value in the locked period
    from tests.server.test_audit import demo_dataset

    dataset = demo_dataset({("51000201", "201101", "死亡人数"): "99"})
    with pytest.raises(Locked):
        load_dataset(dataset, None, "示例县.xlsx")

    assert value("51000201", "deaths", "201101") == village_jan
    assert m.DataValue.objects.count() == before_values
    assert m.AuditEntry.objects.count() == before_audit  # a refused write is not a change


def test_the_lock_covers_overlapping_periods_only(
    other_clerk: APIClient, reviewer: APIClient, admin: APIClient
) -> None:
    locked_unit(other_clerk, reviewer, approve=True)
    # the year 2010Oct overlaps the half-year: locked
    year = other_clerk.post(
        "/api/dataValueSets", dvs("510002", "2010Oct", "deaths", "1"), format="json"
    )
    assert year.status_code == 409
    # April 2011 does not: open
    april = other_clerk.post(
        "/api/dataValueSets", dvs("510002", "201104", "deaths", "1"), format="json"
    )
    assert april.status_code == 200, april.content
    # another township, and the county above, are not locked
    other = admin.post("/api/dataValueSets", dvs("510003", "201101", "deaths", "1"), format="json")
    assert other.status_code == 200
    county = admin.post("/api/dataValueSets", dvs("510000", "201101", "deaths", "1"), format="json")
    assert county.status_code == 200


def test_unchanged_rows_are_not_refused(other_clerk: APIClient, reviewer: APIClient) -> None:
    locked_unit(other_clerk, reviewer, approve=True)
    same = other_clerk.get("/api/dataValueSets", {"orgUnit": "51000201", "period": "201101"}).json()
    response = other_clerk.post("/api/dataValueSets", same, format="json")
    assert response.status_code == 200
    assert response.json()["importCount"]["ignored"] == len(same["dataValues"])
    # and loading the demo county again (as `zicha serve --demo` does at every start) works
    from tests.server.test_audit import demo_dataset

    assert not load_dataset(demo_dataset(), None, "示例县.xlsx").changed


def test_a_returned_submission_unlocks(other_clerk: APIClient, reviewer: APIClient) -> None:
    pk = locked_unit(other_clerk, reviewer, approve=False)
    body = dvs("51000201", "201101", "deaths", "7")
    assert other_clerk.post("/api/dataValueSets", body, format="json").status_code == 409
    decide(reviewer, pk, "return", "请核实死亡人数")
    assert other_clerk.post("/api/dataValueSets", body, format="json").status_code == 200
    assert value("51000201", "deaths", "201101") == 7
    submit(other_clerk, "510002")
    assert (
        other_clerk.post(
            "/api/dataValueSets", dvs("51000201", "201101", "deaths", "8"), format="json"
        ).status_code
        == 409
    )


def test_the_entry_grid_shows_the_lock(other_clerk: APIClient) -> None:
    submit(other_clerk, "510002")
    page = Client()
    page.force_login(m.User.objects.get(username="donghe"))
    html = page.get("/entry", {"org": "51000201", "period": P}).content.decode()
    assert "已锁定" in html
    assert 'hx-post="/entry/cell"' not in html  # the cells are read-only


def test_zicha_load_of_a_locked_period_exits_2(
    other_clerk: APIClient, reviewer: APIClient, tmp_path: Any
) -> None:
    from click.testing import CliRunner

    from zicha.cli.main import cli
    from zicha.packs.demo_county import demo_sheets
    from zicha.workbook.export import write_raw_workbook
    from zicha.workbook.sheets import SHEETS

    locked_unit(other_clerk, reviewer, approve=True)
    sheets = demo_sheets()
    for row in sheets["数据"][1:]:
        if row[:3] == ["51000201", "201101", "死亡人数"]:
            row[3] = "77"
    path = tmp_path / "县.xlsx"
    write_raw_workbook(sheets, path, [s.zh for s in SHEETS])
    before = value("51000201", "deaths", "201101")
    result = CliRunner().invoke(cli, ["load", str(path)])
    assert result.exit_code == 2, result.output
    assert "已锁定" in result.output and "第" in result.output
    assert value("51000201", "deaths", "201101") == before


def test_a_restarted_demo_keeps_what_was_done(other_clerk: APIClient, reviewer: APIClient) -> None:
    from zicha.actions.demo_county import open_demo

    body = dvs("51000201", "201101", "deaths", "13")
    assert other_clerk.post("/api/dataValueSets", body, format="json").status_code == 200
    locked_unit(other_clerk, reviewer, approve=True)
    open_demo()  # `zicha serve --demo` started again
    assert value("51000201", "deaths", "201101") == 13
    assert m.Submission.objects.get(org__code="510002").state == "approved"
    assert m.Deadline.objects.get().due.isoformat() == "2011-04-05"
