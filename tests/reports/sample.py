"""A sample official document exercising every block type, for the writer tests and for looking.

Reuse it: ``from .sample import sample_document`` (or ``tests.reports.sample``). Run this file as
a script to write ``sample.docx``, ``sample.html`` and ``sample.md`` into a folder::

    PYTHONPATH=src python tests/reports/sample.py /tmp/sample
"""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

from zicha.reports.charts import monthly_chart, progress_chart
from zicha.reports.document import (
    Attachment,
    Block,
    Closing,
    Document,
    Heading,
    PageBreak,
    Paragraph,
    Placeholder,
    Table,
)

SAMPLE_TITLE = "XX乡人民政府关于2011年上半年人口和计划生育工作自查情况的报告"
SAMPLE_ADDRESSEE = "中共XX县委："
SAMPLE_SIGNATURE = "中共XX乡委员会"
SAMPLE_DATE = datetime.date(2011, 3, 31)

SAMPLE_TABLE = Table(
    columns=("指标", "全年目标", "半年完成", "完成率", "评价"),
    rows=(
        ("出生人口（人）", "≤510", "233", "45.7%", "正常"),
        ("符合政策生育率", "≥85%", "85.4%", "100.5%", "达标"),
        ("人口自然增长率", "≤5‰", "3.59‰", "—", "达标"),
        ("长效节育措施落实率", "≥80%", "无数据", "—", "待核实"),
        ("社会抚养费征收（万元）", "80", "31.75", "39.7%", "滞后"),
    ),
    caption="表1  主要指标完成情况（截至2011年6月30日）",
    align=("left", "right", "right", "right", "center"),
    marks=(
        (None, None, None, "good", "good"),
        (None, None, None, "good", "good"),
        (None, None, None, None, "good"),
        (None, None, "warn", None, "warn"),
        (None, None, None, "bad", "bad"),
    ),
)


def sample_document(with_figures: bool = True) -> Document:
    """The sample report (figures drawn with :mod:`zicha.reports.charts` unless disabled)."""
    blocks: list[Block] = [
        Paragraph(
            "根据《中共XX县委办公室、XX县人民政府办公室关于印发〈XX县2011年度工作目标考核办法〉"
            "的通知》（X委发〔2011〕6号）文件精神，XX乡党委、政府认真组织实施全年工作目标，"
            "现将半年来工作开展情况报告如下："
        ),
        Heading(1, "一、工作指标完成情况"),
        Heading(2, "（一）主要指标"),
        Paragraph(
            "全乡半年应落实避孕节育措施509例，已落实580例。半年来全乡共出生人口233人，"
            "计划生育率85.4%，出生率6.55‰，自然增长率3.59‰。"
        ),
        SAMPLE_TABLE,
        Heading(3, "1.出生人口"),
        Paragraph("截至6月30日，全乡出生人口233人，占全年控制数的45.7%，低于时间进度49.9%。"),
        Heading(4, "（1）分村情况"),
        Placeholder("各村出生人口的说明"),
    ]
    if with_figures:
        blocks.append(
            progress_chart(
                [
                    ("出生人口", 233, 510),
                    ("符合政策生育率", 85.4, 85),
                    ("长效节育措施落实率", None, 80),
                    ("社会抚养费征收", 31.75, 80),
                ],
                0.499,
                "主要指标完成进度",
                "图1  主要指标完成进度与时间进度",
                caps=[True, False, False, False],
            )
        )
    blocks += [
        Heading(2, "（二）创建工作开展情况"),
        Paragraph(
            "我乡严格按照创建目标要求，成立以党委书记为组长的领导组；"
            "印发工作方案，全面启动软件资料收集和信息录入工作。"
        ),
        Heading(1, "二、存在问题"),
        Paragraph("（一）队伍人员调整较大，业务素质需进一步提高。", indent=True),
        Paragraph("（二）部门齐抓共管的意识不强，没有形成合力。"),
        Heading(1, "三、下步工作打算"),
        Paragraph("对照县上目标任务，认真自查总结，将各项目标分解到各单位。"),
        Paragraph(
            "说明：本段不缩进，用于检查 indent=False 与 <特殊> & “字符” 的转义。", indent=False
        ),
        Closing("特此报告。"),
    ]
    att_blocks: list[Block] = [
        Paragraph("本附件列出各月数据。"),
    ]
    if with_figures:
        att_blocks.append(
            monthly_chart(
                ["1月", "2月", "3月", "4月", "5月", "6月"],
                [40, 35, None, 41, 38, 39],
                [42.5, 85, 127.5, 170, 212.5, 255],
                "逐月出生人口",
                "图2  逐月出生人口",
                "人",
            )
        )
    att_blocks += [
        PageBreak(),
        Table(
            columns=("月份", "出生", "累计"),
            rows=tuple((f"{m}月", str(v), str(c)) for m, v, c in _monthly_rows()),
        ),
    ]
    return Document(
        title=SAMPLE_TITLE,
        addressee=SAMPLE_ADDRESSEE,
        blocks=tuple(blocks),
        signature=SAMPLE_SIGNATURE,
        date=SAMPLE_DATE,
        attachments=(Attachment("2011年1—6月逐月数据", tuple(att_blocks)),),
    )


def _monthly_rows() -> list[tuple[int, int, int]]:
    values = [40, 35, 40, 41, 38, 39]
    rows = []
    total = 0
    for month, v in enumerate(values, start=1):
        total += v
        rows.append((month, v, total))
    return rows


def main(argv: list[str]) -> None:
    """Write the sample as docx, html and markdown into the folder given (default: cwd)."""
    from zicha.reports.docx_writer import write_docx
    from zicha.reports.html_writer import render_html
    from zicha.reports.markdown_writer import render_markdown

    out = Path(argv[1]) if len(argv) > 1 else Path.cwd()
    out.mkdir(parents=True, exist_ok=True)
    doc = sample_document()
    write_docx(doc, out / "sample.docx")
    (out / "sample.html").write_text(render_html(doc), encoding="utf-8")
    (out / "sample.md").write_text(render_markdown(doc), encoding="utf-8")
    print(out / "sample.docx")


if __name__ == "__main__":
    main(sys.argv)
