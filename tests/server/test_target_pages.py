"""The 目标设置 page and its actions: access for each (anonymous, wrong role, in scope, out of
scope), the grid, saving cells and method items, the targets passed down flagged, last year's
targets copied, the sheets exported and imported."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.server.test_access import browser
from zicha.actions import targets
from zicha.domain.period import parse_period
from zicha.packs.registry import get_pack
from zicha.storage import models as m
from zicha.storage.source import org_tree
from zicha.workbook.export import write_raw_workbook
from zicha.workbook.reader import read_workbook

YEAR = "2010Oct"
ACTIONS = [
    ("get", "/targets"),
    ("get", "/targets/export"),
    ("post", "/targets/cell"),
    ("post", "/targets/method"),
    ("post", "/targets/copy"),
    ("post", "/targets/import"),
]


def cell(
    client: Client, org: str, indicator: str, value: str, grid: str = "510000", **more: str
) -> Any:
    data = {"org": org, "grid_org": grid, "indicator": indicator, "period": YEAR, "value": value}
    return client.post("/targets/cell", {**data, "r": "0", "c": "5", **more})


def html(response: Any) -> str:
    return response.content.decode()


# ---------------------------------------------------------------------------------------------
# access


@pytest.mark.parametrize(("method", "path"), ACTIONS)
def test_the_anonymous_go_to_the_login_page(db: Any, method: str, path: str) -> None:
    response = getattr(Client(), method)(path, {"org": "510000", "period": YEAR})
    assert response.status_code == 302
    assert response["Location"].startswith("/login")


@pytest.mark.parametrize(("method", "path"), ACTIONS)
def test_a_clerk_is_refused(db: Any, method: str, path: str) -> None:
    response = getattr(browser("xxxiang"), method)(path, {"org": "510001", "period": YEAR})
    assert response.status_code == 403
    assert "没有权限" in html(response)


def test_the_page_in_scope(db: Any) -> None:
    page = browser("county").get("/targets", {"org": "510000", "period": "2010OctS1"})
    assert page.status_code == 200
    text = html(page)
    assert "目标设置" in text
    assert "2010年10月至2011年9月" in text  # any period opens its statistical year
    for name in ("XX乡", "东河镇", "西岭乡", "南坝镇", "北山乡", "中和镇"):
        assert f"{name}<br>" in text
    assert 'aria-label="出生人数 XX乡"' in text
    assert 'value="≤510"' in text
    # the reviewer's own unit's targets are set from above: read only
    own = re.search(r'<input name="value"[^>]*aria-label="出生人数 XX县"[^>]*>', text)
    assert own is not None and "readonly" in own.group(0)
    assert "/api/agreements?org=510000&amp;period=2010Oct&amp;unit=510001" in text


@pytest.mark.parametrize(("method", "path"), [a for a in ACTIONS if a[1] != "/targets/method"])
def test_out_of_scope_is_404(township_reviewer: Any, method: str, path: str) -> None:
    """(The method has no unit to ask for: the top unit's, which a township's reviewer may not
    change, 403 below.)"""
    client = browser("tr")
    data = {"org": "510003", "period": YEAR, "grid_org": "510003", "indicator": "births"}
    response = getattr(client, method)(f"{path}?org=510003&period={YEAR}", data)
    assert response.status_code == 404


def test_a_township_reviewer_sees_its_villages(township_reviewer: Any) -> None:
    page = browser("tr").get("/targets", {"org": "510002", "period": YEAR})
    assert page.status_code == 200
    assert "东河村<br>" in html(page)


def test_the_nav_shows_the_page_to_reviewers_only(db: Any) -> None:
    assert 'href="/targets' in html(browser("county").get("/", {"period": YEAR}))
    assert 'href="/targets' not in html(browser("xxxiang").get("/", {"period": YEAR}))


# ---------------------------------------------------------------------------------------------
# cells


def test_a_cell_saved_comes_back_with_its_total(db: Any) -> None:
    response = cell(browser("county"), "510001", "births", "<=500")
    assert response.status_code == 200
    text = html(response)
    assert 'class="box saved"' in text
    assert 'value="≤500"' in text
    # 500 + 316 + 189 + 251 + 172 + 225: the townships' caps added up, out of band
    assert 'id="total-births" hx-swap-oob="true"' in text
    assert "≤1653" in text
    assert (
        targets.current_targets([m.OrgUnit.objects.get(code="510001")], parse_period(YEAR))[0][
            ("510001", "births")
        ].bound.value
        == 500.0
    )


def test_a_cell_that_cannot_be_read_keeps_what_was_typed(db: Any) -> None:
    response = cell(browser("county"), "510001", "births", "about 500")
    assert response.status_code == 400
    text = html(response)
    assert 'value="about 500"' in text
    assert 'role="alert"' in text
    assert "比较符" in text


def test_the_reviewers_own_unit_cannot_be_saved(db: Any) -> None:
    response = cell(browser("county"), "510000", "births", "<=2000")
    assert response.status_code == 403
    assert not m.Target.objects.filter(org__code="510000").exists()


def test_a_cell_saved_from_a_day_mid_year(db: Any) -> None:
    cell(browser("county"), "510001", "births", "<=480", effective="2011-05-01")
    page = html(browser("county").get("/targets", {"org": "510000", "period": YEAR}))
    assert "年中调整：2010年10月1日起≤510；2011年5月1日起≤480" in page


def test_passed_down_sums_are_flagged_in_the_grid(township_reviewer: Any) -> None:
    """东河镇 has a cap of 316 births; its four villages get 100 each: 400 passed down."""
    client = browser("tr")
    for village in ("51000201", "51000202", "51000203"):
        assert cell(client, village, "births", "<=100", grid="510002").status_code == 200
    last = cell(client, "51000204", "births", "<=100", grid="510002")
    text = html(last)
    assert 'class="n total bad" id="total-births" hx-swap-oob="true"' in text
    assert "≤400" in text
    message = "控制数为 316，分解到4 个下级单位的控制数之和为 400，超过了本级控制数"
    assert message in text  # the engine's finding, out of band
    page = html(client.get("/targets", {"org": "510002", "period": YEAR}))
    assert re.search(r'<tr data-indicator="births" class="flagged">', page)
    assert message in page
    fine = cell(client, "51000204", "births", "<=16", grid="510002")
    assert "total bad" not in html(fine)
    assert "≤316" in html(fine)


def test_a_partial_split_shows_how_many_children_have_a_target(township_reviewer: Any) -> None:
    text = html(cell(browser("tr"), "51000201", "births", "<=100", grid="510002"))
    assert '≤100 <span class="muted">（1/4）</span>' in text


# ---------------------------------------------------------------------------------------------
# the method


def test_a_method_item_saved(db: Any) -> None:
    data = {
        "indicator": "deaths",
        "m_points": "5",
        "m_mode": "deduct",
        "m_step": "1",
        "m_deduct": "0.5",
    }
    response = browser("county").post("/targets/method", data)
    assert response.status_code == 200
    assert "已保存" in html(response)
    item = m.AssessmentItem.objects.get(key="deaths")
    assert (item.points, item.mode, item.step, item.deduct, item.veto) == (
        5.0,
        "deduct",
        1.0,
        0.5,
        False,
    )
    cleared = browser("county").post("/targets/method", {"indicator": "deaths", "m_mode": ""})
    assert "默认" in html(cleared)
    assert not m.AssessmentItem.objects.filter(key="deaths").exists()


def test_a_method_item_that_cannot_be_read(db: Any) -> None:
    data = {
        "indicator": "births",
        "m_points": "10",
        "m_mode": "deduct",
        "m_step": "1",
        "m_deduct": "",
    }
    response = browser("county").post("/targets/method", data)
    assert response.status_code == 400
    assert "计分方式为deduct时须填写扣分" in html(response)
    assert m.AssessmentItem.objects.get(key="births").deduct == 1.0


def test_the_veto_box_and_the_kept_group(db: Any) -> None:
    data = {
        "indicator": "births",
        "m_points": "10",
        "m_mode": "deduct",
        "m_step": "1",
        "m_deduct": "1",
        "m_veto": "是",
    }
    assert browser("county").post("/targets/method", data).status_code == 200
    item = m.AssessmentItem.objects.get(key="births")
    assert item.veto is True
    assert item.group == "人口控制"  # not on the grid: kept


def test_a_township_reviewer_may_not_change_the_method(township_reviewer: Any) -> None:
    data = {"indicator": "births", "m_points": "1"}
    assert browser("tr").post("/targets/method", data).status_code == 403


# ---------------------------------------------------------------------------------------------
# last year's targets


def test_copy_last_years_targets(db: Any) -> None:
    children = m.OrgUnit.objects.filter(parent__code="510000")
    last = m.Target.objects.filter(org__in=children, period=YEAR).count()
    client = browser("county")
    response = client.post("/targets/copy", {"org": "510000", "period": "2011Oct"})
    assert response.status_code == 302
    assert f"copied={last}&from={YEAR}" in response["Location"]
    copied = m.Target.objects.filter(period="2011Oct")
    assert copied.count() == last
    assert set(copied.values_list("valid_from", flat=True)) == {parse_period("2011Oct").start}
    page = html(client.get(response["Location"]))
    assert f"已从 {YEAR} 复制 {last} 个目标" in page
    again = client.post("/targets/copy", {"org": "510000", "period": "2011Oct"})
    assert "copied=0" in again["Location"]


# ---------------------------------------------------------------------------------------------
# the sheets out and in


def exported(client: Client, tmp_path: Path, org: str = "510000") -> Path:
    response = client.get("/targets/export", {"org": org, "period": YEAR})
    assert response.status_code == 200
    assert "2010%E5%B9%B4%E5%BA%A6" in response["Content-Disposition"]  # 2010年度
    path = tmp_path / "targets.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    return path


def test_the_export_reads_back_as_the_server_holds_it(db: Any, tmp_path: Path) -> None:
    path = exported(browser("county"), tmp_path)
    data = read_workbook(path, get_pack, known=org_tree(), only=("targets", "assessment"))
    stored = m.Target.objects.filter(period=YEAR)
    assert sorted((t.org_unit, t.indicator, t.bound.text()) for t in data.targets) == sorted(
        (code, ind, t.bound.text())
        for (code, ind), t in targets.current_targets(
            list(m.OrgUnit.objects.filter(id__in=stored.values("org"))), parse_period(YEAR)
        )[0].items()
    )
    assert [i.key for i in data.assessment] == list(
        m.AssessmentItem.objects.order_by("position").values_list("key", flat=True)
    )


def upload(client: Client, sheets: dict[str, list[list[str]]], tmp_path: Path, **form: str) -> Any:
    path = tmp_path / "目标.xlsx"
    write_raw_workbook(sheets, path, list(sheets))
    data = io.BytesIO(path.read_bytes())
    data.name = "目标.xlsx"
    return client.post(f"/targets/import?org=510000&period={YEAR}", {"file": data, **form})


HEAD = ["单位代码", "期间", "指标", "目标值"]


def test_an_import_sets_targets_and_the_method(db: Any, tmp_path: Path) -> None:
    sheets = {
        "目标": [HEAD, ["510001", YEAR, "出生人数", "<=470"], ["510002", YEAR, "births", "<=300"]],
        "考核办法": [
            ["指标", "分值", "计分方式", "每", "扣分"],
            ["死亡人数", "4", "达标得分", "", ""],
        ],
    }
    response = upload(browser("county"), sheets, tmp_path)
    assert response.status_code == 200
    text = html(response)
    assert "XX乡 2010Oct 出生人数：≤510 → ≤470" in text
    assert "考核办法 死亡人数：默认 → 4分，达标得分" in text
    again = upload(browser("county"), sheets, tmp_path)
    assert "没有变更" in html(again)


def test_an_import_with_unreadable_rows_writes_nothing(db: Any, tmp_path: Path) -> None:
    sheets = {"目标": [HEAD, ["510001", YEAR, "出生人数", "<=470"], ["510002", YEAR, "猫", "x"]]}
    response = upload(browser("county"), sheets, tmp_path)
    assert response.status_code == 400
    text = html(response)
    assert "工作表「目标」第 3 行" in text
    assert m.Target.objects.get(org__code="510001", indicator="births").value == 510.0


def test_an_import_outside_the_scope_is_403(township_reviewer: Any, tmp_path: Path) -> None:
    sheets = {
        "目标": [HEAD, ["51000201", YEAR, "出生人数", "<=70"], ["510001", YEAR, "出生人数", "<=1"]]
    }
    path = tmp_path / "t.xlsx"
    write_raw_workbook(sheets, path, list(sheets))
    data = io.BytesIO(path.read_bytes())
    data.name = "t.xlsx"
    response = browser("tr").post(f"/targets/import?org=510002&period={YEAR}", {"file": data})
    assert response.status_code == 403
    assert "工作表「目标」第 3 行" in html(response)
    assert not m.Target.objects.filter(org__code="51000201").exists()


def test_an_import_without_a_targets_sheet(db: Any, tmp_path: Path) -> None:
    sheets = {"数据": [["单位代码", "期间", "数据项", "数值"], ["510001", "201101", "deaths", "1"]]}
    response = upload(browser("county"), sheets, tmp_path)
    assert response.status_code == 400
    assert "应至少有「目标」（targets）、「考核办法」（assessment）工作表之一" in html(response)


def test_query_count_of_the_grid(db: Any, django_assert_max_num_queries: Any) -> None:
    client = browser("county")
    assert client.get("/targets", {"org": "510000", "period": YEAR}).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get("/targets", {"org": "510000", "period": YEAR}).status_code == 200


def test_a_township_reviewer_imports_its_export_back(
    township_reviewer: Any, tmp_path: Path
) -> None:
    """The export carries the county's method: unchanged it is no change, changed it is 403."""
    client = browser("tr")
    path = exported(client, tmp_path, org="510002")
    data = io.BytesIO(path.read_bytes())
    data.name = "targets.xlsx"
    response = client.post(f"/targets/import?org=510002&period={YEAR}", {"file": data})
    assert response.status_code == 200
    assert "没有变更" in html(response)
    sheets = {"考核办法": [["指标", "分值", "计分方式"], ["出生人数", "99", "达标得分"]]}
    path = tmp_path / "method.xlsx"
    write_raw_workbook(sheets, path, list(sheets))
    data = io.BytesIO(path.read_bytes())
    data.name = "method.xlsx"
    refused = client.post(f"/targets/import?org=510002&period={YEAR}", {"file": data})
    assert refused.status_code == 403
    assert m.AssessmentItem.objects.get(key="births").points == 10.0


def test_a_veto_that_is_not_yes_or_no_is_a_400(db: Any) -> None:
    response = browser("county").post("/targets/method", {"indicator": "births", "m_veto": "x"})
    assert response.status_code == 400
    assert "读到「x」，应为是/否" in html(response)
