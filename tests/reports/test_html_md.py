"""HTML and Markdown renderings: escaping, marks, placeholders, headings."""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser

from zicha.reports.document import (
    Attachment,
    Closing,
    Document,
    Figure,
    Heading,
    PageBreak,
    Paragraph,
    Placeholder,
    Table,
)
from zicha.reports.html_writer import MARK_COLOURS, render_html
from zicha.reports.markdown_writer import MARK_SYMBOLS, render_markdown

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def tricky() -> Document:
    return Document(
        title='关于<script>alert("x")</script>& 的报告',
        addressee="县委：",
        blocks=(
            Heading(1, "一、基本情况"),
            Heading(2, "（一）<b>指标</b>"),
            Heading(3, "1.出生"),
            Heading(4, "（1）分村"),
            Paragraph("a < b & c > d，*星号* 与 _下划线_ | 竖线"),
            Paragraph("1. 不是列表", indent=False),
            Placeholder("主要做法<待补>"),
            Table(
                columns=("项目", "数值|单位"),
                rows=(("甲<1>", "1"), ("乙", "2"), ("丙", "3")),
                caption="表1 测试",
                align=("left", "right"),
                marks=((None, "good"), (None, "warn"), ("bad", None)),
            ),
            Figure(PNG, "图1 <示意>"),
            PageBreak(),
            Closing("特此报告。"),
        ),
        signature="XX乡人民政府",
        date=datetime.date(2024, 3, 1),
        attachments=(
            Attachment("附表甲", (Paragraph("甲"),)),
            Attachment("附表乙", (Paragraph("乙"),)),
        ),
        subtitle="（2024年1月—2月）",
    )


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> _Collector:
    c = _Collector()
    c.feed(html)
    return c


def test_html_is_escaped_and_self_contained() -> None:
    html = render_html(tricky())
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;" in html
    assert "<b>指标</b>" not in html and "&lt;b&gt;指标&lt;/b&gt;" in html
    assert "a &lt; b &amp; c &gt; d" in html
    assert '<html lang="zh-CN">' in html
    assert '<meta charset="utf-8">' in html
    assert not re.search(r"""(src|href)=["']?https?:""", html)
    assert "@import" not in html
    tags = parse(html).tags
    imgs = [a for t, a in tags if t == "img"]
    assert len(imgs) == 1
    assert (imgs[0]["src"] or "").startswith("data:image/png;base64,")
    assert imgs[0]["alt"] == "图1 <示意>"


def test_html_fonts_and_page() -> None:
    html = render_html(tricky())
    for name in ('"FangSong"', '"仿宋_GB2312"', '"Noto Serif CJK SC"', '"黑体"', '"楷体_GB2312"'):
        assert name in html
    assert "serif;" in html
    assert "width: 210mm" in html
    assert "padding: 37mm 26mm 35mm 28mm" in html
    assert "@page { size: A4" in html


def test_html_headings_marks_placeholders() -> None:
    c = parse(render_html(tricky()))
    tags = [t for t, _ in c.tags]
    assert tags.count("h1") == 3  # title + 2 attachment titles
    for tag in ("h2", "h3", "h4", "h5"):
        assert tags.count(tag) == 1
    marks = [a.get("class") for t, a in c.tags if t == "mark"]
    assert marks == ["placeholder"]
    assert "【待填写：主要做法<待补>】" in "".join(c.text)
    classes = [a.get("class") or "" for t, a in c.tags if t == "td"]
    assert [cl for cl in classes if "mark-" in cl] == [
        "right mark-good",
        "right mark-warn",
        "left mark-bad",
    ]
    html = render_html(tricky())
    for mark, colour in MARK_COLOURS.items():
        assert f"td.mark-{mark} {{ background: {colour}; }}" in html
    assert tags.count("th") == 2
    assert tags.count("section") == 2  # two attachments, each its own page
    text = "".join(c.text)
    assert "附件1" in text and "附件2" in text
    assert "2024年3月1日" in text


def test_markdown_headings_and_structure() -> None:
    md = render_markdown(tricky())
    lines = md.splitlines()
    assert lines[0].startswith("# 关于")
    assert "## 一、基本情况" in lines
    assert "### （一）\\<b\\>指标\\</b\\>" in lines
    assert "#### 1.出生" in lines
    assert "##### （1）分村" in lines
    assert "**【待填写：主要做法\\<待补\\>】**" in lines
    assert "*图1 \\<示意\\>*（图见 .docx / .html 版本）" in lines
    assert "1\\. 不是列表" in lines
    assert "2024年3月1日" in md
    assert "**附件1**" in lines and "**附件2**" in lines
    assert md.endswith("\n")


def test_markdown_escaping() -> None:
    md = render_markdown(tricky())
    assert "\\*星号\\* 与 \\_下划线\\_ \\| 竖线" in md
    assert "<script>" not in md


def test_markdown_table() -> None:
    md = render_markdown(tricky())
    lines = md.splitlines()
    head = lines.index("| 项目 | 数值\\|单位 |")
    assert lines[head + 1] == "| :--- | ---: |"
    assert lines[head + 2] == f"| 甲\\<1\\> | 1 {MARK_SYMBOLS['good']} |"
    assert lines[head + 3] == f"| 乙 | 2 {MARK_SYMBOLS['warn']} |"
    assert lines[head + 4] == f"| 丙 {MARK_SYMBOLS['bad']} | 3 |"
    assert lines[head - 2] == "**表1 测试**"
    assert any(line.startswith("注：✓") for line in lines)


def test_sample_renders(sample_doc: Document) -> None:
    html = render_html(sample_doc)
    md = render_markdown(sample_doc)
    assert html.count('<svg class="chart"') == 2
    assert "data:image/png" not in html
    # in Markdown a chart is its caption and a table of its figures
    assert "*图2  逐月出生人口*" in md
    assert "| 3月（无数据） | — | — | 127.5 |" in md
    assert "&lt;特殊&gt; &amp; “字符”" in html
    assert "中共XX乡委员会" in md
