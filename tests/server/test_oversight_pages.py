"""The pages and calls of the county's oversight: who may open 审核, 仪表盘 and 变更记录; deadlines
and who is late; the dashboard's figures are the API's."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from zicha.actions import deadlines
from zicha.storage import models as m

P = "2010OctS1"


def browser(username: str) -> Client:
    client = Client()
    client.force_login(m.User.objects.get(username=username))
    return client


@pytest.mark.parametrize("path", ["/review", "/dashboard", "/audit"])
def test_new_pages_send_the_anonymous_to_the_login_page(db: Any, path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/login")


@pytest.mark.parametrize(("user", "path"), [("xxxiang", "/review"), ("xxxiang", "/dashboard")])
def test_clerks_do_not_review(db: Any, user: str, path: str) -> None:
    assert browser(user).get(path, {"period": P}).status_code == 403


def test_review_pages_in_and_out_of_scope(db: Any) -> None:
    county = browser("county")
    assert "审核" in county.get("/review").content.decode()
    assert county.get("/dashboard", {"period": P}).status_code == 200
    assert county.get("/audit", {"org": "510002"}).status_code == 200
    clerk = browser("xxxiang")
    assert clerk.get("/audit", {"org": "510001"}).status_code == 200
    assert clerk.get("/audit", {"org": "510002"}).status_code == 404
    assert (
        clerk.get("/entry/history", {"org": "510002", "element": "births", "period": P}).status_code
        == 404
    )
    assert clerk.post("/review/1/approve", {"comment": ""}).status_code == 403
    assert clerk.post("/submit", {"org": "510002", "period": P}).status_code == 404


def test_the_clerks_desk_shows_what_came_back(clerk: APIClient, reviewer: APIClient) -> None:
    page = browser("xxxiang")
    html = page.get("/", {"period": P}).content.decode()
    assert "报送审核" in html  # the button for its own unit and period
    assert page.post("/submit", {"org": "510001", "period": P}).status_code == 302
    pk = m.Submission.objects.get(org__code="510001").pk
    reviewer.post(
        f"/api/submissions/{pk}/return", {"comment": "政策符合率偏低，请说明"}, format="json"
    )
    html = page.get("/", {"period": P}).content.decode()
    assert "被退回" in html and "政策符合率偏低，请说明" in html
    assert "重新报送" in html


def test_deadlines_and_who_is_late(
    reviewer: APIClient, clerk: APIClient, other_clerk: APIClient
) -> None:
    assert (
        clerk.post(
            "/api/deadlines", {"org": "510000", "period": P, "due": "2011-04-05"}, format="json"
        ).status_code
        == 404
    )
    assert (
        other_clerk.post(
            "/api/deadlines", {"org": "510002", "period": P, "due": "2011-04-05"}, format="json"
        ).status_code
        == 403
    )
    bad = reviewer.post(
        "/api/deadlines", {"org": "510000", "period": P, "due": "2011-02-30"}, format="json"
    )
    assert bad.status_code == 400
    made = reviewer.post(
        "/api/deadlines", {"org": "510000", "period": P, "due": "2011-04-05"}, format="json"
    )
    assert made.status_code == 201
    other_clerk.post("/api/submissions", {"org": "510002", "period": P}, format="json")
    rows = {u["org"]: u for u in reviewer.get("/api/deadlines").json()[0]["units"]}
    assert rows["510002"]["state"] == "submitted"
    assert rows["510003"]["state"] == "draft"
    deadline = m.Deadline.objects.get()
    # judged on a day before the date, only the one in after the date (today) is late
    early = {d.unit.code: d.late for d in deadlines.children_status(deadline, dt.date(2011, 4, 1))}
    assert [c for c, late in early.items() if late] == ["510002"]
    # 510002 submitted today: after 5 April 2011, so late as well
    late = {d.unit.code: d.late for d in deadlines.children_status(deadline, dt.date(2011, 4, 6))}
    assert late == {c: True for c in ("510001", "510002", "510003", "510004", "510005", "510006")}
    m.Submission.objects.filter(org__code="510002").update(
        first_submitted_at=dt.datetime(2011, 4, 3, tzinfo=dt.UTC)
    )
    on_time = {
        d.unit.code: d.late for d in deadlines.children_status(deadline, dt.date(2011, 4, 6))
    }
    assert on_time["510002"] is False and on_time["510003"] is True
    # the clerk's own: what is due
    page = browser("donghe").get("/", {"period": P}).content.decode()
    assert "报送期限" in page and "2011年4月5日" in page


def test_the_dashboard_reads_the_apis_figures(reviewer: APIClient) -> None:
    board = reviewer.get("/api/dashboard", {"org": "510000", "period": P}).json()
    rank = reviewer.get("/api/rank", {"org": "510000", "period": P}).json()
    assert board["ranking"] == rank
    births = next(p for p in board["progress"] if p["indicator"] == "births")
    for row in births["rows"]:
        doc = reviewer.get("/api/compute", {"org": row["org"], "period": P}).json()
        same = next(i for i in doc["indicators"] if i["id"] == "births")
        assert (row["to_date"], row["projection"], row["status"], row["elapsed"]) == (
            same["to_date"],
            same["projection"],
            same["status"],
            same["elapsed"],
        )
        # completion is the engine's year to date as a share of the target
        assert row["completion"] == pytest.approx(same["to_date"] / same["target"]["value"])
    assert [u["code"] for u in board["units"]] == [
        "510001",
        "510002",
        "510003",
        "510004",
        "510005",
        "510006",
    ]
    flow = next(f for f in board["flows"] if f["indicator"] == "births")
    assert [m["period"] for m in flow["months"]] == [
        "201010",
        "201011",
        "201012",
        "201101",
        "201102",
        "201103",
    ]
    county_jan = reviewer.get("/api/compute", {"org": "510000", "period": "201101"}).json()
    assert flow["values"][3] == next(
        i["value"] for i in county_jan["indicators"] if i["id"] == "births"
    )
    assert flow["pace"][-1] == pytest.approx(182 / 365)
    # every unit's month is the API's computation of that unit and month
    for unit in flow["units"]:
        for month, completion in zip(flow["months"], unit["completion"], strict=True):
            doc = reviewer.get("/api/compute", {"org": unit["org"], "period": month["period"]})
            same = next(i for i in doc.json()["indicators"] if i["id"] == "births")
            if same["target"] is None or same["to_date"] is None:
                assert completion is None
            else:
                assert completion == pytest.approx(same["to_date"] / same["target"]["value"])
    assert any(c is not None for u in flow["units"] for c in u["completion"])
    findings = {f["org"]: f for f in board["findings"]}
    for unit in board["units"]:
        found = reviewer.get("/api/compute", {"org": unit["code"], "period": P}).json()
        errors = sum(f["severity"] == "error" for f in found["findings"])
        assert findings[unit["code"]]["errors"] == errors
        assert findings[unit["code"]]["warnings"] == len(found["findings"]) - errors
    assert findings["510001"]["errors"] > 0


def test_the_dashboard_is_for_reviewers_and_in_scope(
    clerk: APIClient, admin: APIClient, reviewer: APIClient
) -> None:
    assert clerk.get("/api/dashboard", {"org": "510001", "period": P}).status_code == 403
    assert reviewer.get("/api/dashboard", {"org": "999999", "period": P}).status_code == 404
    village = admin.get("/api/dashboard", {"org": "51000201", "period": P}).json()
    assert village["units"] == [] and village["ranking"] is None
    assert village["parent"] == {"code": "510002", "name": "东河镇"}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/dashboard"),
        ("get", "/api/deadlines"),
        ("post", "/api/deadlines"),
        ("get", "/api/dataElements"),
        ("get", "/api/organisationUnits"),
        ("post", "/api/submissions/1/approve"),
    ],
)
def test_new_calls_without_credentials_are_401(api: APIClient, method: str, path: str) -> None:
    response = getattr(api, method)(path, {"org": "510000", "period": P})
    assert response.status_code == 401
    assert response.json()["detail"].startswith("未登录")
