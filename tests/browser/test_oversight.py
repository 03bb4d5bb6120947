"""The county's half of the round in a real Chromium against `zicha serve --demo`: the reviewer
sees who is late, returns 东河镇's report with a comment, the clerk sees why, changes a figure
and submits again, the reviewer approves it, watches the ranking and the dashboard (its charts
drawn, a township drilled into, a chart saved as a picture) and finds in 变更记录 who changed
the figure after the return."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.browser.conftest import Server

PERIOD = "2010OctS1"
REASON = "1月出生人数与出生登记不符，请核实后重新报送"


def login(browser: Any, server: Server, username: str, password: str) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(
        accept_downloads=True, locale="zh-CN", viewport={"width": 1400, "height": 1000}
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server.url + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/$|/\?"))
    return context, page, errors


def canvas_ink(page: Any, selector: str) -> list[int]:
    """For each canvas inside `selector`: how many of its pixels are not white (or clear)."""
    return list(
        page.evaluate(
            """(sel) => Array.from(document.querySelectorAll(sel + ' canvas')).map(c => {
                const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                let n = 0;
                for (let i = 0; i < d.length; i += 4) {
                  if (d[i + 3] > 0 && (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240)) n++;
                }
                return n;
            })""",
            selector,
        )
    )


def test_the_reviewers_half_year_round(demo_server: Server, chromium: Any, tmp_path: Path) -> None:
    reviewer = demo_server.account("审核员")
    clerk = next(a for a in demo_server.accounts if a.username == "donghe")
    rctx, rpage, rerrors = login(chromium, demo_server, reviewer.username, reviewer.password)
    cctx, cpage, _ = login(chromium, demo_server, clerk.username, clerk.password)
    try:
        # who is late: the 工作台 lists the townships and their state against 5 April 2011
        rpage.goto(demo_server.url + f"/?period={PERIOD}")
        late = rpage.locator("section.desk tr.is-late").all_inner_texts()
        assert any("西岭乡" in t and "逾期未报" in t for t in late)
        assert any("东河镇" in t and "已报送" in t for t in late)  # in, but after the date

        # open the submission and return it with a comment
        rpage.click("nav >> text=审核")
        row = rpage.locator("#inbox tr[data-org='510002']")
        assert "已报送" in row.inner_text()
        assert "自评得分" in rpage.locator("#inbox thead").inner_text()
        row.locator("form[action$='/return'] textarea").fill(REASON)
        row.locator("form[action$='/return'] button").click()
        rpage.wait_for_url(re.compile(r"/review$"))
        assert "已退回" in rpage.locator("#inbox tr[data-org='510002']").inner_text()

        # the clerk sees what came back and why, changes a figure, submits again
        cpage.goto(demo_server.url + f"/?period={PERIOD}")
        back = cpage.locator("section.desk.back")
        assert REASON in back.inner_text()
        cpage.goto(demo_server.url + f"/entry?org=51000201&period={PERIOD}")
        cell = cpage.get_by_label("出生人数 201101", exact=True)
        old = cell.input_value()
        new = str(int(old) + 1)
        cell.fill(new)
        cell.press("Enter")
        cpage.wait_for_selector(".box.saved")
        cell.click()  # its history, beside the grid
        cpage.wait_for_function(
            "() => (document.querySelector('#history-panel h2')?.textContent || '')"
            ".includes('出生人数 2011年1月')"
        )
        history = cpage.locator("#history-panel").inner_text()
        assert "donghe" in history and new in history
        cpage.goto(demo_server.url + f"/?org=510002&period={PERIOD}")
        cpage.click("#submission button[type=submit]")
        cpage.wait_for_selector("#submission .state.submitted")

        # it comes back to the reviewer, who approves it
        rpage.goto(demo_server.url + "/review")
        row = rpage.locator("#inbox tr[data-org='510002']")
        assert "已报送" in row.inner_text()
        row.locator("form[action$='/approve'] button").click()
        rpage.wait_for_url(re.compile(r"/review$"))
        assert "已审核通过" in rpage.locator("#inbox tr[data-org='510002']").inner_text()

        # the approved data is locked for the clerk
        cpage.goto(demo_server.url + f"/entry?org=51000201&period={PERIOD}")
        assert "已锁定" in cpage.locator("p.locked").inner_text()
        assert (
            cpage.get_by_label("出生人数 201101", exact=True).get_attribute("readonly") is not None
        )

        # the ranking
        rpage.goto(demo_server.url + f"/rank?period={PERIOD}")
        assert "东河镇" in rpage.locator("table.figures").inner_text()

        # the dashboard: charts drawn, a picture saved, a township drilled into
        rpage.goto(demo_server.url + f"/dashboard?period={PERIOD}")
        rpage.wait_for_selector("#dashboard[data-ready=true]", timeout=60_000)
        ink = canvas_ink(rpage, "#dashboard")
        assert len(ink) >= 5 and min(ink) > 500, ink  # every chart has something drawn
        chart = rpage.locator("#chart-ranking")
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        # where ECharts drew the toolbox's saveAsImage icon (the element carrying its title)
        icon = rpage.evaluate(
            """() => {
                const c = echarts.getInstanceByDom(document.getElementById('chart-ranking'));
                const e = c.getZr().storage.getDisplayList().find(x => x.__title === '保存为图片');
                const r = e.getBoundingRect(), t = e.transform;
                return [t[4] + r.x + r.width / 2, t[5] + r.y + r.height / 2];
            }"""
        )
        with rpage.expect_download() as info:
            rpage.mouse.click(box["x"] + icon[0], box["y"] + icon[1])
        saved = tmp_path / "ranking.png"
        info.value.save_as(saved)
        assert saved.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert saved.stat().st_size > 5000
        # drill down: a click on 东河镇's bar in the ranking opens its villages
        labels = rpage.evaluate(
            "() => echarts.getInstanceByDom(document.getElementById('chart-ranking'))"
            ".getOption().yAxis[0].data"
        )
        index = next(i for i, t in enumerate(labels) if "东河镇" in t)
        point = rpage.evaluate(
            "(i) => echarts.getInstanceByDom(document.getElementById('chart-ranking'))"
            ".convertToPixel({seriesIndex: 0}, [1, i])",
            index,
        )
        rpage.mouse.click(box["x"] + point[0] + 4, box["y"] + point[1])
        rpage.wait_for_url(re.compile(r"/dashboard\?org=510002"))
        rpage.wait_for_selector("#dashboard[data-ready=true]", timeout=60_000)
        assert "东河镇" in rpage.locator("h1").inner_text()
        assert "4 个下级单位" in rpage.locator("#dashboard-status").inner_text()
        assert min(canvas_ink(rpage, "#dashboard")) > 500
        assert "返回XX县" in rpage.locator("#dashboard-up").inner_text()

        # 变更记录: who changed the figure after the return
        rpage.goto(demo_server.url + "/audit?org=510002&element=births")
        rows = rpage.locator("table.audit tbody tr")
        texts = rows.all_inner_texts()
        change = next(t for t in texts if "donghe" in t and "数据填报" in t)
        assert old in change and new in change
        seq_change = int(change.split("\t")[0])
        rpage.goto(demo_server.url + "/audit?org=510002")
        returned = next(
            t
            for t in rpage.locator("table.audit tbody tr").all_inner_texts()
            if "已报送\t已退回" in t
        )
        assert REASON in returned
        assert int(returned.split("\t")[0]) < seq_change  # the change came after the return
        assert rerrors == []
    finally:
        rctx.close()
        cctx.close()
