"""Who may call what: for every API call and every page, the anonymous (401, or the login page),
the wrong role (403), a unit in scope (200) and a unit out of scope (404).

The demo county: xxxiang is the clerk of 510001, donghe the clerk of 510002, county the
county's reviewer; `township_reviewer` (made here) reviews 510002 only.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.server.conftest import client_for, values_xlsx
from zicha.storage import models as m

P = "2010OctS1"


# ---------------------------------------------------------------------------------------------
# API: anonymous


ANONYMOUS_CALLS = [
    ("get", "/api/orgunits", {}),
    ("get", "/api/compute", {"org": "510001", "period": P}),
    ("get", "/api/rank", {"org": "510000", "period": P}),
    ("get", "/api/report", {"org": "510001", "period": P, "format": "md"}),
    ("post", "/api/imports", {}),
    ("get", "/api/dataValueSets", {"orgUnit": "510001", "period": P}),
    ("post", "/api/dataValueSets", {}),
]


@pytest.mark.parametrize(("method", "path", "params"), ANONYMOUS_CALLS)
def test_api_without_credentials_is_401(
    api: APIClient, method: str, path: str, params: dict[str, str]
) -> None:
    response = getattr(api, method)(path, params)
    assert response.status_code == 401
    assert response.json()["detail"].startswith("未登录")


@pytest.mark.parametrize("path", ["/api/schema", "/api/docs", "/healthz"])
def test_schema_docs_and_health_need_no_login(api: APIClient, path: str) -> None:
    assert api.get(path).status_code == 200


def test_a_bad_token_is_401(api: APIClient) -> None:
    api.credentials(HTTP_AUTHORIZATION="Bearer nonsense")
    response = api.get("/api/orgunits")
    assert response.status_code == 401
    assert "令牌" in response.json()["detail"]


def test_a_token_stops_with_its_user_or_its_deletion(db: Any) -> None:
    client = client_for("xxxiang")
    assert client.get("/api/orgunits").status_code == 200
    m.User.objects.filter(username="xxxiang").update(is_active=False)
    assert client.get("/api/orgunits").status_code == 401
    m.User.objects.filter(username="xxxiang").update(is_active=True)
    assert client.get("/api/orgunits").status_code == 200
    m.ApiToken.objects.filter(user__username="xxxiang").delete()
    assert client.get("/api/orgunits").status_code == 401


def test_a_token_follows_its_user_to_another_unit(db: Any) -> None:
    """The user behind a token is read afresh on every call: a clerk moved to another township
    sees the new one at once, and no longer the old."""
    client = client_for("xxxiang")
    assert client.get("/api/compute", {"org": "510001", "period": P}).status_code == 200
    m.User.objects.filter(username="xxxiang").update(org=m.OrgUnit.objects.get(code="510002"))
    assert client.get("/api/compute", {"org": "510001", "period": P}).status_code == 404
    figures = client.get("/api/compute", {"period": P}).json()
    assert figures["org_unit"]["code"] == "510002"


def test_compute_asks_the_database_twice_when_nothing_changed(
    clerk: APIClient, django_assert_num_queries: Any
) -> None:
    """A computation asked for again is answered from memory: the token's user and the data
    version are all the database is asked, whether the unit is named or not."""
    first = clerk.get("/api/compute", {"org": "510001", "period": P})
    for params in ({"org": "510001", "period": P}, {"period": P}):
        with django_assert_num_queries(2):
            again = clerk.get("/api/compute", params)
        assert again.status_code == 200
        assert again.json() == first.json()


# ---------------------------------------------------------------------------------------------
# API: roles and scope


def test_orgunits_are_the_callers_subtree(
    clerk: APIClient, other_clerk: APIClient, reviewer: APIClient
) -> None:
    assert clerk.get("/api/orgunits").json() == [
        {"code": "510001", "name": "XX乡", "parent": "510000", "kind": "乡镇"}
    ]
    codes = [u["code"] for u in other_clerk.get("/api/orgunits").json()]
    assert codes == ["510002", "51000201", "51000202", "51000203", "51000204"]
    assert len(reviewer.get("/api/orgunits").json()) == m.OrgUnit.objects.count() == 25


def test_rank_roles_and_scope(
    clerk: APIClient, reviewer: APIClient, township_reviewer: APIClient
) -> None:
    assert clerk.get("/api/rank", {"org": "510001", "period": P}).status_code == 403
    assert reviewer.get("/api/rank", {"org": "510000", "period": P}).status_code == 200
    assert township_reviewer.get("/api/rank", {"org": "510002", "period": P}).status_code == 200
    assert township_reviewer.get("/api/rank", {"org": "510000", "period": P}).status_code == 404
    assert township_reviewer.get("/api/rank", {"org": "510003", "period": P}).status_code == 404


def test_rank_of_a_unit_without_children_is_400(township_reviewer: APIClient) -> None:
    response = township_reviewer.get("/api/rank", {"org": "51000201", "period": P})
    assert response.status_code == 400
    assert "没有下级单位" in response.json()["problems"][0]["message"]


def test_report_scope(clerk: APIClient, reviewer: APIClient) -> None:
    assert (
        clerk.get("/api/report", {"org": "510001", "period": P, "format": "md"}).status_code == 200
    )
    assert (
        clerk.get("/api/report", {"org": "510002", "period": P, "format": "md"}).status_code == 404
    )
    assert (
        reviewer.get("/api/report", {"org": "510002", "period": P, "format": "md"}).status_code
        == 200
    )


def test_imports_roles_and_scope(clerk: APIClient, reviewer: APIClient) -> None:
    ok = values_xlsx([["510001", "201101", "deaths", "3"]])
    assert clerk.post("/api/imports", {"file": ok}, format="multipart").status_code == 201
    again = values_xlsx([["510001", "201101", "deaths", "3"]])
    response = reviewer.post("/api/imports", {"file": again}, format="multipart")
    assert response.status_code == 403
    outside = values_xlsx(
        [["510001", "201101", "deaths", "4"], ["510002", "201101", "deaths", "1"]]
    )
    response = clerk.post("/api/imports", {"file": outside}, format="multipart")
    assert response.status_code == 403
    assert response.json()["problems"] == [
        {
            "sheet": "数据",
            "row": 3,
            "column": "单位代码",
            "message": "工作表「数据」第 3 行，「单位代码」列：不在您的管辖范围内，读到「510002」",
        }
    ]


def test_data_value_sets_roles_and_scope(clerk: APIClient, reviewer: APIClient) -> None:
    query = {"orgUnit": "510001", "period": P}
    assert clerk.get("/api/dataValueSets", query).status_code == 200
    assert clerk.get("/api/dataValueSets", {"orgUnit": "510002", "period": P}).status_code == 404
    body = {
        "orgUnit": "510001",
        "period": "201101",
        "dataValues": [{"dataElement": "deaths", "value": "2"}],
    }
    assert reviewer.post("/api/dataValueSets", body, format="json").status_code == 403
    assert clerk.post("/api/dataValueSets", body, format="json").status_code == 200
    outside = {**body, "orgUnit": "510002"}
    response = clerk.post("/api/dataValueSets", outside, format="json")
    assert response.status_code == 409
    assert response.json()["conflicts"][0]["object"] == "510002"


def test_compute_roles_and_scope(other_clerk: APIClient, township_reviewer: APIClient) -> None:
    assert other_clerk.get("/api/compute", {"org": "51000202", "period": P}).status_code == 200
    assert other_clerk.get("/api/compute", {"org": "510001", "period": P}).status_code == 404
    assert township_reviewer.get("/api/compute", {"org": "510002", "period": P}).status_code == 200
    assert township_reviewer.get("/api/compute", {"org": "510001", "period": P}).status_code == 404


# ---------------------------------------------------------------------------------------------
# pages

PAGES = ["/", "/entry", "/indicators", "/findings", "/checklist", "/report", "/imports", "/rank"]


def browser(username: str) -> Client:
    client = Client()
    client.force_login(m.User.objects.get(username=username))
    return client


@pytest.mark.parametrize("path", PAGES)
def test_pages_send_the_anonymous_to_the_login_page(db: Any, path: str) -> None:
    response = Client().get(path, {"period": P})
    assert response.status_code == 302
    assert response["Location"].startswith("/login?next=")


@pytest.mark.parametrize(
    ("method", "path"),
    [("post", "/entry/cell"), ("post", "/checklist/1"), ("post", "/checklist/new")],
)
def test_page_actions_send_the_anonymous_to_the_login_page(db: Any, method: str, path: str) -> None:
    response = getattr(Client(), method)(path, {})
    assert response.status_code == 302
    assert response["Location"].startswith("/login")


def test_login_page_and_login(db: Any) -> None:
    client = Client()
    page = client.get("/login")
    assert page.status_code == 200
    assert "登录" in page.content.decode()
    wrong = client.post("/login", {"username": "xxxiang", "password": "nope"})
    assert "用户名或密码不正确" in wrong.content.decode()
    right = client.post("/login", {"username": "xxxiang", "password": "zicha-clerk", "next": "/"})
    assert right.status_code == 302
    assert client.get("/").status_code == 200
    out = client.post("/logout")
    assert out.status_code == 302
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    ("user", "path"),
    [("xxxiang", "/rank"), ("county", "/imports")],
)
def test_pages_refuse_the_wrong_role(db: Any, user: str, path: str) -> None:
    response = browser(user).get(path, {"period": P})
    assert response.status_code == 403
    assert "没有权限" in response.content.decode()


@pytest.mark.parametrize("path", [p for p in PAGES if p != "/rank"])
def test_clerk_pages_in_scope(db: Any, path: str) -> None:
    response = browser("xxxiang").get(path, {"org": "510001", "period": P})
    assert response.status_code == 200
    assert "XX乡" in response.content.decode()


@pytest.mark.parametrize("path", [p for p in PAGES if p != "/imports"])
def test_reviewer_pages_in_scope(db: Any, path: str) -> None:
    response = browser("county").get(path, {"org": "510000", "period": P})
    assert response.status_code == 200
    assert "XX县" in response.content.decode()


@pytest.mark.parametrize("path", [p for p in PAGES if p not in ("/rank", "/imports")])
def test_pages_out_of_scope_are_404(db: Any, path: str) -> None:
    response = browser("xxxiang").get(path, {"org": "510002", "period": P})
    assert response.status_code == 404
    assert "没有找到" in response.content.decode()


def test_rank_page_out_of_scope_is_404(db: Any, township_reviewer: APIClient) -> None:
    assert browser("tr").get("/rank", {"org": "510003", "period": P}).status_code == 404
    assert browser("tr").get("/rank", {"org": "510002", "period": P}).status_code == 200


def test_reviewer_cannot_save_a_cell_or_a_checklist_row(db: Any) -> None:
    client = browser("county")
    cell = {"org": "510001", "element": "deaths", "period": "201101", "value": "1"}
    assert client.post("/entry/cell", cell).status_code == 403
    item = m.ChecklistItem.objects.filter(org__code="510001").first()
    assert item is not None
    assert client.post(f"/checklist/{item.pk}", {"result": "未达标"}).status_code == 403
    assert (
        client.post("/checklist/new", {"org": "510001", "period": P, "item": "x"}).status_code
        == 403
    )
    assert not m.DataValue.objects.filter(
        org__code="510001", period="201101", element="deaths"
    ).exists()


def test_clerk_cannot_save_out_of_scope(db: Any) -> None:
    client = browser("xxxiang")
    cell = {"org": "510002", "element": "deaths", "period": "201101", "value": "1"}
    assert client.post("/entry/cell", cell).status_code == 404
    item = m.ChecklistItem.objects.exclude(org__code="510001").first()
    if item is None:
        item = m.ChecklistItem.objects.create(
            org=m.OrgUnit.objects.get(code="510002"),
            period=P,
            start="2010-10-01",
            end="2011-03-31",
            item="成立领导组",
        )
    assert client.post(f"/checklist/{item.pk}", {"result": "未达标"}).status_code == 404
    response = client.post("/checklist/new", {"org": "510002", "period": P, "item": "x"})
    assert response.status_code == 404


def test_api_token_clients_are_not_pages(db: Any) -> None:
    """A bearer token opens the API, not the pages (they use the login session)."""
    response = client_for("xxxiang").get("/")
    assert response.status_code == 302
