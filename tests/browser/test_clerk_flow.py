"""The township clerk's main flow in a real browser against a real `zicha serve --demo`: log in,
enter a value in the grid, see the indicator change, download the report and open it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.browser.conftest import Server

PERIOD = "2010OctS1"


def births_shown(page: Any) -> str:
    return str(page.locator("#indicators-panel tr[data-indicator=births] td.value").inner_text())


def test_clerk_enters_a_value_and_downloads_the_report(
    demo_server: Server, chromium: Any, tmp_path: Path
) -> None:
    clerk = demo_server.account("填报员")
    assert clerk.org.startswith("510001")
    context = chromium.new_context(accept_downloads=True, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(demo_server.url + "/entry")
        assert "/login" in page.url  # the anonymous go to the login page
        page.fill("input[name=username]", clerk.username)
        page.fill("input[name=password]", clerk.password)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r"/entry"))
        assert page.locator("h1").inner_text().startswith("数据填报")
        assert births_shown(page) == "233"

        cell = page.get_by_label(f"出生人数 {PERIOD}", exact=True)
        assert cell.input_value() == "233"
        cell.click()
        cell.fill("251")
        cell.press("Enter")  # saves and moves down
        page.wait_for_function(
            "() => document.querySelector('#indicators-panel tr[data-indicator=births] td.value')"
            "?.textContent.trim() === '251'"
        )
        assert births_shown(page) == "251"
        focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
        assert focused.endswith(PERIOD) and focused != f"出生人数 {PERIOD}"  # the row below

        # a value that is not a number is refused in place, in Chinese
        below = page.get_by_label(f"死亡人数 {PERIOD}", exact=True)
        below.fill("十二")
        below.press("Tab")
        page.wait_for_selector(".box.bad .msg")
        assert "应为数字" in page.locator(".box.bad .msg").inner_text()

        page.click("nav >> text=报告")
        with page.expect_download() as info:
            page.click("text=下载 Word 文档（.docx）")
        saved = tmp_path / "report.docx"
        info.value.save_as(saved)
    finally:
        context.close()

    import docx

    text = "\n".join(p.text for p in docx.Document(str(saved)).paragraphs)
    assert "自查" in text
    assert "251" in text
