"""The pages at work: the data-entry grid saving as you go, the checklist ledger, the import
page, and the number of queries each main page makes (pinned, so an N+1 shows)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tests.server.conftest import values_xlsx
from zicha.storage import models as m

P = "2010OctS1"


def browser(username: str) -> Client:
    client = Client()
    client.force_login(m.User.objects.get(username=username))
    return client


def births_cell(html: str) -> str:
    """The value shown in the grid for births over the whole half-year."""
    found = re.search(r'value="([^"]*)" aria-label="出生人数 2010OctS1"', html)
    assert found, "no births cell for 2010OctS1"
    return found.group(1)


def indicator_value(html: str, indicator: str) -> str:
    found = re.search(
        rf'<tr data-indicator="{indicator}">.*?<td class="n value">([^<]*)</td>', html, re.S
    )
    assert found, indicator
    return found.group(1)


def test_the_grid_shows_the_units_values(db: Any) -> None:
    html = browser("xxxiang").get("/entry", {"org": "510001", "period": P}).content.decode()
    assert births_cell(html) == "233"
    # months of the half-year, then the half-year itself
    header = html[html.index('id="entry-grid"') : html.index("</thead>")]
    assert header.index("10月") < header.index("3月") < header.index("整期填报")
    assert indicator_value(html, "births") == "233"
    assert 'hx-post="/entry/cell"' in html


def test_the_reviewer_sees_the_grid_read_only(db: Any) -> None:
    html = browser("county").get("/entry", {"org": "510001", "period": P}).content.decode()
    assert births_cell(html) == "233"
    assert "hx-post" not in html
    assert "readonly" in html


def save(client: Client, value: str, element: str = "births", period: str = P) -> Any:
    return client.post(
        "/entry/cell",
        {
            "org": "510001",
            "element": element,
            "period": period,
            "value": value,
            "shown_period": P,
            "r": "1",
            "c": "6",
        },
    )


def test_saving_a_cell_updates_the_indicators(db: Any) -> None:
    client = browser("xxxiang")
    response = save(client, "240")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="240"' in html
    assert 'class="box saved"' in html
    assert 'id="indicators-panel" hx-swap-oob="true"' in html
    assert indicator_value(html, "births") == "240"
    assert 'id="findings-panel" hx-swap-oob="true"' in html
    stored = m.DataValue.objects.get(org__code="510001", element="births", period=P)
    assert stored.value == 240
    assert stored.updated_by is not None and stored.updated_by.username == "xxxiang"
    # the comment the workbook gave survives an edit of the value
    assert stored.comment.startswith("原报告")


def test_a_bad_value_is_refused_inline_and_nothing_written(db: Any) -> None:
    client = browser("xxxiang")
    version = m.DataVersion.objects.get(name="data").value
    response = save(client, "二百")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="box bad"' in html
    assert "读到「二百」，应为数字" in html
    assert 'value="二百"' in html  # what was typed stays, to be corrected
    assert m.DataValue.objects.get(org__code="510001", element="births", period=P).value == 233
    assert m.DataVersion.objects.get(name="data").value == version


def test_a_cell_for_an_unknown_element_or_period_is_400(db: Any) -> None:
    client = browser("xxxiang")
    unknown = save(client, "1", element="猫")
    assert unknown.status_code == 400
    assert "没有这个数据项" in unknown.content.decode()
    bad_period = save(client, "1", period="2011Q9")
    assert bad_period.status_code == 400
    assert "2011Q9" in bad_period.content.decode()


def test_emptying_a_cell_deletes_the_value(db: Any) -> None:
    client = browser("xxxiang")
    response = save(client, "")
    assert response.status_code == 200
    assert not m.DataValue.objects.filter(org__code="510001", element="births", period=P).exists()
    assert indicator_value(response.content.decode(), "births") == "—"


def test_editing_the_ledger(db: Any) -> None:
    client = browser("xxxiang")
    item = m.ChecklistItem.objects.filter(org__code="510001").first()
    assert item is not None
    page = client.get("/checklist", {"org": "510001", "period": P}).content.decode()
    assert item.item in page
    response = client.post(
        f"/checklist/{item.pk}",
        {"result": "未达标", "problem": "台账不全", "deadline": "2011/4/30", "closed": ""},
    )
    assert response.status_code == 200
    assert "已保存" in response.content.decode()
    item.refresh_from_db()
    assert (item.result, item.problem, str(item.deadline), item.closed) == (
        "未达标",
        "台账不全",
        "2011-04-30",
        None,
    )
    bad = client.post(f"/checklist/{item.pk}", {"deadline": "2011-02-30"})
    assert bad.status_code == 400
    assert "2011-02-30" in bad.content.decode()
    item.refresh_from_db()
    assert str(item.deadline) == "2011-04-30"


def test_adding_a_checklist_item(db: Any) -> None:
    client = browser("xxxiang")
    response = client.post(
        "/checklist/new", {"org": "510001", "period": P, "item": "建立流动人口台账"}
    )
    assert response.status_code == 302
    added = m.ChecklistItem.objects.get(org__code="510001", item="建立流动人口台账")
    assert (added.period, added.result) == (P, "未启动")
    empty = client.post("/checklist/new", {"org": "510001", "period": P, "item": " "})
    assert empty.status_code == 400


def test_the_import_page(db: Any) -> None:
    client = browser("xxxiang")
    upload = values_xlsx([["510001", "201101", "deaths", "3"]])
    page = client.post("/imports", {"file": upload}).content.decode()
    assert "已导入 数据.xlsx" in page
    assert '<td>数据</td><td class="n">1</td>' in page
    bad = values_xlsx([["510001", "201101", "deaths", "x"]])
    response = client.post("/imports", {"file": bad})
    assert response.status_code == 400
    assert "未导入任何数据" in response.content.decode()
    outside = values_xlsx([["510002", "201101", "deaths", "1"]])
    response = client.post("/imports", {"file": outside})
    assert response.status_code == 403
    assert "管辖范围" in response.content.decode()


def test_the_report_page_links_every_format(db: Any) -> None:
    html = browser("xxxiang").get("/report", {"period": P}).content.decode()
    for fmt in ("docx", "html", "md"):
        assert f"/api/report?org=510001&period={P}&format={fmt}" in html


def test_the_rank_page_orders_the_townships(db: Any) -> None:
    html = browser("county").get("/rank", {"org": "510000", "period": P}).content.decode()
    names = ["XX乡", "东河镇", "西岭乡", "南坝镇", "北山乡", "中和镇"]
    assert all(n in html for n in names)


def test_a_bad_period_is_said_on_the_page(db: Any) -> None:
    html = browser("xxxiang").get("/indicators", {"period": "2010Q9"}).content.decode()
    assert "2010Q9" in html


@pytest.mark.parametrize(
    ("user", "path", "most"),
    [
        ("xxxiang", "/", 16),  # and its deadlines, returned submissions, this period's
        ("xxxiang", "/entry", 16),
        ("xxxiang", "/indicators", 14),
        ("xxxiang", "/findings", 14),
        ("xxxiang", "/checklist", 10),
        ("xxxiang", "/report", 10),
        ("county", "/", 16),
        ("county", "/rank", 15),
        ("county", "/entry?org=510002", 18),
        ("county", "/review", 6),
        ("county", "/audit", 9),
        ("xxxiang", "/audit", 9),
    ],
)
def test_query_counts_of_the_main_pages(
    db: Any, django_assert_max_num_queries: Any, user: str, path: str, most: int
) -> None:
    client = browser(user)
    assert client.get(path, {"period": P}).status_code == 200  # the engine is built once
    with django_assert_max_num_queries(most):
        assert client.get(path, {"period": P}).status_code == 200


def test_a_new_server_says_it_has_no_data(db: Any) -> None:
    m.Setting.objects.filter(key="pack").delete()
    html = browser("admin").get("/").content.decode()
    assert "服务器上还没有数据" in html


def test_a_form_with_a_bad_period_is_a_400_page(db: Any) -> None:
    client = browser("xxxiang")
    response = client.post("/checklist/new", {"org": "510001", "period": "2010Q9", "item": "x"})
    assert response.status_code == 400
    assert "2010Q9" in response.content.decode()
    cell = {"org": "510001", "element": "deaths", "period": "201101", "value": "2"}
    saved = client.post("/entry/cell", {**cell, "shown_period": "nonsense"})
    assert saved.status_code == 200
    assert "hx-swap-oob" not in saved.content.decode()
