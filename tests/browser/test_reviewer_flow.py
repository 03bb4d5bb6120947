"""The county reviewer's main flow in a real browser against a real `zicha serve --demo`: open
目标设置, change a township's target, see the ranking move, download the township's agreement
and read it. (The clerk's flow may run first on the same server: it changes XX乡's figures, so
this one works on 东河镇.)"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.browser.conftest import Server

PERIOD = "2010OctS1"


def rank_of(page: Any, server: Server, name: str) -> int:
    """The place of the unit `name` on the 排名 page."""
    page.goto(f"{server.url}/rank?period={PERIOD}")
    row = page.locator("table.figures tbody tr", has_text=name)
    return int(row.locator("td").first.inner_text())


def test_reviewer_sets_a_target_and_downloads_the_agreement(
    demo_server: Server, chromium: Any, tmp_path: Path
) -> None:
    reviewer = demo_server.account("审核员")
    context = chromium.new_context(accept_downloads=True, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(demo_server.url + "/targets")
        assert "/login" in page.url
        page.fill("input[name=username]", reviewer.username)
        page.fill("input[name=password]", reviewer.password)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r"/targets"))
        assert page.locator("h1").inner_text().startswith("目标设置")
        before = rank_of(page, demo_server, "东河镇")

        page.click("nav >> text=目标设置")
        cell = page.get_by_label("出生人数 东河镇", exact=True)
        assert cell.input_value() == "≤316"
        cell.click()
        cell.fill("<=100")
        cell.press("Enter")  # saves, and moves to the row below
        page.wait_for_selector("tr[data-indicator=births] .box.saved")
        assert cell.input_value() == "≤100"
        # the townships' caps added up again, beside the row: 510 + 100 + 189 + 251 + 172 + 225
        assert page.locator("#total-births").inner_text().startswith("≤1447")
        focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
        assert focused == "死亡人数 东河镇"

        # arrows move along the row; a target that cannot be read is refused in place
        page.keyboard.press("ArrowRight")
        right = page.evaluate("document.activeElement.getAttribute('aria-label')")
        assert right == "死亡人数 西岭乡"
        page.keyboard.type("很多")
        page.keyboard.press("Tab")
        page.wait_for_selector(".box.bad .msg")
        assert "比较符" in page.locator(".box.bad .msg").inner_text()

        after = rank_of(page, demo_server, "东河镇")
        assert after > before  # far over the new cap: no points for births, a lower place

        page.click("nav >> text=目标设置")
        with page.expect_download() as info:
            page.click("th:has-text('东河镇') >> text=责任书")
        saved = tmp_path / info.value.suggested_filename
        info.value.save_as(saved)
    finally:
        context.close()

    import docx

    assert saved.name == "510002-东河镇-2010年度目标责任书.docx"
    text = "\n".join(p.text for p in docx.Document(str(saved)).paragraphs)
    assert "全年出生人口控制在100人以内" in text
